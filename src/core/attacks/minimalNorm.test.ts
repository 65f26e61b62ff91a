import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromDisk, loadModelFromDisk } from '../../../scripts/node-tf';
import { useBackend } from '../backend/backends';
import { sliceSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor, labelsToTensor } from '../data/tensors';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import { carliniWagnerL2 } from './carliniWagner';
import { deepfool } from './deepfool';
import { fgsm } from './fgsm';
import { jsma, jsmaBudget, mostSalient } from './jsma';
import { getAttack } from './registry';
import { attackBatch, measure, type ExampleResult } from './run';
import { cardFor, tinyClassifier } from './testHelpers';
import { isWhiteBox, type AttackContext, type AttackDefinition, type AttackParams } from './types';

const context = (clip: [number, number] = [0, 1], seed = 1): AttackContext => ({ rng: createRng(seed), clip });

function runWhiteBox(
  attack: AttackDefinition,
  model: Classifier,
  x: tf.Tensor4D,
  labels: Int32Array,
  params: AttackParams,
  ctx: AttackContext,
  targets?: Int32Array,
) {
  if (!isWhiteBox(attack)) throw new Error('not white-box');
  return attack.run(model, { x, labels, targets }, params, ctx);
}

/** A single dense layer on 4x4 inputs: its decision boundaries are hyperplanes, so the minimal L2 is known exactly. */
function linearClassifier(seed: number, classes = 3) {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({
        units: classes,
        kernelInitializer: tf.initializers.glorotNormal({ seed }),
        biasInitializer: tf.initializers.randomNormal({ seed: seed + 1, stddev: 0.1 }),
      }),
    ],
  });
  const [kernel, bias] = model.getWeights().map((w) => w.arraySync()) as [number[][], number[]];
  const classifier = classifierFromLayersModel(model, cardFor([4, 4, 1], classes));
  /** min over k of |f_k - f_y| / ||w_k - w_y||: the L2 distance from x to the nearest point the model labels otherwise. */
  const minimalDistance = (x: number[]) => {
    const f = bias.map((b, k) => b + x.reduce((s, v, i) => s + v * kernel[i][k], 0));
    const y = f.indexOf(Math.max(...f));
    let best = Infinity;
    for (let k = 0; k < classes; k++) {
      if (k === y) continue;
      const norm = Math.sqrt(x.reduce((s, _, i) => s + (kernel[i][k] - kernel[i][y]) ** 2, 0));
      best = Math.min(best, Math.abs(f[k] - f[y]) / norm);
    }
    return { label: y, distance: best };
  };
  return { classifier, minimalDistance };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Predicted labels after scaling each example's perturbation by `factor`. */
async function labelsAtScale(model: Classifier, x: tf.Tensor4D, adversarial: tf.Tensor4D, factor: number): Promise<Int32Array> {
  const labels = tf.tidy(() => model.logits(x.add(adversarial.sub(x).mul(factor))).argMax(1));
  const out = (await labels.data()) as Int32Array;
  labels.dispose();
  return out;
}

describe('minimal-perturbation attacks on small models', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('DeepFool on a linear model moves the analytic minimal L2 distance, times (1 + epsilon), in one step', async () => {
    const { classifier, minimalDistance } = linearClassifier(21);
    const n = 8;
    const x = tf.randomUniform([n, 4, 4, 1], 0.3, 0.7, 'float32', 5) as tf.Tensor4D;
    const rows = x.reshape([n, 16]).arraySync() as number[][];
    const truth = rows.map(minimalDistance);
    const labels = Int32Array.from(truth.map((t) => t.label));
    const epsilon = 0.02;
    // A wide input range, so no step is clipped and the hyperplane geometry is exact.
    const { adversarial, results } = await attackBatch(deepfool, classifier, { x, labels }, { epsilon }, context([-10, 10]));
    results.forEach((r, i) => {
      expect(r.success).toBe(true);
      expect(r.steps).toBe(1);
      // The step carries ART's 1e-4 margin in logit units: a relative 1e-3 covers it for these weights.
      expect(r.l2).toBeGreaterThanOrEqual(truth[i].distance * (1 + epsilon) * (1 - 1e-4));
      expect(r.l2).toBeLessThanOrEqual(truth[i].distance * (1 + epsilon) * (1 + 1e-3) + 1e-4);
    });
    tf.dispose([x, adversarial]);
    classifier.dispose();
  });

  it('C&W L2 on a linear model finds nearly the analytic minimal L2, in a range that is not [0, 1]', async () => {
    // Two classes: one hyperplane, so the problem is convex and C&W's optimum is the analytic minimum. (With more
    // classes its loss follows the runner-up logit, which need not be the class of the nearest boundary.)
    const { classifier, minimalDistance } = linearClassifier(22, 2);
    const n = 6;
    const clip: [number, number] = [-1, 2];
    const x = tf.randomUniform([n, 4, 4, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const truth = (x.reshape([n, 16]).arraySync() as number[][]).map(minimalDistance);
    const labels = Int32Array.from(truth.map((t) => t.label));
    const params = { binary_search_steps: 8, max_iter: 200, learning_rate: 0.05, initial_const: 1 };
    const { adversarial, results } = await attackBatch(carliniWagnerL2, classifier, { x, labels }, params, context(clip));
    for (const v of adversarial.dataSync()) expect(v >= clip[0] && v <= clip[1]).toBe(true);
    results.forEach((r, i) => {
      expect(r.success).toBe(true);
      // No success can be closer than the nearest hyperplane; the search should get within 5% of it.
      expect(r.l2).toBeGreaterThanOrEqual(truth[i].distance * (1 - 1e-3));
      expect(r.l2).toBeLessThanOrEqual(truth[i].distance * 1.05);
    });
    tf.dispose([x, adversarial]);
    classifier.dispose();
  });

  it('C&W L2 returns the original image where it never succeeds', async () => {
    const model = tinyClassifier(31);
    const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2]);
    // One Adam step of size 1e-4 cannot change any label by a margin of 100 logits.
    const params = { confidence: 100, max_iter: 1, binary_search_steps: 1, learning_rate: 0.0001 };
    const { adversarial, results } = await attackBatch(carliniWagnerL2, model, { x, labels }, params, context());
    results.forEach((r) => expect(r.adversarialLabel).toBe(r.originalLabel));
    expect(Array.from(adversarial.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, adversarial]);
    model.dispose();
  });

  it('DeepFool and C&W fool most of a random batch on the tiny network and stop just past the boundary', async () => {
    const model = tinyClassifier(12);
    const n = 12;
    const x = tf.randomUniform([n, 4, 4, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const predicted = tf.tidy(() => model.logits(x).argMax(1));
    const labels = (await predicted.data()) as Int32Array;
    predicted.dispose();
    const runs: [AttackDefinition, AttackParams, number][] = [
      [deepfool, {}, 0.9],
      [carliniWagnerL2, { binary_search_steps: 6, max_iter: 100, learning_rate: 0.05 }, 0.95],
    ];
    for (const [attack, params, shrink] of runs) {
      const { adversarial, results } = await attackBatch(attack, model, { x, labels }, params, context());
      for (const v of adversarial.dataSync()) expect(v >= 0 && v <= 1).toBe(true);
      const fooled = results.map((r) => r.success);
      expect(fooled.filter(Boolean).length).toBeGreaterThanOrEqual(0.75 * n);
      // Near-minimal along its own direction: 10% (DeepFool) or 5% (C&W) shorter no longer fools the model.
      const shorter = await labelsAtScale(model, x, adversarial, shrink);
      const restored = results.filter((r, i) => r.success && shorter[i] === labels[i]).length;
      expect(restored).toBeGreaterThanOrEqual(fooled.filter(Boolean).length - 1);
      tf.dispose(adversarial);
    }
    x.dispose();
    model.dispose();
  });

  it('the pairwise saliency map picks the pair the paper’s rule picks', () => {
    const alpha = Float32Array.of(1, 0.5, -1, 2);
    const beta = Float32Array.of(-1, -2, 1, 1);
    // (0, 1): alpha 1.5 > 0, beta -3 < 0, score 4.5; (1, 3): 2.5 * 1; (0, 3) has beta 0 and fails.
    expect(mostSalient(alpha, beta, [0, 1, 2, 3], 1, true)).toEqual([0, 1]);
    expect(mostSalient(alpha, beta, [1, 2, 3], 1, true)).toEqual([1, 3]);
    // Single features: only 0 and 1 have the right signs; 1 scores 1, 0 scores 1 too, the first wins.
    expect(mostSalient(alpha, beta, [0, 1, 2, 3], 1, false)).toEqual([0]);
    // Decreasing: no pair has alpha < 0 and beta > 0, so the most negative alphas are taken.
    expect(mostSalient(alpha, beta, [0, 1, 2, 3], -1, true)).toEqual([2, 1]);
    expect(mostSalient(alpha, beta, [], 1, true)).toEqual([]);
  });

  it('JSMA changes at most ceil(gamma * features) pixels, each once by theta (or up to the range), towards the target', async () => {
    const model = tinyClassifier(13, [4, 4, 1], 3);
    const n = 10;
    // Pixels up to 0.65 with theta 0.3: a pixel moved twice would change by 0.6 without reaching the clip at 1.
    const x = tf.randomUniform([n, 4, 4, 1], 0, 0.65, 'float32', 9) as tf.Tensor4D;
    const ranked = tf.tidy(() => tf.topk(model.logits(x), 2).indices);
    const order = (await ranked.data()) as Int32Array;
    ranked.dispose();
    const labels = Int32Array.from({ length: n }, (_, i) => order[2 * i]);
    // Easy targets: the runner-up class of each image.
    const targets = Int32Array.from({ length: n }, (_, i) => order[2 * i + 1]);
    for (const [theta, gamma] of [
      [0.3, 0.5],
      [0.3, 0.15],
      [-0.3, 0.5],
    ]) {
      const { adversarial, results } = await attackBatch(jsma, model, { x, labels, targets }, { theta, gamma }, context());
      const delta = tf.tidy(() => adversarial.sub(x).reshape([n, 16]).arraySync()) as number[][];
      const original = x.reshape([n, 16]).arraySync() as number[][];
      const budget = Math.ceil(gamma * 16);
      results.forEach((r, i) => {
        expect(r.l0).toBeLessThanOrEqual(budget);
        delta[i].forEach((d, f) => {
          if (Math.abs(d) < 1e-6) return;
          const allowed = theta > 0 ? Math.min(theta, 1 - original[i][f]) : Math.max(theta, 0 - original[i][f]);
          expect(d).toBeCloseTo(allowed, 5);
        });
        // Every pixel can move up by a full theta here, so a failure must have spent the whole budget.
        if (theta > 0 && !r.success) expect(r.l0).toBe(budget);
      });
      if (theta > 0 && gamma === 0.5) expect(results.filter((r) => r.success).length).toBeGreaterThanOrEqual(0.8 * n);
      tf.dispose(adversarial);
    }
    expect(jsmaBudget(0.3, 10)).toBe(3);
    tf.dispose(x);
    model.dispose();
  });

  it('JSMA with gamma 0 returns the images unchanged', async () => {
    const model = tinyClassifier(14);
    const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 10) as tf.Tensor4D;
    const out = await runWhiteBox(jsma, model, x, new Int32Array([0, 1]), { gamma: 0 }, context(), new Int32Array([1, 2]));
    expect(Array.from(out.adversarial.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(out.steps)).toEqual([0, 0]);
    tf.dispose([x, out.adversarial]);
    model.dispose();
  });

  it.each([
    ['deepfool', {}],
    ['cw-l2', { binary_search_steps: 2, max_iter: 5 }],
    ['jsma', { gamma: 0.5 }],
  ] as [string, AttackParams][])('%s leaves tf.memory().numTensors unchanged, in slices and with onFrame', async (id, params) => {
    const model = tinyClassifier(9);
    const x = tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2, 0, 1]);
    const targets = new Int32Array([1, 2, 0, 1, 2]);
    const before = tf.memory().numTensors;
    const seen: { step: number; rows: number }[] = [];
    const onFrame = (step: number, current: tf.Tensor4D) => void seen.push({ step, rows: current.shape[0] });
    for (const batchSize of [32, 2]) {
      const { adversarial } = await attackBatch(getAttack(id), model, { x, labels, targets }, { ...params, batch_size: batchSize }, { ...context(), onFrame });
      adversarial.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    // In slices, onFrame still sees the whole batch, and the step count only grows.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.rows === 5)).toBe(true);
    x.dispose();
    model.dispose();
  });

  it('stops between iterations when told to, returning what it has', async () => {
    const model = tinyClassifier(15);
    const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 11) as tf.Tensor4D;
    const labels = new Int32Array([0, 1, 2]);
    for (const attack of [deepfool, carliniWagnerL2, jsma]) {
      const out = await runWhiteBox(attack, model, x, labels, {}, { ...context(), control: { signal: AbortSignal.abort() } }, new Int32Array([1, 2, 0]));
      expect(Array.from(out.steps)).toEqual([0, 0, 0]);
      expect(Array.from(out.adversarial.dataSync())).toEqual(Array.from(x.dataSync()));
      out.adversarial.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('rejects bad parameters with a message that names the parameter', async () => {
    const model = tinyClassifier(11);
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const batch = { x, labels: new Int32Array([0]) };
    const targeted = { ...batch, targets: new Int32Array([1]) };
    await expect(attackBatch(deepfool, model, batch, { nb_grads: 1 }, context())).rejects.toThrow(/nb_grads/);
    await expect(attackBatch(deepfool, model, batch, { max_iter: 0 }, context())).rejects.toThrow(/max_iter/);
    await expect(attackBatch(deepfool, model, batch, { epsilon: -0.1 }, context())).rejects.toThrow(/epsilon/);
    await expect(attackBatch(carliniWagnerL2, model, batch, { binary_search_steps: 0 }, context())).rejects.toThrow(/binary_search_steps/);
    await expect(attackBatch(carliniWagnerL2, model, batch, { max_iter: 1001 }, context())).rejects.toThrow(/max_iter/);
    await expect(attackBatch(carliniWagnerL2, model, batch, { learning_rate: 'fast' }, context())).rejects.toThrow(/learning_rate/);
    await expect(attackBatch(carliniWagnerL2, model, batch, { initial_const: 0 }, context())).rejects.toThrow(/initial_const/);
    await expect(attackBatch(carliniWagnerL2, model, batch, { targeted: true }, context())).rejects.toThrow(/target/);
    await expect(attackBatch(jsma, model, targeted, { gamma: 1.5 }, context())).rejects.toThrow(/gamma/);
    await expect(attackBatch(jsma, model, targeted, { theta: 0 }, context())).rejects.toThrow(/theta/);
    await expect(attackBatch(jsma, model, batch, {}, context())).rejects.toThrow(/target/);
    x.dispose();
    model.dispose();
  });

  it('are registered with their ids, norms and budget parameters', () => {
    expect(getAttack('deepfool').meta).toMatchObject({ norm: '2', targeted: 'never', knowledge: 'white-box' });
    expect(getAttack('cw-l2').meta).toMatchObject({ norm: '2', targeted: 'optional', knowledge: 'white-box' });
    expect(getAttack('jsma').meta).toMatchObject({ norm: '0', targeted: 'always', budgetParam: 'gamma' });
    for (const id of ['deepfool', 'cw-l2', 'jsma']) {
      for (const spec of getAttack(id).meta.params) expect(spec.help.length).toBeGreaterThan(10);
    }
  });
});

/** The first 100 test digits on the bundled CNN: DeepFool and C&W against FGM at a matched success rate. */
describe('DeepFool and C&W L2 on mnist-cnn (first 100 test digits)', () => {
  let model: Classifier;
  let x: tf.Tensor4D;
  let labels: Int32Array;

  beforeAll(async () => {
    await useBackend('wasm');
    const loaded = await loadModelFromDisk('mnist-cnn');
    model = classifierFromLayersModel(loaded.model, loaded.card);
    const part = sliceSplit(loadMnistFromDisk('test'), 0, 100);
    x = imagesToTensor(part);
    const labelTensor = labelsToTensor(part);
    labels = (await labelTensor.data()) as Int32Array;
    labelTensor.dispose();
  });

  /** Success rate over the digits the model gets right, and the median L2 of the successes among them. */
  const summarise = (results: ExampleResult[]) => {
    const correct = results.filter((r) => r.originalLabel === r.trueLabel);
    const fooled = correct.filter((r) => r.success);
    return { rate: fooled.length / correct.length, medianL2: median(fooled.map((r) => r.l2)), correct: correct.length };
  };

  it('each fools >= 95% of the correctly classified digits with a smaller median L2 than FGM at the same success rate', async () => {
    const clip = model.card.input.range;
    const timed = async (attack: AttackDefinition, params: AttackParams) => {
      const started = performance.now();
      const { adversarial, results } = await attackBatch(attack, model, { x, labels }, params, context(clip));
      const seconds = (performance.now() - started) / 1000;
      adversarial.dispose();
      return { ...summarise(results), seconds, steps: results.reduce((s, r) => s + r.steps, 0) / results.length };
    };
    const df = await timed(deepfool, { batch_size: 100 });
    // Fewer rounds than the lab's default (5) to keep the test short; 3 rounds give the same median L2 within 2%.
    const cw = await timed(carliniWagnerL2, { batch_size: 100, binary_search_steps: 3, max_iter: 100, initial_const: 1 });

    if (!isWhiteBox(fgsm) || !fgsm.sweep) throw new Error('FGSM has a sweep');
    const grid = Array.from({ length: 32 }, (_, k) => 0.25 * (k + 1));
    const started = performance.now();
    const outputs = await fgsm.sweep(model, { x, labels }, { norm: '2' }, grid, context(clip));
    const fgm: ReturnType<typeof summarise>[] = [];
    for (const output of outputs) fgm.push(summarise(await measure(model, { x, labels }, output)));
    tf.dispose(outputs.map((o) => o.adversarial));
    const fgmSeconds = (performance.now() - started) / 1000;
    const best = Math.max(...fgm.map((point) => point.rate));
    // The lowest eps where FGM reaches the rate; FGM saturates below 100% (clipping), so past its best, its best.
    const matched = (rate: number) => {
      const k = fgm.findIndex((point) => point.rate >= Math.min(rate, best));
      return { eps: grid[k], reached: fgm[k].rate >= rate, ...fgm[k] };
    };

    const line = (name: string, r: { rate: number; medianL2: number; seconds: number; steps: number }) =>
      `${name}: success ${(r.rate * 100).toFixed(1)}%, median L2 ${r.medianL2.toFixed(3)}, ${r.seconds.toFixed(1)} s, mean steps ${r.steps.toFixed(1)}`;
    const fgmLine = (name: string, m: ReturnType<typeof matched>) =>
      `FGM against ${name}: ${m.reached ? 'matches it' : 'never matches it up to eps 8; its best rate'} at eps ${m.eps}: ` +
      `success ${(m.rate * 100).toFixed(1)}%, median L2 ${m.medianL2.toFixed(3)}`;
    console.log(
      [
        `mnist-cnn, first 100 test digits (${df.correct} classified correctly):`,
        line('DeepFool (defaults)', df),
        line('C&W L2 (3 rounds x 100 iterations)', cw),
        fgmLine('DeepFool', matched(df.rate)),
        fgmLine('C&W', matched(cw.rate)),
        `FGM sweep over ${grid.length} budgets: ${fgmSeconds.toFixed(1)} s`,
        'FGM eps:success/median L2 ' + fgm.map((p, k) => `${grid[k]}:${(p.rate * 100).toFixed(0)}%/${p.medianL2.toFixed(2)}`).join(' '),
      ].join('\n'),
    );

    for (const r of [df, cw]) {
      expect(r.rate).toBeGreaterThanOrEqual(0.95);
      // When FGM never reaches the rate, it is compared at its best (lower) rate: a comparison in its favour.
      expect(r.medianL2).toBeLessThan(matched(r.rate).medianL2);
    }
  }, 300_000);
});
