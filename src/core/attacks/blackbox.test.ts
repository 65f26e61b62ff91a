import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromDisk, loadModelFromDisk } from '../../../scripts/node-tf';
import { useBackend } from '../backend/backends';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import { labelModelOf, scoreModelOf } from './blackbox';
import { hopSkipJump } from './hopSkipJump';
import { getAttack } from './registry';
import { attackBatch, type ExampleResult } from './run';
import { simba } from './simba';
import { marginLoss, squareAttack, squareFraction } from './square';
import { gradientFree, tinyClassifier } from './testHelpers';
import type { AttackContext, AttackDefinition, AttackParams } from './types';

const BLACK_BOX = ['simba', 'square', 'hopskipjump'];
const context = (seed = 1, clip: [number, number] = [0, 1]): AttackContext => ({ rng: createRng(seed), clip });

/** The query budget each attack promises per example, for the parameters given. */
function budgetOf(id: string, params: AttackParams): number {
  if (id === 'simba') return Number(params.max_iter ?? 3000);
  if (id === 'square') return Number(params.max_iter ?? 1000) * Number(params.nb_restarts ?? 1);
  return Number(params.max_queries ?? 1000);
}

/** Runs an attack on the view of the classifier its threat model allows, counting the rows the model answered. */
async function runCounted(attack: AttackDefinition, classifier: Classifier, x: tf.Tensor4D, labels: Int32Array, params: AttackParams, targets?: Int32Array) {
  const batch = { x, labels, targets };
  if (attack.meta.knowledge === 'score-based') {
    const counting = scoreModelOf(classifier);
    const scoreBased = attack as Extract<AttackDefinition, { meta: { knowledge: 'score-based' } }>;
    return { output: await scoreBased.run(counting.model, batch, params, context(7)), total: counting.queries() };
  }
  if (attack.meta.knowledge === 'decision-based') {
    const counting = labelModelOf(classifier);
    const decisionBased = attack as Extract<AttackDefinition, { meta: { knowledge: 'decision-based' } }>;
    return { output: await decisionBased.run(counting.model, batch, params, context(7)), total: counting.queries() };
  }
  throw new Error('not a black-box attack');
}

async function probabilitiesOf(classifier: Classifier, x: tf.Tensor4D): Promise<number[][]> {
  const probs = tf.tidy(() => classifier.probabilities(x));
  const out = (await probs.array()) as number[][];
  probs.dispose();
  return out;
}

/** Orthonormal 2-D DCT-II coefficient (fi, fj) of one channel-less h x w image: the definition, written out. */
function dctCoefficient(image: number[], h: number, w: number, fi: number, fj: number): number {
  const a = (f: number, n: number) => Math.sqrt((f === 0 ? 1 : 2) / n);
  let sum = 0;
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) {
      sum += image[u * w + v] * Math.cos((Math.PI * (2 * u + 1) * fi) / (2 * h)) * Math.cos((Math.PI * (2 * v + 1) * fj) / (2 * w));
    }
  }
  return a(fi, h) * a(fj, w) * sum;
}

const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('black-box attacks', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it.each(BLACK_BOX)('%s runs on a model whose gradients throw, untargeted and targeted', async (id) => {
    const model = gradientFree(tinyClassifier(2));
    const x = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0, 1, 2]);
    const targets = new Int32Array([1, 2, 0, 2, 0, 1]);
    const params = { eps: 0.6, max_iter: 200, max_queries: 300, init_eval: 20 };
    for (const targeted of [false, true]) {
      const { adversarial, results } = await attackBatch(getAttack(id), model, { x, labels, targets }, { ...params, targeted }, context(3));
      // Not vacuous: the attack did change predictions without a single gradient.
      expect(results.filter((r) => r.success).length).toBeGreaterThan(0);
      expect(results.every((r) => r.queries !== undefined && r.queries > 0)).toBe(true);
      adversarial.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it.each([
    ['simba', { max_iter: 37, attack: 'px', eps: 0.5, batch_size: 4 }],
    ['simba', { max_iter: 50, attack: 'dct', eps: 0.5, epsilon: 0.8, freq_dim: 2, stride: 1, batch_size: 3 }],
    ['square', { max_iter: 23, nb_restarts: 3, eps: 0.15, batch_size: 5 }],
    ['square', { max_iter: 31, nb_restarts: 2, eps: 0.5, norm: '2', batch_size: 32 }],
    ['hopskipjump', { max_queries: 150, init_eval: 30, batch_size: 7 }],
    ['hopskipjump', { max_queries: 400, norm: 'inf', batch_size: 64 }],
  ] as const)('%s: per-example queries sum to the model’s count and stay within budget (%o)', async (id, params) => {
    const classifier = tinyClassifier(12);
    const x = tf.randomUniform([9, 4, 4, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const labels = Int32Array.from({ length: 9 }, (_, i) => i % 3);
    for (const targeted of [false, true]) {
      const targets = Int32Array.from(labels, (l) => (l + 1) % 3);
      const { output, total } = await runCounted(getAttack(id), classifier, x, labels, { ...params, targeted }, targets);
      const queries = Array.from(output.queries!);
      expect(queries.reduce((a, b) => a + b, 0)).toBe(total);
      for (const q of queries) expect(q).toBeLessThanOrEqual(budgetOf(id, params));
      expect(Math.min(...queries)).toBeGreaterThan(0);
      output.adversarial.dispose();
    }
    x.dispose();
    classifier.dispose();
  });

  it('SimBA and Square never exceed eps in their norm nor leave the input range (property test)', async () => {
    const model = gradientFree(tinyClassifier(8));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('simba-px', 'simba-dct', 'square-inf', 'square-2'),
        fc.double({ min: 0, max: 0.8, noNaN: true }),
        fc.double({ min: -1, max: 0.5, noNaN: true }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        async (variant, eps, low, width, seed, targeted) => {
          const clip: [number, number] = [low, low + width];
          const x = tf.tidy(() => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', seed).mul(width).add(low)) as tf.Tensor4D;
          const labels = new Int32Array([0, 1, 2]);
          const targets = new Int32Array([2, 0, 1]);
          const attack = variant.startsWith('square') ? squareAttack : simba;
          const norm = variant === 'square-2' ? '2' : 'inf';
          const params = {
            eps,
            targeted,
            norm,
            max_iter: 40,
            attack: variant === 'simba-px' ? 'px' : 'dct',
            freq_dim: 2,
            epsilon: 0.2 + (seed % 5) / 5,
            nb_restarts: 1 + (seed % 2),
          };
          const { adversarial, results } = await attackBatch(attack, model, { x, labels, targets }, params, context(seed, clip));
          // Compared as float32, the precision of the tensors (0.05 itself is not a float32).
          for (const v of adversarial.dataSync()) expect(v >= Math.fround(clip[0]) && v <= Math.fround(clip[1])).toBe(true);
          const limit = eps * (1 + 1e-5) + 1e-6;
          for (const r of results) expect(norm === '2' ? r.l2 : r.linf).toBeLessThanOrEqual(limit);
          tf.dispose([x, adversarial]);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
    model.dispose();
  });

  it('SimBA (px) moves each pixel by -ε, 0 or +ε in one pass and only ever lowers the true-class probability', async () => {
    const classifier = tinyClassifier(4);
    const x = tf.randomUniform([5, 4, 4, 1], 0.3, 0.7, 'float32', 11) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0, 1]);
    // 16 pixels, at most 16 directions within 17 queries: one pass, nothing clipped (ball and range are wide).
    const { output } = await runCounted(simba, classifier, x, labels, { attack: 'px', epsilon: 0.1, eps: 1, max_iter: 17 });
    const delta = Array.from(tf.tidy(() => output.adversarial.sub(x)).dataSync());
    for (const v of delta) expect([-0.1, 0, 0.1].some((allowed) => Math.abs(v - allowed) < 1e-6)).toBe(true);
    expect(delta.filter((v) => v !== 0).length).toBeGreaterThan(3);
    const before = await probabilitiesOf(classifier, x);
    const after = await probabilitiesOf(classifier, output.adversarial);
    labels.forEach((y, i) => expect(after[i][y]).toBeLessThanOrEqual(before[i][y]));
    expect(labels.some((y, i) => after[i][y] < before[i][y] - 1e-4)).toBe(true);
    tf.dispose([x, output.adversarial]);
    classifier.dispose();
  });

  it('SimBA-DCT adds ±ε along orthonormal DCT directions, the freq_dim x freq_dim lowest first', async () => {
    const classifier = tinyClassifier(5, [8, 8, 1]);
    const x = tf.fill([4, 8, 8, 1], 0.5) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 1]);
    // 5 queries allow at most 4 directions: all from the first 2 x 2 block of frequencies.
    const { output } = await runCounted(simba, classifier, x, labels, { attack: 'dct', epsilon: 0.3, eps: 1, freq_dim: 2, max_iter: 5 });
    const delta = tf.tidy(() => output.adversarial.sub(x).reshape([4, 64])).arraySync() as number[][];
    let moved = 0;
    for (const image of delta) {
      for (let fi = 0; fi < 8; fi++) {
        for (let fj = 0; fj < 8; fj++) {
          const coefficient = dctCoefficient(image, 8, 8, fi, fj);
          if (fi < 2 && fj < 2) {
            expect([-0.3, 0, 0.3].some((allowed) => Math.abs(coefficient - allowed) < 1e-5)).toBe(true);
            if (Math.abs(coefficient) > 0.1) moved++;
          } else {
            expect(Math.abs(coefficient)).toBeLessThan(1e-5);
          }
        }
      }
    }
    expect(moved).toBeGreaterThan(0);
    // Targeted: the target's probability only ever rises.
    const targets = new Int32Array([1, 2, 0, 0]);
    const targeted = await runCounted(simba, classifier, x, labels, { attack: 'dct', eps: 1, freq_dim: 2, max_iter: 30, targeted: true }, targets);
    const before = await probabilitiesOf(classifier, x);
    const after = await probabilitiesOf(classifier, targeted.output.adversarial);
    targets.forEach((t, i) => expect(after[i][t]).toBeGreaterThanOrEqual(before[i][t]));
    tf.dispose([x, output.adversarial, targeted.output.adversarial]);
    classifier.dispose();
  });

  it('Square Attack puts every pixel on a corner of the L-inf ball and its margin loss is negative exactly on success', async () => {
    const classifier = tinyClassifier(6);
    const x = tf.randomUniform([6, 4, 4, 1], 0.3, 0.7, 'float32', 13) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0, 1, 2]);
    const { output } = await runCounted(squareAttack, classifier, x, labels, { eps: 0.2, max_iter: 50 });
    // Stripes start every pixel at x ± ε and squares only move pixels between the two corners (nothing clips here).
    for (const v of tf.tidy(() => output.adversarial.sub(x).abs()).dataSync()) expect(v).toBeCloseTo(0.2, 5);
    // L2: the start and every proposal lie on the ε-sphere, so the result does too (again nothing clips).
    const l2 = await runCounted(squareAttack, classifier, x, labels, { norm: '2', eps: 0.2, max_iter: 50 });
    const norms = tf.tidy(() => l2.output.adversarial.sub(x).reshape([6, -1]).norm('euclidean', 1)).dataSync();
    for (const v of norms) expect(v).toBeCloseTo(0.2, 5);
    expect(tf.tidy(() => l2.output.adversarial.sub(x).abs().max()).dataSync()[0]).toBeLessThan(0.2);
    l2.output.adversarial.dispose();

    // The margin loss is negative exactly when the attack's goal holds.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (raw, label, targeted) => {
          const total = raw.reduce((a, b) => a + b, 0) + 1e-3;
          const probs = Float32Array.from(raw, (v) => (v + 1e-3 / 4) / total);
          const others = Array.from(probs).filter((_, j) => j !== label);
          const own = probs[label];
          const loss = marginLoss(probs, 0, 4, label, targeted);
          if (own === Math.max(...others)) return;
          expect(loss < 0).toBe(targeted ? own > Math.max(...others) : own < Math.max(...others));
        },
      ),
    );

    // p schedule: p_init, halved at 10, 50, 200, ... of 10,000 iterations, rescaled to the budget.
    expect(squareFraction(0.8, 0, 10_000)).toBe(0.8);
    expect(squareFraction(0.8, 10, 10_000)).toBe(0.8);
    expect(squareFraction(0.8, 11, 10_000)).toBe(0.4);
    expect(squareFraction(0.8, 201, 10_000)).toBe(0.1);
    expect(squareFraction(0.8, 2, 1000)).toBe(0.4);
    expect(squareFraction(0.8, 999, 1000)).toBeCloseTo(0.8 / 512, 12);
    tf.dispose([x, output.adversarial]);
    classifier.dispose();
  });

  it('HopSkipJump stays in range, returns only points the model misclassifies, and ends on the decision boundary', async () => {
    const classifier = gradientFree(tinyClassifier(9, [8, 8, 1]));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('2', 'inf'), fc.boolean(), async (seed, norm, targeted) => {
        const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
        const labels = new Int32Array([0, 1, 2, 0]);
        const targets = new Int32Array([1, 2, 0, 2]);
        const { adversarial, results } = await attackBatch(
          hopSkipJump,
          classifier,
          { x, labels, targets },
          { norm, targeted, max_queries: 400 },
          context(seed),
        );
        for (const v of adversarial.dataSync()) expect(v >= 0 && v <= 1).toBe(true);
        const originalLabels = results.map((r) => r.originalLabel);
        // 1% of the way back to the image crosses the boundary again (the binary search's precision is far finer):
        // along the blend for L2, by shrinking the L-inf box around the image for L-inf.
        const back = tf.tidy(() => {
          const delta = adversarial.sub(x);
          if (norm === '2') return x.add(delta.mul(0.99));
          const radius = delta.abs().max([1, 2, 3], true).mul(0.99);
          return tf.minimum(tf.maximum(adversarial, x.sub(radius)), x.add(radius));
        }) as tf.Tensor4D;
        const backLabels = (await tf.tidy(() => classifier.logits(back).argMax(1)).data()) as Int32Array;
        results.forEach((r, i) => {
          const goalAtStart = targeted ? originalLabels[i] === targets[i] : originalLabels[i] !== labels[i];
          if (r.l2 > 0) {
            // Anything it changed is adversarial: every kept point was queried and found so.
            expect(r.success).toBe(true);
            if (!goalAtStart) expect(targeted ? backLabels[i] !== targets[i] : backLabels[i] === labels[i]).toBe(true);
          } else {
            expect(r.success).toBe(goalAtStart);
          }
          expect(r.queries!).toBeLessThanOrEqual(400);
        });
        tf.dispose([x, adversarial, back]);
      }),
      { numRuns: 12, seed: 7 },
    );
    classifier.dispose();
  });

  it('HopSkipJump shrinks the perturbation as it gets more queries', async () => {
    const classifier = tinyClassifier(10, [8, 8, 1]);
    const x = tf.randomUniform([12, 8, 8, 1], 0, 1, 'float32', 21) as tf.Tensor4D;
    // The model's own labels, so that every image starts correctly classified.
    const labels = (await tf.tidy(() => classifier.logits(x).argMax(1)).data()) as Int32Array;
    const norms: number[] = [];
    for (const max_queries of [40, 1500]) {
      const { adversarial, results } = await attackBatch(hopSkipJump, classifier, { x, labels }, { max_queries }, context(4));
      const fooled = results.filter((r) => r.success && r.l2 > 0);
      expect(fooled.length).toBeGreaterThan(8);
      norms.push(median(fooled.map((r) => r.l2)));
      adversarial.dispose();
    }
    expect(norms[1]).toBeLessThan(norms[0] * 0.8);
    x.dispose();
    classifier.dispose();
  });

  it.each(BLACK_BOX)('%s leaves tf.memory().numTensors unchanged, reports each step and honours a stop', async (id) => {
    const model = tinyClassifier(9);
    const x = tf.randomUniform([4, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0]);
    const params = { max_iter: 60, max_queries: 300, eps: 0.05, nb_restarts: 2 };
    const before = tf.memory().numTensors;
    const reported: number[] = [];
    const { adversarial } = await attackBatch(getAttack(id), model, { x, labels }, params, {
      ...context(),
      onFrame: (step, current) => {
        expect(current.shape).toEqual(x.shape);
        reported.push(step);
      },
    });
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(reported.length).toBeGreaterThan(0);
    expect(reported).toEqual(reported.map((_, k) => k + 1));

    let calls = 0;
    const stop = new AbortController();
    const control = { signal: stop.signal, onStep: () => void (++calls >= 2 && stop.abort()) };
    const stopped = await attackBatch(getAttack(id), model, { x, labels }, params, { ...context(), control });
    expect(stopped.results.every((r) => r.steps <= 2)).toBe(true);
    stopped.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('rejects bad parameters with a message that names the parameter', async () => {
    const model = tinyClassifier(11);
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const batch = { x, labels: new Int32Array([0]) };
    const run = (id: string, params: AttackParams) => attackBatch(getAttack(id), model, batch, params, context());
    await expect(run('simba', { attack: 'wavelet' })).rejects.toThrow(/attack/);
    await expect(run('simba', { max_iter: 0 })).rejects.toThrow(/max_iter/);
    await expect(run('simba', { order: 'spiral' })).rejects.toThrow(/order/);
    await expect(run('simba', { freq_dim: 5 })).rejects.toThrow(/freq_dim/);
    await expect(run('simba', { eps: -0.1 })).rejects.toThrow(/eps/);
    await expect(run('square', { p_init: 1.5 })).rejects.toThrow(/p_init/);
    await expect(run('square', { norm: '0' })).rejects.toThrow(/norm/);
    await expect(run('square', { nb_restarts: 0 })).rejects.toThrow(/nb_restarts/);
    await expect(run('hopskipjump', { init_eval: 200, max_eval: 100 })).rejects.toThrow(/init_eval/);
    await expect(run('hopskipjump', { max_queries: 2.5 })).rejects.toThrow(/max_queries/);
    await expect(run('hopskipjump', { norm: '0' })).rejects.toThrow(/norm/);
    for (const id of BLACK_BOX) await expect(run(id, { targeted: true })).rejects.toThrow(/target/);
    x.dispose();
    model.dispose();
  });

  it('declare their threat model and budget in their meta', () => {
    expect(simba.meta).toMatchObject({ id: 'simba', knowledge: 'score-based', norm: 'inf', budgetParam: 'eps', targeted: 'optional' });
    expect(squareAttack.meta).toMatchObject({ id: 'square', knowledge: 'score-based', norm: 'param', budgetParam: 'eps', targeted: 'optional' });
    expect(hopSkipJump.meta).toMatchObject({ id: 'hopskipjump', knowledge: 'decision-based', norm: 'param', targeted: 'optional' });
    expect(hopSkipJump.meta.budgetParam).toBeUndefined();
    for (const attack of [simba, squareAttack, hopSkipJump]) {
      for (const spec of attack.meta.params) expect(spec.help.length).toBeGreaterThan(10);
    }
  });

  it('on the bundled MNIST CNN, 1,000 queries per digit fool most of the first 100 test digits', async () => {
    const { model, card } = await loadModelFromDisk('mnist-cnn');
    const classifier = classifierFromLayersModel(model, card);
    const test = loadMnistFromDisk('test');
    const count = 100;
    const x = imagesToTensor(test, 0, count);
    const labels = Int32Array.from(test.labels.subarray(0, count));
    const before = tf.memory().numTensors;

    const summarise = (name: string, results: ExampleResult[], seconds: number) => {
      const fooled = results.filter((r) => r.success);
      const queries = results.map((r) => r.queries ?? 0);
      const summary = {
        successRate: fooled.length / results.length,
        fooled: fooled.length,
        misclassifiedBefore: results.filter((r) => r.originalLabel !== r.trueLabel).length,
        meanQueries: mean(queries),
        medianQueriesWhenFooled: median(fooled.map((r) => r.queries ?? 0)),
        medianL2WhenFooled: median(fooled.map((r) => r.l2)),
        maxLinf: Math.max(...results.map((r) => r.linf)),
        seconds,
      };
      console.log(`${name}: ${JSON.stringify(summary)}`);
      return summary;
    };
    const timed = async (params: AttackParams, attack: AttackDefinition) => {
      const start = performance.now();
      const { adversarial, results } = await attackBatch(attack, classifier, { x, labels }, params, context(1));
      adversarial.dispose();
      return { results, seconds: (performance.now() - start) / 1000 };
    };

    const simbaRun = await timed({ max_iter: 1000, eps: 0.3 }, simba);
    const simbaSummary = summarise('SimBA-DCT, eps 0.3 (L-inf), 1000 queries', simbaRun.results, simbaRun.seconds);
    const squareRun = await timed({ max_iter: 1000, eps: 0.3 }, squareAttack);
    const squareSummary = summarise('Square (L-inf), eps 0.3, 1000 queries', squareRun.results, squareRun.seconds);
    const squareL2Run = await timed({ norm: '2', max_iter: 1000, eps: 2 }, squareAttack);
    const squareL2Summary = summarise('Square (L2), eps 2, 1000 queries', squareL2Run.results, squareL2Run.seconds);
    const hsjRun = await timed({ max_queries: 1000 }, hopSkipJump);
    const hsjSummary = summarise('HopSkipJump (L2), 1000 queries', hsjRun.results, hsjRun.seconds);
    // Comparable with Square (L2) at ε = 2: the digits HopSkipJump fools within that L2 budget.
    console.log(`HopSkipJump (L2), 1000 queries: ${hsjRun.results.filter((r) => r.success && r.l2 <= 2).length} of ${count} fooled with L2 <= 2`);

    expect(simbaSummary.successRate).toBeGreaterThanOrEqual(0.8);
    expect(squareSummary.successRate).toBeGreaterThanOrEqual(0.8);
    for (const s of [simbaSummary, squareSummary]) expect(s.maxLinf).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(Math.max(...squareL2Run.results.map((r) => r.l2))).toBeLessThanOrEqual(2 * (1 + 1e-5));
    expect(squareL2Summary.fooled).toBeGreaterThan(0);
    for (const run of [simbaRun, squareRun, squareL2Run, hsjRun]) expect(Math.max(...run.results.map((r) => r.queries!))).toBeLessThanOrEqual(1000);
    expect(hsjSummary.successRate).toBeGreaterThanOrEqual(0.9);
    // A minimal-perturbation attack on undefended MNIST: well under the L2 of a full L-inf 0.3 change (about 5).
    expect(hsjSummary.medianL2WhenFooled).toBeLessThan(3);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    classifier.dispose();
  });
});
