import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backends';
import { createRng } from '../data/rng';
import { randomShift } from './train';

describe('randomShift', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('moves every image by a whole number of pixels within the bound, exactly', () => {
    // One bright pixel per image: after the shift it must sit at an integer offset of at most 2, value intact.
    const n = 32;
    const images = tf.buffer([n, 28, 28, 1]);
    for (let i = 0; i < n; i++) images.set(1, i, 14, 14, 0);
    const source = images.toTensor() as tf.Tensor4D;
    const shifted = randomShift(source, 2, createRng(3));
    const values = shifted.arraySync() as number[][][][];
    const offsets = new Set<string>();
    for (let i = 0; i < n; i++) {
      const bright: [number, number, number][] = [];
      values[i].forEach((row, y) => row.forEach(([v], x) => v > 1e-6 && bright.push([y, x, v])));
      expect(bright).toHaveLength(1);
      const [y, x, v] = bright[0];
      expect(v).toBeCloseTo(1, 5);
      expect(Math.abs(y - 14)).toBeLessThanOrEqual(2);
      expect(Math.abs(x - 14)).toBeLessThanOrEqual(2);
      offsets.add(`${y},${x}`);
    }
    expect(offsets.size).toBeGreaterThan(5); // the shifts vary
    tf.dispose([source, shifted]);
  });

  it('leaks no tensors', () => {
    const images = tf.zeros([4, 28, 28, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    randomShift(images, 2, createRng(1)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
