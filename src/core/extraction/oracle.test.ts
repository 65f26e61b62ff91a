import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromDisk, loadModelFromDisk } from '../../../scripts/node-tf';
import { tinyClassifier } from '../attacks/testHelpers';
import { useBackend } from '../backend/backends';
import type { ImageSplit } from '../data/mnist';
import { createRng, shuffleInPlace } from '../data/rng';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import { addGaussianNoise, argmaxRows, reverseSigmoid, REVERSE_SIGMOID_DEFAULTS, roundProbabilities, topK } from './defenses';
import { createOracle, fnv1a64Hex, queryLogToJson } from './oracle';
import { createPradaDetector, normalQuantile, PRADA_DEFAULT_THRESHOLD, shapiroWilk } from './prada';
import { QueryBudgetExceededError, type OracleConfig } from './types';

const SHAPE: [number, number, number] = [4, 4, 1];
const PIXELS = 16;

/** `count` seeded random images of the tiny classifier's shape, values in [0, 1]. */
function randomInputs(count: number, seed: number, size = PIXELS): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * size }, () => rng.next());
}

async function victimProbabilities(classifier: Classifier, inputs: Float32Array, count: number): Promise<Float32Array> {
  const probs = tf.tidy(() => classifier.probabilities(tf.tensor4d(inputs, [count, ...classifier.inputShape])));
  const values = (await probs.data()) as Float32Array;
  probs.dispose();
  return values;
}

const rowOf = (rows: Float32Array, numClasses: number, r: number) => Array.from(rows.subarray(r * numClasses, (r + 1) * numClasses));
const rowSum = (row: number[]) => row.reduce((a, b) => a + b, 0);

/** Probability rows for property tests: positive weights (some tiny, where reverse sigmoid misbehaves), normalised. */
const probabilityRows = (numClasses: number) =>
  fc
    .array(fc.array(fc.double({ min: -9, max: 0, noNaN: true }), { minLength: numClasses, maxLength: numClasses }), { minLength: 1, maxLength: 8 })
    .map((rows) => {
      const out = new Float32Array(rows.length * numClasses);
      rows.forEach((exponents, r) => {
        const weights = exponents.map((e) => 10 ** e);
        const sum = rowSum(weights);
        weights.forEach((w, j) => (out[r * numClasses + j] = w / sum));
      });
      return out;
    });

describe('oracle', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  const config = (over: Partial<OracleConfig> = {}): OracleConfig => ({ output: { kind: 'probabilities' }, budget: 1000, seed: 1, ...over });

  it('holds the budget exactly: 4 + 6 answered, the next query refused without being answered', async () => {
    const victim = tinyClassifier(1, SHAPE, 3);
    const oracle = createOracle(victim, config({ budget: 10 }));
    expect((await oracle.query(randomInputs(4, 1), 4)).labels).toHaveLength(4);
    expect((await oracle.query(randomInputs(6, 2), 6)).labels).toHaveLength(6);
    expect(oracle.used()).toBe(10);
    const refused = oracle.query(randomInputs(1, 3), 1);
    await expect(refused).rejects.toBeInstanceOf(QueryBudgetExceededError);
    await expect(refused).rejects.toThrow('Query budget exceeded: 10 of 10 queries used (0 left), 1 more requested.');
    expect(oracle.used()).toBe(10);
    expect(oracle.log()).toHaveLength(10);
    expect(oracle.log().map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    victim.dispose();
  });

  it('refuses a call that would overrun the budget whole, and still answers what fits', async () => {
    const victim = tinyClassifier(1, SHAPE, 3);
    const oracle = createOracle(victim, config({ budget: 5 }));
    await oracle.query(randomInputs(3, 1), 3);
    const error = await oracle.query(randomInputs(3, 2), 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryBudgetExceededError);
    expect(error).toMatchObject({ budget: 5, used: 3, requested: 3 });
    expect(oracle.used()).toBe(3);
    expect(oracle.log()).toHaveLength(3);
    await oracle.query(randomInputs(2, 4), 2);
    expect(oracle.used()).toBe(5);
    // Calls made without awaiting are answered in order against the same budget.
    const again = createOracle(victim, config({ budget: 5 }));
    const results = await Promise.allSettled([again.query(randomInputs(3, 5), 3), again.query(randomInputs(3, 6), 3), again.query(randomInputs(2, 7), 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(again.used()).toBe(5);
    expect(again.log().map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    victim.dispose();
  });

  it('logs one entry per row: index, a stable input hash, the label and what the attacker saw', async () => {
    const victim = tinyClassifier(2, SHAPE, 3);
    const oracle = createOracle(victim, config());
    const a = randomInputs(1, 10);
    const b = randomInputs(1, 11);
    const batch = new Float32Array(3 * PIXELS);
    batch.set(a, 0);
    batch.set(b, PIXELS);
    batch.set(a, 2 * PIXELS);
    const answer = await oracle.query(batch, 3);
    const log = oracle.log();
    expect(log.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(log[0].inputHash).toMatch(/^[0-9a-f]{16}$/);
    expect(log[2].inputHash).toBe(log[0].inputHash);
    expect(log[1].inputHash).not.toBe(log[0].inputHash);
    const nudged = a.slice();
    nudged[5] += 1e-6;
    await oracle.query(nudged, 1);
    expect(oracle.log()[3].inputHash).not.toBe(log[0].inputHash);
    for (let r = 0; r < 3; r++) {
      expect(log[r].label).toBe(answer.labels[r]);
      expect(log[r].output).toEqual(rowOf(answer.scores!, 3, r));
      expect(log[r].time).toBeGreaterThanOrEqual(0);
    }
    expect(oracle.log()[3].time).toBeGreaterThanOrEqual(log[2].time);
    // The export parses back into the same entries.
    expect(JSON.parse(queryLogToJson(oracle.log()))).toEqual(oracle.log());
    expect(queryLogToJson([])).toBe('[]');

    const labelOnly = createOracle(victim, config({ output: { kind: 'label' } }));
    const labels = await labelOnly.query(batch, 3);
    expect(labels.scores).toBeUndefined();
    expect(labelOnly.log().map((e) => e.output)).toEqual(Array.from(labels.labels, (l) => [l]));
    victim.dispose();
  });

  it('hashes with FNV-1a 64 (published test vectors)', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a64Hex(bytes(''))).toBe('cbf29ce484222325');
    expect(fnv1a64Hex(bytes('a'))).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex(bytes('foobar'))).toBe('85944171f73967e8');
  });

  it('answers full probabilities, top-k, rounded and label-only as specified', async () => {
    const victim = tinyClassifier(4, SHAPE, 5);
    const count = 40;
    const inputs = randomInputs(count, 20);
    const probs = await victimProbabilities(victim, inputs, count);
    const truth = argmaxRows(probs, 5);

    const full = await createOracle(victim, config()).query(inputs, count);
    expect(Array.from(full.scores!)).toEqual(Array.from(probs));
    expect(Array.from(full.labels)).toEqual(Array.from(truth));

    const top2 = await createOracle(victim, config({ output: { kind: 'top-k', k: 2 } })).query(inputs, count);
    for (let r = 0; r < count; r++) {
      const row = rowOf(top2.scores!, 5, r);
      expect(row.filter((v) => v !== 0)).toHaveLength(2);
      expect(argmaxRows(Float32Array.from(row), 5)[0]).toBe(truth[r]);
      row.forEach((v, j) => v !== 0 && expect(v).toBe(probs[r * 5 + j]));
    }

    const rounded = await createOracle(victim, config({ output: { kind: 'rounded', decimals: 2 } })).query(inputs, count);
    for (let r = 0; r < count; r++) {
      const row = rowOf(rounded.scores!, 5, r);
      row.forEach((v, j) => {
        expect(Math.abs(v * 100 - Math.round(v * 100))).toBeLessThan(1e-4);
        expect(Math.abs(v - probs[r * 5 + j])).toBeLessThan(0.01);
      });
      expect(argmaxRows(Float32Array.from(row), 5)[0]).toBe(truth[r]);
    }

    const label = await createOracle(victim, config({ output: { kind: 'label' } })).query(inputs, count);
    expect(label.scores).toBeUndefined();
    expect(Array.from(label.labels)).toEqual(Array.from(truth));
    victim.dispose();
  });

  it('Gaussian noise and reverse sigmoid change the answers but keep every label, and rows still sum to 1', async () => {
    const victim = tinyClassifier(5, SHAPE, 5);
    const count = 50;
    const inputs = randomInputs(count, 30);
    const probs = await victimProbabilities(victim, inputs, count);
    const truth = argmaxRows(probs, 5);
    for (const defenses of [
      { gaussianNoise: 0.05 },
      { reverseSigmoid: { ...REVERSE_SIGMOID_DEFAULTS } },
      { gaussianNoise: 0.05, reverseSigmoid: { beta: 2, gamma: 0.5 } },
    ]) {
      const answer = await createOracle(victim, config({ defenses })).query(inputs, count);
      expect(Array.from(answer.labels)).toEqual(Array.from(truth));
      expect(Array.from(argmaxRows(answer.scores!, 5))).toEqual(Array.from(truth));
      let changed = 0;
      for (let r = 0; r < count; r++) {
        expect(rowSum(rowOf(answer.scores!, 5, r))).toBeCloseTo(1, 5);
        if (rowOf(answer.scores!, 5, r).some((v, j) => Math.abs(v - probs[r * 5 + j]) > 1e-4)) changed++;
      }
      expect(changed).toBe(count);
    }
    // The same seed gives the same noise.
    const noisy = (seed: number) => createOracle(victim, config({ seed, defenses: { gaussianNoise: 0.05 } })).query(inputs, count);
    expect(Array.from((await noisy(3)).scores!)).toEqual(Array.from((await noisy(3)).scores!));
    expect(Array.from((await noisy(3)).scores!)).not.toEqual(Array.from((await noisy(4)).scores!));
    victim.dispose();
  });

  it('reports plain errors for malformed inputs and settings', async () => {
    const victim = tinyClassifier(1, SHAPE, 3);
    const oracle = createOracle(victim, config({ budget: 10 }));
    await expect(oracle.query(new Float32Array(20), 1)).rejects.toThrow('Expected 1 input of 4x4x1 = 16 values each (16 in all), got 20 values.');
    await expect(oracle.query(new Float32Array(32), 3)).rejects.toThrow('Expected 3 inputs of 4x4x1 = 16 values each (48 in all), got 32 values.');
    const withNaN = randomInputs(2, 1);
    withNaN[16 + 4] = NaN;
    await expect(oracle.query(withNaN, 2)).rejects.toThrow('Input 2 of 2 has a value that is not a finite number (NaN) at position 5');
    const withInfinity = randomInputs(1, 1);
    withInfinity[0] = Infinity;
    await expect(oracle.query(withInfinity, 1)).rejects.toThrow('not a finite number (Infinity)');
    await expect(oracle.query(new Float32Array(16), 1.5)).rejects.toThrow('The number of inputs must be a whole number >= 0, got 1.5.');
    expect(oracle.used()).toBe(0);
    expect(oracle.log()).toHaveLength(0);
    expect((await oracle.query(new Float32Array(0), 0)).labels).toHaveLength(0);

    expect(() => createOracle(victim, config({ budget: -1 }))).toThrow('The query budget must be a whole number of queries >= 0, got -1.');
    expect(() => createOracle(victim, config({ output: { kind: 'top-k', k: 4 } }))).toThrow('Top-k output needs a whole number k from 1 to 3');
    expect(() => createOracle(victim, config({ output: { kind: 'rounded', decimals: 1.5 } }))).toThrow(
      'Rounded output needs a whole number of decimals from 0 to 6',
    );
    expect(() => createOracle(victim, config({ defenses: { gaussianNoise: -0.1 } }))).toThrow('standard deviation >= 0');
    expect(() => createOracle(victim, config({ defenses: { reverseSigmoid: { beta: 0, gamma: 0.1 } } }))).toThrow(
      'Reverse sigmoid needs beta > 0 and gamma > 0',
    );
    expect(() => createOracle(victim, config({ defenses: { prada: { threshold: 1.2 } } }))).toThrow('The PRADA threshold is a Shapiro-Wilk W between 0 and 1');
    victim.dispose();
  });

  it('leaks no tensors', async () => {
    const victim = tinyClassifier(6, SHAPE, 3);
    const oracle = createOracle(
      victim,
      config({
        output: { kind: 'rounded', decimals: 3 },
        defenses: { gaussianNoise: 0.01, reverseSigmoid: { beta: 1, gamma: 0.1 }, prada: { threshold: 0.9 } },
      }),
    );
    await oracle.query(randomInputs(2, 1), 2); // warm-up: the layers' weights exist from here on
    const before = tf.memory().numTensors;
    await oracle.query(randomInputs(300, 2), 300);
    await oracle.query(new Float32Array(5), 1).catch(() => undefined);
    expect(tf.memory().numTensors).toBe(before);
    victim.dispose();
  });
});

describe('defenses', () => {
  it('reverse sigmoid matches the Adversarial Robustness Toolbox formula where the winner does not move', () => {
    const rows = Float32Array.from([0.7, 0.2, 0.1, 0.05, 0.9, 0.05]);
    // Computed with ART's ReverseSigmoid formula in numpy (float64 from these float32 inputs).
    const defaults = Array.from(reverseSigmoid(rows, 3, 1, 0.1));
    [0.6355238016, 0.2196353824, 0.144840816, 0.1127701336, 0.7744597327, 0.1127701336].forEach((v, i) => expect(defaults[i]).toBeCloseTo(v, 6));
  });

  it('reverse sigmoid lifts tiny probabilities above an uncertain winner; the winner is swapped back', () => {
    // ART's formula answers [0.2047, 0.1768, 0.1495, 0.1231, 0.0986, 0.2474] here: class 5 (p = 1e-9) would win.
    const row = Float32Array.from([0.3, 0.25, 0.2, 0.15, 0.1 - 1e-9, 1e-9]);
    const out = Array.from(reverseSigmoid(row, 6, 1, 0.1));
    expect(out[0]).toBeCloseTo(0.2473517776, 6);
    expect(out[5]).toBeCloseTo(0.2046500355, 6);
    expect(argmaxRows(Float32Array.from(out), 6)[0]).toBe(0);
    expect(rowSum(out)).toBeCloseTo(1, 6);
    // A strong setting flips even a confident row: ART answers [0.3859, 0.2281, 0.3859] for [0.05, 0.9, 0.05].
    const strong = Array.from(reverseSigmoid(Float32Array.from([0.05, 0.9, 0.05]), 3, 2, 0.5));
    [0.2281050617, 0.3859474692, 0.3859474692].forEach((v, i) => expect(strong[i]).toBeCloseTo(v, 4));
    expect(strong[1]).toBeGreaterThan(strong[2]);
    expect(argmaxRows(Float32Array.from(strong), 3)[0]).toBe(1);
  });

  it('property: noise and reverse sigmoid keep each argmax, change the rows, and sum to 1', () => {
    fc.assert(
      fc.property(probabilityRows(10), fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.01, max: 0.5, noNaN: true }), (rows, seed, sigma) => {
        const truth = Array.from(argmaxRows(rows, 10));
        const noisy = addGaussianNoise(rows, 10, sigma, createRng(seed));
        const reversed = reverseSigmoid(rows, 10, 1, 0.1);
        const stronger = reverseSigmoid(rows, 10, 3, 0.7);
        for (const out of [noisy, reversed, stronger]) {
          expect(Array.from(argmaxRows(out, 10))).toEqual(truth);
          for (let r = 0; r < truth.length; r++) expect(rowSum(rowOf(out, 10, r))).toBeCloseTo(1, 5);
          expect(Array.from(out)).not.toEqual(Array.from(rows));
        }
        expect(Array.from(rows).every((v) => v > 0)).toBe(true); // the input was not changed in place
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('property: rounding keeps the argmax, d decimals and stays within 10^-d; top-k keeps exactly k and the argmax', () => {
    fc.assert(
      fc.property(probabilityRows(6), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 6 }), (rows, decimals, k) => {
        const truth = Array.from(argmaxRows(rows, 6));
        const rounded = roundProbabilities(rows, 6, decimals);
        const scale = 10 ** decimals;
        expect(Array.from(argmaxRows(rounded, 6))).toEqual(truth);
        rounded.forEach((v, i) => {
          expect(Math.abs(v * scale - Math.round(v * scale))).toBeLessThan(1e-3);
          expect(Math.abs(v - rows[i])).toBeLessThan(1 / scale + 1e-7);
        });
        const top = topK(rows, 6, k);
        expect(Array.from(argmaxRows(top, 6))).toEqual(truth);
        for (let r = 0; r < truth.length; r++) {
          const row = rowOf(top, 6, r);
          expect(row.filter((v) => v !== 0)).toHaveLength(k);
          const smallestKept = Math.min(...row.filter((v) => v !== 0));
          rowOf(rows, 6, r).forEach((p, j) => row[j] === 0 && expect(p).toBeLessThanOrEqual(smallestKept));
        }
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('rounding breaks a tie it created in favour of the winner', () => {
    // Both round to 0.44 at 2 decimals; the winner goes up to 0.45 and the runner-up stays at 0.44.
    const out = Array.from(roundProbabilities(Float32Array.from([0.443, 0.444, 0.113]), 3, 2));
    expect(out[1]).toBeCloseTo(0.45, 6);
    expect(out[0]).toBeCloseTo(0.44, 6);
    expect(out[2]).toBeCloseTo(0.11, 6);
    // At 0 decimals everything would round to 0: the winner shows 1.
    expect(Array.from(roundProbabilities(Float32Array.from([0.4, 0.35, 0.25]), 3, 0))).toEqual([1, 0, 0]);
  });
});

describe('Shapiro-Wilk (Royston 1992 / AS R94)', () => {
  it('inverts the normal CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(1e-4)).toBeCloseTo(-3.7190164854556804, 8);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080409, 8);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('matches reference values', () => {
    // Reference W from scipy.stats.shapiro (which implements AS R94) on the same samples.
    expect(shapiroWilk([148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236])).toBeCloseTo(0.7888146948631716, 6);
    expect(shapiroWilk([148, 154, 158, 160, 161, 162, 166, 170, 182, 195])).toBeCloseTo(0.9080491141028906, 6);
    expect(shapiroWilk([2.1, 3.4, 1.9, 5.6, 4.2])).toBeCloseTo(0.9346878701487367, 6);
    expect(shapiroWilk([1, 2, 4, 8])).toBeCloseTo(0.9202026788806026, 6);
    expect(shapiroWilk([1, 2, 4])).toBeCloseTo(0.9642857142857142, 9);
    expect(shapiroWilk(Array.from({ length: 30 }, (_, i) => (i + 1) ** 2))).toBeCloseTo(0.9014205350356363, 6);
    const uniform = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);
    expect(shapiroWilk(uniform)).toBeCloseTo(0.9546116147545181, 6);
    const exponential = Array.from({ length: 5000 }, (_, i) => -Math.log(1 - (i + 0.5) / 5000));
    expect(shapiroWilk(exponential)).toBeCloseTo(0.8163606777377908, 6);
  });

  it('is close to 1 on normal scores and well below 0.95 on an exponential sample of 200', () => {
    const n = 200;
    expect(shapiroWilk(Array.from({ length: n }, (_, i) => normalQuantile((i + 1 - 0.375) / (n + 0.25))))).toBeGreaterThan(0.999);
    const rng = createRng(3);
    const exponential = Array.from({ length: n }, () => -Math.log(1 - rng.next()));
    expect(shapiroWilk(exponential)).toBeLessThan(0.9);
    const normal = Array.from({ length: n }, () => rng.normal());
    expect(shapiroWilk(normal)).toBeGreaterThan(0.98);
    expect(shapiroWilk([2, 2, 2, 2])).toBeNaN();
    expect(() => shapiroWilk([1, 2])).toThrow('The Shapiro-Wilk test needs 3 to 5000 values, got 2.');
  });

  it('PRADA waits for more than 100 distances, then fires once and remembers where', () => {
    const detector = createPradaDetector({ threshold: 0.9 });
    const rng = createRng(8);
    const natural = () => Float32Array.from({ length: 50 }, () => rng.normal());
    let query = 0;
    // One class: the first query seeds the set, so 101 queries give 100 distances and no test yet.
    for (let i = 0; i < 101; i++) detector.observe(natural(), 0, ++query);
    expect(detector.verdict()).toEqual({ flagged: false, firedAt: undefined, statistic: undefined });
    for (let i = 0; i < 100; i++) detector.observe(natural(), 0, ++query);
    expect(detector.verdict().flagged).toBe(false);
    expect(detector.verdict().statistic).toBeGreaterThan(0.9);
    // Now tiny steps from one query, as a synthetic attacker takes them.
    const base = natural();
    for (let i = 0; i < 100; i++) {
      const step = base.map((v) => v + 0.05 * rng.normal());
      detector.observe(step, 0, ++query);
    }
    const verdict = detector.verdict();
    expect(verdict.flagged).toBe(true);
    expect(verdict.firedAt).toBeGreaterThan(201);
    expect(verdict.statistic).toBeLessThan(0.9);
    expect(() => detector.observe(new Float32Array(3), 0, ++query)).toThrow('PRADA compares queries of one size: this one has 3 values, earlier ones 50.');
  });
});

describe('PRADA on mnist-cnn', () => {
  const P = 784;
  let victim: Classifier;
  let test: ImageSplit;
  let testRows: Float32Array;
  let testLabels: Int32Array;

  const rowsOf = (split: ImageSplit, indices: ArrayLike<number>) => {
    const out = new Float32Array(indices.length * P);
    for (let i = 0; i < indices.length; i++) {
      for (let j = 0; j < P; j++) out[i * P + j] = split.images[indices[i] * P + j] / 255;
    }
    return out;
  };
  const labelsOf = async (rows: Float32Array, count: number) => {
    const labels = tf.tidy(() => victim.logits(tf.tensor4d(rows, [count, 28, 28, 1])).argMax(1));
    const values = (await labels.data()) as Int32Array;
    labels.dispose();
    return values;
  };
  /** Feeds a stream to a fresh detector; returns its verdict and the lowest W it computed. */
  const watch = (rows: Float32Array, labels: ArrayLike<number>, threshold = PRADA_DEFAULT_THRESHOLD) => {
    const detector = createPradaDetector({ threshold });
    let lowest = Infinity;
    for (let i = 0; i < labels.length; i++) {
      detector.observe(rows.subarray(i * P, (i + 1) * P), labels[i], i + 1);
      lowest = Math.min(lowest, detector.verdict().statistic ?? Infinity);
    }
    return { ...detector.verdict(), lowest };
  };

  beforeAll(async () => {
    await useBackend('wasm');
    const loaded = await loadModelFromDisk('mnist-cnn');
    victim = classifierFromLayersModel(loaded.model, loaded.card);
    test = loadMnistFromDisk('test');
    testRows = rowsOf(
      test,
      Array.from({ length: test.count }, (_, i) => i),
    );
    testLabels = await labelsOf(testRows, test.count);
  });

  it(`false-positive rate on benign streams of digits is at most 5% (threshold ${PRADA_DEFAULT_THRESHOLD})`, async () => {
    // The 2,000 test digits give 10 disjoint streams of 200 (a stream needs > 100 distances before it is tested at all).
    const disjoint = Array.from({ length: 10 }, (_, s) =>
      watch(testRows.subarray(s * 200 * P, (s + 1) * 200 * P), testLabels.subarray(s * 200, (s + 1) * 200)),
    );
    // 20 streams of 300 test digits drawn at random (different subsets, different orders).
    const drawn = Array.from({ length: 20 }, (_, s) => {
      const indices = shuffleInPlace(
        Array.from({ length: test.count }, (_, i) => i),
        createRng(100 + s),
      ).slice(0, 300);
      return watch(
        rowsOf(test, indices),
        indices.map((i) => testLabels[i]),
      );
    });
    // And 26 disjoint streams of 300 digits from the training split (still natural digits).
    const train = loadMnistFromDisk('train');
    const trainCount = 26 * 300;
    const trainRows = rowsOf(
      train,
      Array.from({ length: trainCount }, (_, i) => i),
    );
    const trainLabels = await labelsOf(trainRows, trainCount);
    const fromTrain = Array.from({ length: 26 }, (_, s) =>
      watch(trainRows.subarray(s * 300 * P, (s + 1) * 300 * P), trainLabels.subarray(s * 300, (s + 1) * 300)),
    );

    const rate = (runs: { flagged: boolean }[]) => runs.filter((r) => r.flagged).length / runs.length;
    const lowest = (runs: { lowest: number }[]) => Math.min(...runs.map((r) => r.lowest)).toFixed(3);
    console.log(
      `PRADA (delta ${PRADA_DEFAULT_THRESHOLD}) false positives: ${disjoint.filter((r) => r.flagged).length}/10 disjoint 200-digit test streams ` +
        `(lowest W ${lowest(disjoint)}), ${drawn.filter((r) => r.flagged).length}/20 random 300-digit test streams (lowest W ${lowest(drawn)}), ` +
        `${fromTrain.filter((r) => r.flagged).length}/26 disjoint 300-digit training streams (lowest W ${lowest(fromTrain)})`,
    );
    expect(rate(disjoint)).toBeLessThanOrEqual(0.05);
    expect(rate(drawn)).toBeLessThanOrEqual(0.05);
    expect(rate(fromTrain)).toBeLessThanOrEqual(0.05);
  });

  it('flags a Jacobian-augmentation attacker (Papernot et al. 2017) in its first augmentation round', async () => {
    // Seed set: 100 test digits. Each round every sample x gets a new neighbour x + lambda * sign(dF_y(x)/dx), clipped
    // to [0, 1], y being the oracle's label. The gradient here is the victim's (a real attacker uses its substitute's):
    // the stream's distances, which are all PRADA sees, are lambda times the root of the number of pixels that move.
    const oracle = createOracle(victim, { output: { kind: 'label' }, budget: 10_000, seed: 1, defenses: { prada: { threshold: PRADA_DEFAULT_THRESHOLD } } });
    const lambda = 0.1;
    let samples = testRows.slice(1000 * P, 1100 * P);
    let labels = (await oracle.query(samples, 100)).labels;
    const firedBy: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const n = labels.length;
      const stepped = tf.tidy(() => {
        const x = tf.tensor4d(samples, [n, 28, 28, 1]);
        const chosen = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
        // sign(d p_y / dx) = sign(d log p_y / dx); the log form does not underflow on confident digits.
        const gradient = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(victim.logits(xi as tf.Tensor4D)), chosen)))(x);
        return tf.clipByValue(x.add(gradient.sign().mul(lambda)), 0, 1);
      });
      const fresh = (await stepped.data()) as Float32Array;
      stepped.dispose();
      const freshLabels = (await oracle.query(fresh, n)).labels;
      const grown = new Float32Array(samples.length + fresh.length);
      grown.set(samples);
      grown.set(fresh, samples.length);
      samples = grown;
      const grownLabels = new Int32Array(2 * n);
      grownLabels.set(labels);
      grownLabels.set(freshLabels, n);
      labels = grownLabels;
      firedBy.push(`after round ${round} (${oracle.used()} queries): W ${oracle.detector().statistic?.toFixed(3)}`);
    }
    const verdict = oracle.detector();
    console.log(
      `PRADA (delta ${PRADA_DEFAULT_THRESHOLD}) on Jacobian augmentation (100 seeds, lambda 0.1): fired at query ${verdict.firedAt}; ${firedBy.join('; ')}`,
    );
    expect(verdict.flagged).toBe(true);
    expect(verdict.firedAt).toBeGreaterThan(100);
    expect(verdict.firedAt).toBeLessThanOrEqual(200);
  });

  it('does not flag uniform noise images or shuffled test digits (reported)', async () => {
    const rng = createRng(21);
    const noiseCount = 500;
    const noise = Float32Array.from({ length: noiseCount * P }, () => rng.next());
    const noiseLabels = await labelsOf(noise, noiseCount);
    const classes = new Set(noiseLabels).size;
    const onNoise = watch(noise, noiseLabels);
    const order = shuffleInPlace(
      Array.from({ length: test.count }, (_, i) => i),
      createRng(22),
    );
    const onShuffled = watch(
      rowsOf(test, order),
      order.map((i) => testLabels[i]),
    );
    console.log(
      `PRADA (delta ${PRADA_DEFAULT_THRESHOLD}) on ${noiseCount} uniform noise images (${classes} predicted class${classes === 1 ? '' : 'es'}): ` +
        `${onNoise.flagged ? `fired at query ${onNoise.firedAt}` : 'not flagged'}, lowest W ${onNoise.lowest.toFixed(3)}, final W ${onNoise.statistic?.toFixed(3)}; ` +
        `on all ${test.count} test digits shuffled: ${onShuffled.flagged ? `fired at query ${onShuffled.firedAt}` : 'not flagged'}, ` +
        `lowest W ${onShuffled.lowest.toFixed(3)}, final W ${onShuffled.statistic?.toFixed(3)}`,
    );
    // Both look natural to PRADA: noise images are all about equally far apart, so their distances are near-normal.
    expect(onNoise.flagged).toBe(false);
    expect(onShuffled.flagged).toBe(false);
  });
});
