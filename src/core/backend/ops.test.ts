import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useBackend } from './backends';
import { SIGN_EXPECTED, SIGN_PROBES, signOf } from './ops';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`signOf on the ${backend} backend`, () => {
    it('is +-1 for +-1e-8 and +-1e-30 and 0 for 0, where tf.sign on wasm has a dead zone', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const probes = tf.tensor1d([...SIGN_PROBES]);
      const got = signOf(probes);
      expect(Array.from(await got.data())).toEqual([...SIGN_EXPECTED]);
      if (backend === 'wasm') {
        // The reason signOf exists: wasm's own sign loses the tiny values (Sign.cc compares with FLT_EPSILON).
        const theirs = tf.sign(probes);
        expect(Array.from(await theirs.data()).slice(0, 4)).toEqual([0, 0, 0, 0]);
        theirs.dispose();
      }
      tf.dispose([probes, got]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('keeps the shape and works on 4-d gradients', async () => {
      await useBackend(backend);
      const g = tf.tensor4d([3e-9, -4e-12, 0, 7], [1, 2, 2, 1]);
      const s = signOf(g);
      expect(s.shape).toEqual([1, 2, 2, 1]);
      expect(Array.from(await s.data())).toEqual([1, -1, 0, 1]);
      tf.dispose([g, s]);
    });
  });
}
