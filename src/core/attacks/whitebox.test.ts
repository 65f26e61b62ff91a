import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backends';
import { createRng } from '../data/rng';
import { crossEntropyLogitDirection, crossEntropySum } from './common';
import { fgsm } from './fgsm';
import { getAttack } from './registry';
import { attackBatch } from './run';
import { tinyClassifier } from './testHelpers';
import { isWhiteBox, type AttackDefinition, type AttackParams } from './types';

const WHITE_BOX = ['fgsm', 'bim', 'pgd', 'mim'];
const context = (seed = 1) => ({ rng: createRng(seed), clip: [0, 1] as [number, number] });

function runWhiteBox(
  attack: AttackDefinition,
  model: ReturnType<typeof tinyClassifier>,
  x: tf.Tensor4D,
  labels: Int32Array,
  params: AttackParams,
  targets?: Int32Array,
) {
  if (!isWhiteBox(attack)) throw new Error('not white-box');
  return attack.run(model, { x, labels, targets }, params, context());
}

describe('white-box attacks', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('FGSM steps each pixel with the sign of a finite-difference gradient of the loss', async () => {
    const model = tinyClassifier(3);
    const rng = createRng(5);
    const values = Array.from({ length: 16 }, () => 0.3 + 0.4 * rng.next());
    const x = tf.tensor4d(values, [1, 4, 4, 1]);
    const labels = new Int32Array([1]);
    const loss = (v: number[], label: number) =>
      tf.tidy(() => crossEntropySum(model.logits(tf.tensor4d(v, [1, 4, 4, 1])), tf.tensor1d([label], 'int32')).dataSync()[0]);
    const h = 1e-3;
    const finiteDifference = (label: number) =>
      values.map((_, i) => {
        const up = [...values];
        const down = [...values];
        up[i] += h;
        down[i] -= h;
        return (loss(up, label) - loss(down, label)) / (2 * h);
      });

    const untargeted = await runWhiteBox(fgsm, model, x, labels, { eps: 0.1, norm: 'inf' });
    const targeted = await runWhiteBox(fgsm, model, x, labels, { eps: 0.1, norm: 'inf', targeted: true }, new Int32Array([2]));
    const stepUp = Array.from(untargeted.adversarial.sub(x).dataSync());
    const stepTarget = Array.from(targeted.adversarial.sub(x).dataSync());
    const gradTrue = finiteDifference(1);
    const gradTarget = finiteDifference(2);
    let checked = 0;
    for (let i = 0; i < 16; i++) {
      if (Math.abs(gradTrue[i]) > 1e-3) {
        // Untargeted: increase the loss on the true label, by exactly eps per pixel.
        expect(Math.sign(stepUp[i])).toBe(Math.sign(gradTrue[i]));
        expect(Math.abs(stepUp[i])).toBeCloseTo(0.1, 5);
        checked++;
      }
      // Targeted: decrease the loss on the target label.
      if (Math.abs(gradTarget[i]) > 1e-3) expect(Math.sign(stepTarget[i])).toBe(-Math.sign(gradTarget[i]));
    }
    expect(checked).toBeGreaterThan(8);
    tf.dispose([x, untargeted.adversarial, targeted.adversarial]);
    model.dispose();
  });

  it('FGM (L2) moves exactly eps in L2 along the normalised gradient when nothing clips', async () => {
    const model = tinyClassifier(4);
    const x = tf.fill([2, 4, 4, 1], 0.5) as tf.Tensor4D;
    const out = await runWhiteBox(fgsm, model, x, new Int32Array([0, 2]), { eps: 0.2, norm: '2' });
    const norms = out.adversarial.sub(x).reshape([2, -1]).norm('euclidean', 1).arraySync() as number[];
    norms.forEach((n) => expect(n).toBeCloseTo(0.2, 4));
    tf.dispose([x, out.adversarial]);
    model.dispose();
  });

  it('FGSM sweep gives the same examples as one run per budget', async () => {
    const model = tinyClassifier(6);
    const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2]);
    const budgets = [0, 0.05, 0.3];
    if (!isWhiteBox(fgsm) || !fgsm.sweep) throw new Error('FGSM has a sweep');
    const swept = await fgsm.sweep(model, { x, labels }, { norm: 'inf' }, budgets, context());
    for (let k = 0; k < budgets.length; k++) {
      const single = await runWhiteBox(fgsm, model, x, labels, { norm: 'inf', eps: budgets[k] });
      expect(Array.from(swept[k].adversarial.dataSync())).toEqual(Array.from(single.adversarial.dataSync()));
      tf.dispose([single.adversarial, swept[k].adversarial]);
    }
    x.dispose();
    model.dispose();
  });

  it('never exceed their budget in their norm nor leave the input range (property test)', async () => {
    const model = tinyClassifier(8);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WHITE_BOX),
        fc.constantFrom('inf', '2'),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        async (id, norm, eps, seed, targeted) => {
          const attack = getAttack(id);
          const n = 3;
          const x = tf.randomUniform([n, 4, 4, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
          const labels = new Int32Array([0, 1, 2]);
          const targets = targeted ? new Int32Array([1, 2, 0]) : undefined;
          const params = { norm, eps, eps_step: eps / 4 + 0.01, max_iter: 5, targeted, num_random_init: seed % 2 };
          const { adversarial, results } = await attackBatch(attack, model, { x, labels, targets }, params, context(seed));
          const values = adversarial.dataSync();
          const limit = eps * (1 + 1e-5) + 1e-6;
          for (const v of values) expect(v >= 0 && v <= 1).toBe(true);
          for (const r of results) {
            // BIM is L-inf only, whatever norm is passed.
            if (norm === 'inf' || id === 'bim') expect(r.linf).toBeLessThanOrEqual(limit);
            else expect(r.l2).toBeLessThanOrEqual(limit);
          }
          tf.dispose([x, adversarial]);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
    model.dispose();
  });

  it.each(WHITE_BOX)('%s leaves tf.memory().numTensors unchanged', async (id) => {
    const model = tinyClassifier(9);
    const x = tf.randomUniform([4, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0]);
    const before = tf.memory().numTensors;
    const { adversarial } = await attackBatch(getAttack(id), model, { x, labels }, { max_iter: 3, num_random_init: 2 }, context());
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('PGD with random restarts keeps, per example, a run that fools the model when one does', async () => {
    const model = tinyClassifier(10);
    const x = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0, 1, 2]);
    const one = await attackBatch(getAttack('pgd'), model, { x, labels }, { eps: 0.5, eps_step: 0.1, max_iter: 10, num_random_init: 1 }, context(1));
    const many = await attackBatch(getAttack('pgd'), model, { x, labels }, { eps: 0.5, eps_step: 0.1, max_iter: 10, num_random_init: 4 }, context(1));
    const count = (r: typeof one.results) => r.filter((e) => e.success).length;
    expect(count(many.results)).toBeGreaterThanOrEqual(count(one.results));
    expect(many.results.every((r) => r.steps <= 40)).toBe(true);
    tf.dispose([x, one.adversarial, many.adversarial]);
    model.dispose();
  });

  it('takes the cross-entropy gradient exactly for a confident prediction (hand-worked, margin 40)', async () => {
    // p = softmax([40, 0, 0]): 1 - p_0 = 2e^-40 / (1 + 2e^-40) is below float32's resolution at 1, so tf.losses
    // gives the true class a gradient p_0 - 1 = 0. Divided by 1 - p_0 the exact gradient is [-1, 1/2, 1/2].
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d([[40, 0, 0]]);
    const [label0, label1] = [tf.tensor1d([0], 'int32'), tf.tensor1d([1], 'int32')];
    const onTrue = crossEntropyLogitDirection(logits, label0);
    expect(Array.from(await onTrue.data())).toEqual([-1, 0.5, 0.5]);
    // On label 1 (1 - p_1 is about 1): [p_0, -(p_0 + p_2), p_2] / (p_0 + p_2), with p_2 / p_0 = e^-40 = 4.248e-18.
    const onOther = crossEntropyLogitDirection(logits, label1);
    const [a, b, c] = Array.from(await onOther.data());
    expect([a, b]).toEqual([1, -1]);
    expect(c / Math.exp(-40)).toBeCloseTo(1, 5);
    const theirs = tf.tidy(() => tf.grad((z: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.tensor2d([[1, 0, 0]]), z))(logits));
    expect((await theirs.data())[0]).toBe(0);
    tf.dispose([logits, label0, label1, onTrue, onOther, theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad parameters with a message that names the parameter', async () => {
    const model = tinyClassifier(11);
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    await expect(attackBatch(getAttack('pgd'), model, { x, labels: new Int32Array([0]) }, { max_iter: 2.5 }, context())).rejects.toThrow(/max_iter/);
    await expect(attackBatch(getAttack('fgsm'), model, { x, labels: new Int32Array([0]) }, { norm: '7' }, context())).rejects.toThrow(/norm/);
    await expect(attackBatch(getAttack('fgsm'), model, { x, labels: new Int32Array([0]) }, { targeted: true }, context())).rejects.toThrow(/target/);
    expect(() => getAttack('nope')).toThrow(/fgsm/);
    x.dispose();
    model.dispose();
  });
});

describe('catalog and registry', () => {
  it('list the same attacks in the same order, each implementation with its catalog meta', async () => {
    const { ATTACKS } = await import('./registry');
    const { ATTACK_METAS } = await import('./catalog');
    expect(ATTACKS.map((a) => a.meta)).toEqual([...ATTACK_METAS]);
    for (const meta of ATTACK_METAS) {
      expect(meta.params.length).toBeGreaterThan(0);
      if (meta.budgetParam) expect(meta.params.map((p) => p.key)).toContain(meta.budgetParam);
      for (const p of meta.params) expect(p.help.length).toBeGreaterThan(10);
    }
  });
});
