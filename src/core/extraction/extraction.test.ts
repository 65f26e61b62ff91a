import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from '../../../scripts/node-tf';
import { tinyClassifier } from '../attacks/testHelpers';
import { sliceSplit, type ImageSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import { runExtraction, temper, type ExtractionOptions, type ExtractionResult } from './extract';
import {
  answerDistribution,
  jacobianAugment,
  jacobianStep,
  leastSure,
  STRATEGIES,
  syntheticStrokeImages,
  uniformNoiseImages,
  type StrategyId,
} from './strategies';
import { transferAttack } from './transfer';
import { QueryBudgetExceededError, type Oracle, type OracleAnswer } from './types';

/**
 * A minimal oracle over a Classifier for these tests only (the lab's own oracle lives in oracle.ts): probabilities
 * or labels, an exact budget. `hardBudget` below `budget` makes it refuse queries its `budget` claims to allow, as
 * an oracle shared with someone else would.
 */
function testOracle(
  victim: Classifier,
  mode: 'probabilities' | 'label',
  budget: number,
  hardBudget = budget,
  plainError = false,
): Oracle & { refused: number } {
  let used = 0;
  const [h, w, c] = victim.inputShape;
  const oracle = {
    numClasses: victim.numClasses,
    inputShape: victim.inputShape,
    budget,
    refused: 0,
    used: () => used,
    async query(inputs: Float32Array, count: number): Promise<OracleAnswer> {
      if (used + count > hardBudget) {
        oracle.refused++;
        // Across a worker boundary the error arrives as a plain object with the same fields.
        if (plainError) throw { name: 'QueryBudgetExceededError', message: 'budget', budget: hardBudget, used, requested: count };
        throw new QueryBudgetExceededError(hardBudget, used, count);
      }
      if (inputs.length < count * h * w * c) throw new Error('fewer inputs than rows');
      used += count;
      const [probs, labels] = tf.tidy(() => {
        const p = victim.probabilities(tf.tensor4d(inputs.subarray(0, count * h * w * c), [count, h, w, c]));
        return [p, p.argMax(1)];
      });
      const scores = Float32Array.from(await probs.data());
      const answerLabels = Int32Array.from(await labels.data());
      tf.dispose([probs, labels]);
      return mode === 'label' ? { labels: answerLabels } : { labels: answerLabels, scores };
    },
    log: () => [],
    detector: () => ({ flagged: false }),
  };
  return oracle;
}

/** An ImageSplit of small images from floats in [0, 1] (stored as bytes, as datasets are). */
function splitFrom(pixels: number[] | Float32Array, shape: [number, number, number]): ImageSplit {
  const size = shape[0] * shape[1] * shape[2];
  const count = pixels.length / size;
  return {
    images: Uint8Array.from(pixels, (v) => Math.round(v * 255)),
    labels: new Uint8Array(count),
    count,
    height: shape[0],
    width: shape[1],
    channels: shape[2],
    numClasses: 10,
  };
}

async function victimLabelsOf(victim: Classifier, data: ImageSplit): Promise<Int32Array> {
  const t = tf.tidy(() => victim.logits(imagesToTensor(data)).argMax(1));
  const out = Int32Array.from(await t.data());
  t.dispose();
  return out;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function logHistory(title: string, result: ExtractionResult): void {
  console.log(
    `${title}: stopped by ${result.stoppedBy}, ${result.queriesUsed} queries, ${result.seconds.toFixed(1)} s; ` +
      `reproduces ${pct(result.substitute.card.metrics.trainAccuracy)} of the answers it was trained on`,
  );
  for (const r of result.history) {
    console.log(
      `  round ${r.round}: ${r.queriesUsed} queries (+${r.queries}), fidelity ${pct(r.fidelity)}, accuracy ${pct(r.accuracy)}, ` +
        `loss ${r.loss.toFixed(3)}, ${r.seconds.toFixed(1)} s`,
    );
  }
}

const SHAPE: [number, number, number] = [4, 4, 1];

describe('query strategies on small cases', () => {
  let substitute: Classifier;
  beforeAll(async () => {
    await useNodeWasm();
    substitute = tinyClassifier(3, SHAPE, 3);
  });
  afterAll(() => substitute.dispose());

  /** The substitute's gradient of its logit for `label`, for one image alone. */
  function ownLabelGradient(x: Float32Array, label: number): Float32Array {
    return tf.tidy(() => {
      const g = tf.grad((input: tf.Tensor) =>
        substitute
          .logits(input as tf.Tensor4D)
          .slice([0, label], [1, 1])
          .sum(),
      )(tf.tensor4d(x, [1, ...SHAPE]));
      return Float32Array.from(g.dataSync());
    });
  }

  it('Jacobian augmentation moves each image by exactly lambda in L-inf, along the sign of the gradient, clipped to [0, 1]', () => {
    const rng = createRng(5);
    const n = 6;
    const inputs = Float32Array.from({ length: n * 16 }, () => 0.15 + 0.7 * rng.next());
    // Pixels at the edges of the range, so clipping is exercised.
    inputs[0] = 0;
    inputs[1] = 1;
    inputs[17] = 0.05;
    inputs[18] = 0.97;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const lambda = 0.1;
    const before = tf.memory().numTensors;
    const moved = jacobianAugment(substitute, inputs, labels, lambda);
    expect(tf.memory().numTensors).toBe(before);
    expect(moved.length).toBe(inputs.length);
    for (let i = 0; i < n; i++) {
      const x = inputs.subarray(i * 16, (i + 1) * 16);
      const g = ownLabelGradient(x, labels[i]);
      let linf = 0;
      for (let p = 0; p < 16; p++) {
        const expected = Math.min(1, Math.max(0, x[p] + lambda * Math.sign(g[p])));
        expect(moved[i * 16 + p]).toBeCloseTo(expected, 6);
        linf = Math.max(linf, Math.abs(moved[i * 16 + p] - x[p]));
      }
      expect(linf).toBeCloseTo(lambda, 6);
    }
    // Step size with the paper's periodic sign flip every tau rounds.
    expect([0, 1, 2, 3, 4].map((r) => jacobianStep(0.1, r, 2))).toEqual([0.1, 0.1, -0.1, -0.1, 0.1]);
    expect(jacobianStep(0.1, 7)).toBe(0.1);
  });

  it('the Jacobian strategy queries the seeds, then doubles the set each round, and keeps to the budget', async () => {
    const rng = createRng(9);
    const seeds = splitFrom(
      Float32Array.from({ length: 5 * 16 }, () => rng.next()),
      SHAPE,
    );
    const sampler = STRATEGIES.jacobian.start({ inputShape: SHAPE, numClasses: 3, rng: createRng(1), seeds, params: { lambda: 0.1 } });
    const answer = (n: number, offset: number): OracleAnswer => ({ labels: Int32Array.from({ length: n }, (_, i) => (i + offset) % 3) });

    const first = await sampler.propose({ round: 0, size: 100, limit: 100 });
    expect(first.count).toBe(5);
    expect(Array.from(first.inputs)).toEqual(Array.from(seeds.images, (b) => Math.fround(b / 255)));
    sampler.observe!(first, answer(5, 0), 5);

    const second = await sampler.propose({ round: 1, substitute, size: 100, limit: 100 });
    expect(second.count).toBe(5);
    expect(Array.from(second.inputs)).toEqual(Array.from(jacobianAugment(substitute, first.inputs, answer(5, 0).labels, 0.1)));
    sampler.observe!(second, answer(5, 1), 5);

    // S2 = S1 ∪ its augmentation: 10 images, so 10 new ones, built from the whole set with the labels answered.
    const set = new Float32Array(10 * 16);
    set.set(first.inputs);
    set.set(second.inputs, 5 * 16);
    const setLabels = Int32Array.from([...answer(5, 0).labels, ...answer(5, 1).labels]);
    const third = await sampler.propose({ round: 2, substitute, size: 100, limit: 100 });
    expect(third.count).toBe(10);
    expect(Array.from(third.inputs)).toEqual(Array.from(jacobianAugment(substitute, set, setLabels, 0.1)));

    // A budget smaller than the doubling: a subset of the new points, never more than the limit.
    const cut = STRATEGIES.jacobian.start({ inputShape: SHAPE, numClasses: 3, rng: createRng(1), seeds, params: { lambda: 0.1 } });
    const a = await cut.propose({ round: 0, size: 100, limit: 3 });
    expect(a.count).toBe(3);
  });

  it('uncertainty sampling picks the pool items the substitute is least sure about, and never repeats one', async () => {
    // Hand-made probabilities: margins 0.9, 0.1, 0.5, 0.0 (tie of two classes), 0.3.
    const probs = Float32Array.from([0.95, 0.05, 0, 0.5, 0.4, 0.1, 0.7, 0.2, 0.1, 0.45, 0.45, 0.1, 0.6, 0.3, 0.1]);
    expect(Array.from(leastSure(probs, 3, 3, 'margin'))).toEqual([3, 1, 4]);
    // Entropy: the near-uniform rows first; the one-hot-like row last.
    const flat = Float32Array.from([1, 0, 0, 1 / 3, 1 / 3, 1 / 3, 0.5, 0.5, 0]);
    expect(Array.from(leastSure(flat, 3, 3, 'entropy'))).toEqual([1, 2, 0]);

    const rng = createRng(4);
    const pool = splitFrom(
      Float32Array.from({ length: 60 * 16 }, () => rng.next()),
      SHAPE,
    );
    for (const measure of ['margin', 'entropy'] as const) {
      const sampler = STRATEGIES['pool-uncertainty'].start({ inputShape: SHAPE, numClasses: 3, rng: createRng(2), pool, params: { uncertainty: measure } });
      const seen = new Set<number>();
      const firstRound = await sampler.propose({ round: 0, size: 10, limit: 100 });
      firstRound.poolIndices!.forEach((i) => seen.add(i));
      // The substitute's probabilities on the whole pool, worked out here independently.
      const all = tf.tidy(() => substitute.probabilities(imagesToTensor(pool)));
      const allProbs = Float32Array.from(all.dataSync());
      all.dispose();
      const next = await sampler.propose({ round: 1, substitute, size: 10, limit: 100 });
      const free = Array.from({ length: 60 }, (_, i) => i).filter((i) => !seen.has(i));
      const freeProbs = new Float32Array(free.length * 3);
      free.forEach((row, r) => freeProbs.set(allProbs.subarray(row * 3, row * 3 + 3), r * 3));
      const expected = Array.from(leastSure(freeProbs, 3, 10, measure), (r) => free[r]);
      expect(Array.from(next.poolIndices!)).toEqual(expected);
      for (const i of next.poolIndices!) expect(seen.has(i)).toBe(false);
    }
  });

  it('pool-random and pool-adaptive never repeat a pool item and stop when the pool is used up', async () => {
    const rng = createRng(6);
    const pool = splitFrom(
      Float32Array.from({ length: 25 * 16 }, () => rng.next()),
      SHAPE,
    );
    for (const id of ['pool-random', 'pool-adaptive'] as const) {
      const sampler = STRATEGIES[id].start({ inputShape: SHAPE, numClasses: 3, rng: createRng(3), pool });
      const seen: number[] = [];
      for (let round = 0; round < 4; round++) {
        const p = await sampler.propose({ round, substitute: round > 0 ? substitute : undefined, size: 10, limit: 100 });
        seen.push(...p.poolIndices!);
        for (let r = 0; r < p.count; r++) {
          const row = p.poolIndices![r];
          expect(Array.from(p.inputs.subarray(r * 16, r * 16 + 16))).toEqual(
            Array.from(pool.images.subarray(row * 16, row * 16 + 16), (b) => Math.fround(b / 255)),
          );
        }
        sampler.observe?.(p, { labels: new Int32Array(p.count) }, p.count);
      }
      expect(seen.length).toBe(25);
      expect(new Set(seen).size).toBe(25);
    }
  });

  it('the adaptive bandit learns to draw from the cluster whose answers surprise the substitute', async () => {
    const rng = createRng(8);
    const pool = splitFrom(
      Float32Array.from({ length: 12_000 * 16 }, () => rng.next()),
      SHAPE,
    );
    const predicted = await victimLabelsOf(substitute, pool);
    const natural = predicted.filter((l) => l === 0).length / pool.count;
    const sampler = STRATEGIES['pool-adaptive'].start({ inputShape: SHAPE, numClasses: 3, rng: createRng(3), pool, params: { banditStep: 0.5 } });
    let lateFromZero = 0;
    let late = 0;
    for (let round = 0; round < 10; round++) {
      const p = await sampler.propose({ round, substitute: round > 0 ? substitute : undefined, size: 50, limit: 10_000 });
      // The oracle disagrees with the substitute exactly on its class-0 cluster.
      const labels = Int32Array.from(p.poolIndices!, (i) => (predicted[i] === 0 ? 1 : predicted[i]));
      if (round >= 6) {
        late += p.count;
        lateFromZero += Array.from(p.poolIndices!).filter((i) => predicted[i] === 0).length;
      }
      sampler.observe!(p, { labels }, p.count);
    }
    // Random sampling would draw the cluster's share of the pool; a bandit that has not learned, one arm in three.
    console.log(`adaptive bandit: the class-0 cluster is ${pct(natural)} of the pool and ${pct(lateFromZero / late)} of the queries of rounds 7-10`);
    expect(lateFromZero / late).toBeGreaterThan(0.6);
  });

  it('answers become training targets: renormalised scores, or one-hot labels; temperature softens them', () => {
    const topK: OracleAnswer = { labels: Int32Array.from([2]), scores: Float32Array.from([0, 0.2, 0.6, 0]) };
    expect(Array.from(answerDistribution(topK, 0, 4)).map((v) => +v.toFixed(6))).toEqual([0, 0.25, 0.75, 0]);
    expect(Array.from(answerDistribution({ labels: Int32Array.from([1, 3]) }, 1, 4))).toEqual([0, 0, 0, 1]);
    expect(Array.from(answerDistribution({ labels: Int32Array.from([1]), scores: new Float32Array(4) }, 0, 4))).toEqual([0, 1, 0, 0]);
    const softened = temper(Float32Array.from([0.64, 0.36]), 2);
    expect(softened[0]).toBeCloseTo(0.8 / 1.4, 6);
    expect(Array.from(temper(Float32Array.from([0, 1]), 4))).toEqual([0, 1]);
  });

  it('data-free queries are images in [0, 1], reproducible from the seed; strokes are ink on black', () => {
    const shape: [number, number, number] = [28, 28, 1];
    const noise = uniformNoiseImages(3, shape, createRng(1));
    expect(noise.length).toBe(3 * 784);
    expect(Array.from(uniformNoiseImages(3, shape, createRng(1)))).toEqual(Array.from(noise));
    const strokes = syntheticStrokeImages(20, shape, createRng(2));
    expect(Array.from(syntheticStrokeImages(20, shape, createRng(2)))).toEqual(Array.from(strokes));
    for (const images of [noise, strokes]) for (const v of images) expect(v >= 0 && v <= 1).toBe(true);
    for (let i = 0; i < 20; i++) {
      const image = strokes.subarray(i * 784, (i + 1) * 784);
      const ink = image.filter((v) => v > 0.5).length;
      expect(ink).toBeGreaterThan(10);
      expect(ink).toBeLessThan(784 * 0.5);
    }
  });
});

describe('model extraction from the bundled mnist-cnn', () => {
  let victim: Classifier;
  let pool: ImageSplit;
  let seeds: ImageSplit;
  let heldOut: ImageSplit;
  let victimLabels: Int32Array;
  let stolen: ExtractionResult | undefined;

  beforeAll(async () => {
    await useNodeWasm();
    const loaded = await loadModelFromDisk('mnist-cnn');
    victim = classifierFromLayersModel(loaded.model, loaded.card);
    // The attacker's pool: the 8,000 training digits as unlabeled images. Seeds: 100 test digits. Held out: the
    // other 1,900 test digits, never queried; the victim's labels for them are computed here, outside any budget.
    pool = loadMnistFromDisk('train');
    const test = loadMnistFromDisk('test');
    seeds = sliceSplit(test, 0, 100);
    heldOut = sliceSplit(test, 100, 1900);
    victimLabels = await victimLabelsOf(victim, heldOut);
    const agree = victimLabels.filter((l, i) => l === heldOut.labels[i]).length;
    console.log(`victim mnist-cnn: ${pct(agree / heldOut.count)} accuracy on the 1,900 held-out test digits`);
  });

  afterAll(() => {
    stolen?.substitute.dispose();
    victim?.dispose();
  });

  const options = (strategy: StrategyId, queriesPerRound: number, epochs: number, evaluationCount = heldOut.count): ExtractionOptions => ({
    strategy,
    pool,
    seeds,
    queriesPerRound,
    training: { architecture: 'mnist-mlp', epochs, batchSize: 64, learningRate: 1e-3 },
    evaluation: { data: sliceSplit(heldOut, 0, evaluationCount), victimLabels: victimLabels.subarray(0, evaluationCount) },
    seed: 1,
  });

  it('never exceeds the budget: the queries of the rounds add up to oracle.used(), stopping exactly at the budget', async () => {
    const oracle = testOracle(victim, 'probabilities', 250);
    const reported: number[] = [];
    const result = await runExtraction(oracle, options('pool-random', 100, 1, 200), { onRound: (r) => void reported.push(r.queriesUsed) });
    expect(result.history.map((r) => r.queries)).toEqual([100, 100, 50]);
    expect(reported).toEqual([100, 200, 250]);
    expect(result.history.reduce((n, r) => n + r.queries, 0)).toBe(oracle.used());
    expect(oracle.used()).toBe(250);
    expect(oracle.refused).toBe(0);
    expect(result.stoppedBy).toBe('budget');
    result.substitute.dispose();

    // Jacobian rounds double (100 seeds, then 100, 200, ...) and the last one is cut to what is left.
    const jacobianOracle = testOracle(victim, 'label', 250);
    const jacobian = await runExtraction(jacobianOracle, options('jacobian', 100, 1, 200));
    expect(jacobian.history.map((r) => r.queries)).toEqual([100, 100, 50]);
    expect(jacobian.history.map((r) => r.trainingSetSize)).toEqual([100, 200, 250]);
    expect(jacobianOracle.used()).toBe(250);
    jacobian.substitute.dispose();
  });

  it('when the oracle refuses a round for its budget, queries only what is left, then stops keeping the rounds done', async () => {
    // The oracle claims 1,000 queries but refuses past 230, as one shared with someone else would.
    const oracle = testOracle(victim, 'probabilities', 1000, 230);
    const result = await runExtraction(oracle, options('pool-uncertainty', 100, 1, 200));
    expect(oracle.refused).toBe(1);
    expect(result.history.map((r) => r.queries)).toEqual([100, 100, 30]);
    expect(oracle.used()).toBe(230);
    expect(result.history.at(-1)!.trainingSetSize).toBe(230);
    expect(result.stoppedBy).toBe('budget');
    result.substitute.dispose();

    const plain = testOracle(victim, 'label', 1000, 130, true);
    const acrossWorker = await runExtraction(plain, options('pool-random', 100, 1, 200));
    expect(acrossWorker.history.map((r) => r.queries)).toEqual([100, 30]);
    expect(plain.used()).toBe(130);
    acrossWorker.substitute.dispose();
  });

  it('honours a stop between rounds and maxRounds', async () => {
    const oracle = testOracle(victim, 'probabilities', 1000);
    let rounds = 0;
    const stop = new AbortController();
    const onRound = () => void (++rounds >= 2 && stop.abort());
    const stopped = await runExtraction(oracle, options('synthetic', 50, 1, 100), { onRound, control: { signal: stop.signal } });
    expect(stopped.history.length).toBe(2);
    expect(stopped.stoppedBy).toBe('stopped');
    expect(oracle.used()).toBe(100);
    stopped.substitute.dispose();
    const capped = await runExtraction(testOracle(victim, 'label', 1000), { ...options('random-noise', 50, 1, 100), maxRounds: 1 });
    expect(capped.history.length).toBe(1);
    expect(capped.stoppedBy).toBe('max-rounds');
    capped.substitute.dispose();
  });

  it('leaks no tensors: every strategy, both architectures, fresh and continued training, and the transfer attack', async () => {
    const before = tf.memory().numTensors;
    for (const strategy of Object.keys(STRATEGIES) as StrategyId[]) {
      const result = await runExtraction(testOracle(victim, 'probabilities', 60), { ...options(strategy, 30, 1, 50), seeds: sliceSplit(seeds, 0, 20) });
      expect(result.history.length).toBeGreaterThanOrEqual(2);
      result.substitute.dispose();
    }
    const cnn = await runExtraction(testOracle(victim, 'label', 40), {
      ...options('pool-adaptive', 20, 1, 50),
      training: { architecture: 'mnist-cnn', epochs: 1, batchSize: 16, learningRate: 1e-3, restart: 'fresh', temperature: 2, augmentShift: 1 },
    });
    const digits = sliceSplit(heldOut, 0, 12);
    for (const attack of ['fgsm', 'pgd'] as const) {
      const transfer = await transferAttack(cnn.substitute, testOracle(victim, 'label', 1000), digits, attack, [0.1, 0.3], {
        whiteBoxVictim: victim,
        params: { max_iter: 3 },
        batchSize: 5,
      });
      expect(transfer.points.length).toBe(2);
      expect(transfer.victimQueries).toBe(12 + 2 * transfer.victimCorrect);
    }
    cnn.substitute.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('probabilities + a pool of unlabeled digits: >= 90% fidelity within 1,000 queries', async () => {
    const oracle = testOracle(victim, 'probabilities', 1000);
    stolen = await runExtraction(oracle, options('pool-uncertainty', 250, 10));
    logHistory('probabilities, pool-uncertainty, mnist-mlp substitute, budget 1,000', stolen);
    expect(oracle.used()).toBe(1000);
    expect(stolen.history.at(-1)!.fidelity).toBeGreaterThanOrEqual(0.9);
  });

  it('labels only + a pool of unlabeled digits: >= 85% fidelity within 2,000 queries', async () => {
    const oracle = testOracle(victim, 'label', 2000);
    const result = await runExtraction(oracle, options('pool-uncertainty', 500, 8));
    logHistory('labels only, pool-uncertainty, mnist-mlp substitute, budget 2,000', result);
    result.substitute.dispose();
    expect(oracle.used()).toBe(2000);
    expect(result.history.at(-1)!.fidelity).toBeGreaterThanOrEqual(0.85);
  });

  it('a seed set of 100 digits + Jacobian augmentation (lambda 0.1), probabilities, 1,600 queries', async () => {
    const oracle = testOracle(victim, 'probabilities', 1600);
    const result = await runExtraction(oracle, { ...options('jacobian', 100, 10), strategyParams: { lambda: 0.1 } });
    logHistory('probabilities, 100 seeds + Jacobian augmentation, mnist-mlp substitute, budget 1,600', result);
    result.substitute.dispose();
    expect(result.history.map((r) => r.queries)).toEqual([100, 100, 200, 400, 800]);
    // No target in the issue; a floor well above chance guards against regressions (Papernot et al. report ~81%).
    expect(result.history.at(-1)!.fidelity).toBeGreaterThanOrEqual(0.7);
  });

  it('no data: random noise and synthetic strokes, probabilities, 1,000 queries', async () => {
    const figures: string[] = [];
    for (const strategy of ['random-noise', 'synthetic'] as const) {
      const result = await runExtraction(testOracle(victim, 'probabilities', 1000), options(strategy, 500, 10));
      logHistory(`probabilities, ${strategy}, mnist-mlp substitute, budget 1,000`, result);
      figures.push(`${strategy} ${pct(result.history.at(-1)!.fidelity)}`);
      result.substitute.dispose();
    }
    console.log(`no-data presets at 1,000 queries, fidelity: ${figures.join(', ')}`);
  });

  it('transfer: FGSM eps 0.3 crafted on the >= 90%-fidelity substitute fools the victim on >= 60% of the digits it gets right', async () => {
    expect(stolen).toBeDefined();
    expect(stolen!.history.at(-1)!.fidelity).toBeGreaterThanOrEqual(0.9);
    const oracle = testOracle(victim, 'label', 10 * heldOut.count);
    const result = await transferAttack(stolen!.substitute, oracle, heldOut, 'fgsm', [0.1, 0.2, 0.3], { whiteBoxVictim: victim });
    console.log(
      `FGSM transfer over ${result.digits} held-out digits (${result.victimCorrect} correct for the victim), ${result.victimQueries} victim queries, ${result.seconds.toFixed(1)} s:`,
    );
    for (const p of result.points) {
      console.log(
        `  eps ${p.eps}: transfer ${pct(p.transferSuccess)}, white-box on the victim ${pct(p.whiteBoxSuccess!)}, on the substitute itself ${pct(p.substituteSuccess)}`,
      );
    }
    expect(oracle.used()).toBe(result.victimQueries);
    const at03 = result.points.find((p) => p.eps === 0.3)!;
    expect(at03.transferSuccess).toBeGreaterThanOrEqual(0.6);
    expect(at03.transferSuccess).toBeLessThanOrEqual(at03.whiteBoxSuccess! + 1e-9);
  });
});
