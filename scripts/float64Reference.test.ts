/**
 * The project's white-box attack path on mnist-cnn against an independent float64 reference (scripts/reference/):
 * the FGSM direction must be the sign of the true gradient in every pixel where that gradient is not zero, and FGSM
 * at eps 0.3 must leave exactly the digits the reference leaves, on every backend the Node tests have.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAttack } from '../src/core/attacks/registry';
import { useBackend } from '../src/core/backend/backends';
import { sliceSplit, type ImageSplit } from '../src/core/data/mnist';
import { createRng } from '../src/core/data/rng';
import { imagesToTensor } from '../src/core/data/tensors';
import { classifierFromLayersModel, type Classifier } from '../src/core/models/classifier';
import { loadMnistFromDisk, loadModelFromDisk } from './node-tf';
import { MODELS_DIR } from './paths';
import { readFloat64Cnn, referenceFgsm, referenceLogits, referenceLossGradient, type Float64Cnn } from './reference/float64Cnn';
import { join } from 'node:path';
import { isWhiteBox } from '../src/core/attacks/types';

/** The first test digits (REFERENCE_DIGITS=2000 checks the whole split); the cpu backend, slow for a CNN, checks fewer. */
const DIGITS = Number(process.env.REFERENCE_DIGITS ?? 200);
const CPU_DIGITS = 60;
const EPS = 0.3;

let reference: Float64Cnn;
let split: ImageSplit;
/** Per digit: pixels as the app feeds them (float32 of byte / 255), the reference gradient and FGSM label. */
let digits: { pixels: Float32Array; label: number; gradient: Float64Array; fgsmLabel: number }[];

beforeAll(() => {
  reference = readFloat64Cnn(join(MODELS_DIR, 'mnist-cnn'));
  split = sliceSplit(loadMnistFromDisk('test'), 0, DIGITS);
  digits = Array.from({ length: DIGITS }, (_, i) => {
    const pixels = Float32Array.from(split.images.subarray(i * 784, (i + 1) * 784), (b) => b / 255);
    const label = split.labels[i];
    const { gradient, predicted } = referenceFgsm(reference, pixels, label, EPS);
    return { pixels, label, gradient, fgsmLabel: predicted };
  });
});

describe('the float64 reference itself', () => {
  it('finds the confident digits whose float32 cross-entropy gradient used to vanish', () => {
    // A digit whose reference gradient is tiny is exactly where tf.sign's dead zone and float32's p_y - 1 lost it.
    const tiny = digits.filter((d) => d.gradient.some((g) => g !== 0 && Math.abs(g) < 1.19e-7)).length;
    console.log(`${tiny} of ${DIGITS} digits have gradient pixels below 1.19e-7 in size (float64 reference)`);
    expect(tiny).toBeGreaterThan(0);
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`FGSM on mnist-cnn equals the float64 reference (${backend} backend)`, () => {
    let model: Classifier;
    const count = backend === 'cpu' ? CPU_DIGITS : DIGITS;

    beforeAll(async () => {
      await useBackend(backend);
      const loaded = await loadModelFromDisk('mnist-cnn');
      model = classifierFromLayersModel(loaded.model, loaded.card);
    });
    afterAll(() => model.dispose());

    it('has the same clean logits (within 1e-4) and labels', async () => {
      const x = imagesToTensor(split, 0, count);
      const logits = tf.tidy(() => model.logits(x));
      const values = await logits.data();
      tf.dispose([x, logits]);
      let worst = 0;
      for (let i = 0; i < count; i++) {
        const want = referenceLogits(reference, digits[i].pixels);
        for (let k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(values[i * 10 + k] - want[k]));
      }
      expect(worst).toBeLessThan(1e-4);
    });

    it('steps every pixel with the sign of the reference gradient wherever that gradient is not zero', async () => {
      const fgsm = getAttack('fgsm');
      if (!isWhiteBox(fgsm)) throw new Error('FGSM is white-box');
      const x = imagesToTensor(split, 0, count);
      // An unbounded range, so no clipping hides the direction: each pixel moves by exactly +-eps or 0.
      const out = await fgsm.run(
        model,
        { x, labels: Int32Array.from(split.labels.subarray(0, count)) },
        { eps: 1, norm: 'inf' },
        { rng: createRng(1), clip: [-10, 10] },
      );
      const step = tf.tidy(() => out.adversarial.sub(x));
      const values = await step.data();
      tf.dispose([x, out.adversarial, step]);
      let compared = 0;
      let wrong = 0;
      let tinyCompared = 0;
      const examples: string[] = [];
      for (let i = 0; i < count; i++) {
        const g = digits[i].gradient;
        for (let p = 0; p < 784; p++) {
          if (g[p] === 0) continue;
          compared++;
          if (Math.abs(g[p]) < 1.19e-7) tinyCompared++;
          const got = Math.round(values[i * 784 + p]);
          if (got !== Math.sign(g[p])) {
            wrong++;
            if (examples.length < 5) examples.push(`digit ${i} pixel ${p}: step ${values[i * 784 + p]}, reference gradient ${g[p]}`);
          }
        }
      }
      console.log(
        `${backend}: ${compared} non-zero gradient pixels compared (${tinyCompared} of them below 1.19e-7), ${wrong} with the wrong sign ${examples.join('; ')}`,
      );
      expect(tinyCompared).toBeGreaterThan(0);
      expect(examples).toEqual([]);
    });

    it(`leaves exactly the digits the reference leaves at eps ${EPS}`, async () => {
      const fgsm = getAttack('fgsm');
      if (!isWhiteBox(fgsm)) throw new Error('FGSM is white-box');
      const x = imagesToTensor(split, 0, count);
      const out = await fgsm.run(
        model,
        { x, labels: Int32Array.from(split.labels.subarray(0, count)) },
        { eps: EPS, norm: 'inf' },
        { rng: createRng(1), clip: [0, 1] },
      );
      const predicted = tf.tidy(() => model.logits(out.adversarial).argMax(1));
      const labels = Array.from(await predicted.data());
      tf.dispose([x, out.adversarial, predicted]);
      const want = digits.slice(0, count).map((d) => d.fgsmLabel);
      const correct = (ls: number[]) => ls.filter((l, i) => l === split.labels[i]).length;
      console.log(`${backend}: FGSM eps ${EPS} leaves ${correct(labels)} of ${count} digits; the float64 reference leaves ${correct(want)}`);
      expect(labels).toEqual(want);
    });
  });
}

describe('the reference gradient is the gradient', () => {
  it('matches central finite differences of the float64 loss on a few pixels', () => {
    // The least confident digit (its loss is large enough for finite differences), jittered a little: a saturated
    // stroke gives exact ties in max-pool windows, where the loss has a kink and no derivative to compare with.
    const biggest = (d: (typeof digits)[number]) => d.gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
    const { pixels: clean, label } = digits.reduce((a, b) => (biggest(b) > biggest(a) ? b : a));
    const rng = createRng(3);
    const pixels = Float64Array.from(clean, (v) => v + 1e-3 * (rng.next() - 0.5));
    const { gradient } = referenceLossGradient(reference, pixels, label);
    const loss = (v: Float64Array) => {
      const z = referenceLogits(reference, v);
      const max = Math.max(...z);
      return max + Math.log(z.reduce((s, zi) => s + Math.exp(zi - max), 0)) - z[label];
    };
    const order = Array.from(gradient.keys()).sort((a, b) => Math.abs(gradient[b]) - Math.abs(gradient[a]));
    for (const p of order.slice(0, 20)) {
      const h = 1e-6;
      const up = Float64Array.from(pixels);
      const down = Float64Array.from(pixels);
      up[p] += h;
      down[p] -= h;
      const numeric = (loss(up) - loss(down)) / (2 * h);
      expect(Math.abs(numeric - gradient[p])).toBeLessThan(1e-5 * Math.abs(gradient[p]) + 1e-9);
    }
  });
});
