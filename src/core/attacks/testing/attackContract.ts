/**
 * The contract every attack keeps, run from the registry (contract.test.ts) and for any attack a test adds: its
 * budget and the input range respected, the same seed giving the same result, no tensor left behind on success
 * nor when a callback throws, and a stop honoured. Norms are computed here in plain JS on the downloaded arrays,
 * not by the code under test. Each attack runs with its catalog entry's `testParams` on a tiny dense model.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../backend/backends';
import { createRng } from '../../data/rng';
import type { Classifier } from '../../models/classifier';
import type { RunControl } from '../../run/control';
import { readParams } from '../params';
import { attackBatch } from '../run';
import { tinyClassifier } from '../testHelpers';
import type { AttackBatch, AttackContext, AttackDefinition, AttackMeta, AttackParams, NormName } from '../types';

const SHAPE: [number, number, number, number] = [3, 4, 4, 1];
const CLIP: [number, number] = [0, 1];
/** Float32 slack on a bound: a projection lands on the sphere up to rounding. */
const SLACK = 1e-5;

/** The catalog entry's test parameters; an entry without them fails every contract test. */
export function testParamsOf(meta: AttackMeta): AttackParams {
  if (!meta.testParams) throw new Error(`The catalog entry "${meta.id}" has no testParams: give it parameters small enough for the contract tests.`);
  return meta.testParams;
}

/**
 * The perturbation bound the attack promises with these parameters, or null for a minimal-perturbation attack
 * (no budget parameter). An L0 budget is a share of the features, as JSMA's γ is.
 */
export function promisedBound(meta: AttackMeta, params: AttackParams, features: number): { norm: NormName; bound: number } | null {
  if (!meta.budgetParam) return null;
  const resolved = readParams(meta.params, params);
  const norm = (meta.norm === 'param' ? resolved.norm : meta.norm) as NormName;
  const value = Number(resolved[meta.budgetParam]);
  return { norm, bound: norm === '0' ? Math.ceil(value * features - 1e-9) : value };
}

/** L0 (changes above 1e-6), L2 and L-inf of each row of adversarial - original, in float64. */
export function normsInJs(original: Float32Array, adversarial: Float32Array, rows: number): { l0: number; l2: number; linf: number }[] {
  const size = original.length / rows;
  return Array.from({ length: rows }, (_, i) => {
    let l0 = 0;
    let squares = 0;
    let linf = 0;
    for (let k = i * size; k < (i + 1) * size; k++) {
      const d = Math.abs(adversarial[k] - original[k]);
      if (d > 1e-6) l0++;
      squares += d * d;
      linf = Math.max(linf, d);
    }
    return { l0, l2: Math.sqrt(squares), linf };
  });
}

/** Images the model classifies as their labels (so every attack has work to do), with pixels on both ends of the range. */
async function contractBatch(model: Classifier): Promise<{ values: Float32Array; labels: Int32Array; targets: Int32Array }> {
  const rng = createRng(17);
  const values = Float32Array.from({ length: SHAPE.reduce((a, b) => a * b) }, (_, k) => (k % 7 === 0 ? 0 : k % 11 === 0 ? 1 : rng.next()));
  const x = tf.tensor4d(values, SHAPE);
  const predicted = tf.tidy(() => model.logits(x).argMax(1));
  const labels = Int32Array.from(await predicted.data());
  tf.dispose([x, predicted]);
  return { values, labels, targets: labels.map((label) => (label + 1) % model.numClasses) };
}

/** Declares the contract tests for each attack in `attacks()` (read when the tests are collected). */
export function describeAttackContract(attacks: () => readonly AttackDefinition[]): void {
  describe.each(attacks().map((attack) => [attack.meta.id, attack] as const))('attack %s keeps the contract', (_id, attack) => {
    let model: Classifier;
    let data: Awaited<ReturnType<typeof contractBatch>>;

    beforeAll(async () => {
      await useBackend('wasm');
      model = tinyClassifier(5);
      data = await contractBatch(model);
    });
    afterAll(() => model.dispose());

    /** Runs the attack through attackBatch, the way the labs do, and downloads what it returns. */
    const run = async (seed: number, extra: Partial<AttackContext> = {}) => {
      const params = testParamsOf(attack.meta);
      const targeted = attack.meta.targeted === 'always' || (attack.meta.targeted === 'optional' && params.targeted === true);
      const x = tf.tensor4d(data.values, SHAPE);
      const batch: AttackBatch = { x, labels: data.labels, targets: targeted ? data.targets : undefined };
      try {
        const { adversarial, results } = await attackBatch(attack, model, batch, params, { rng: createRng(seed), clip: CLIP, ...extra });
        const values = (await adversarial.data()) as Float32Array;
        adversarial.dispose();
        return { values, results };
      } finally {
        x.dispose();
      }
    };

    it('has test parameters in its catalog entry', () => {
      expect(attack.meta.testParams, `${attack.meta.id} has no testParams`).toBeDefined();
    });

    it('stays inside the input range and within its budget in its norm', async () => {
      const { values, results } = await run(1);
      expect(results).toHaveLength(SHAPE[0]);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(CLIP[0]);
        expect(v).toBeLessThanOrEqual(CLIP[1]);
      }
      const promised = promisedBound(attack.meta, testParamsOf(attack.meta), values.length / SHAPE[0]);
      if (!promised) return;
      expect(promised.bound).toBeGreaterThan(0);
      for (const norms of normsInJs(data.values, values, SHAPE[0])) {
        if (promised.norm === 'inf') expect(norms.linf).toBeLessThanOrEqual(promised.bound + SLACK);
        else if (promised.norm === '2') expect(norms.l2).toBeLessThanOrEqual(promised.bound * (1 + SLACK) + SLACK);
        else expect(norms.l0).toBeLessThanOrEqual(promised.bound);
      }
    });

    it('gives the same result for the same seed', async () => {
      const first = await run(3);
      const second = await run(3);
      expect(Array.from(second.values)).toEqual(Array.from(first.values));
      expect(second.results.map((r) => [r.steps, r.queries])).toEqual(first.results.map((r) => [r.steps, r.queries]));
    });

    it('leaves tf.memory().numTensors unchanged on success, and when onStep or onFrame throws', async () => {
      const before = tf.memory().numTensors;
      let steps = 0;
      await run(1, { control: { onStep: () => void steps++ }, onFrame: (_step, current) => expect(current.shape).toEqual(SHAPE) });
      expect(steps).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(before);
      await expect(run(1, { control: { onStep: () => Promise.reject(new Error('step callback failed')) } })).rejects.toThrow('step callback failed');
      expect(tf.memory().numTensors).toBe(before);
      await expect(
        run(1, {
          onFrame: () => {
            throw new Error('frame callback failed');
          },
        }),
      ).rejects.toThrow('frame callback failed');
      expect(tf.memory().numTensors).toBe(before);
    });

    it('honours a stop: aborted during its first step, it takes no other step, returns a valid batch and leaks nothing', async () => {
      const before = tf.memory().numTensors;
      let fullSteps = 0;
      await run(2, { control: { onStep: () => void fullSteps++ } });
      const stop = new AbortController();
      let steps = 0;
      const control: RunControl = { signal: stop.signal, onStep: () => void (steps++, stop.abort()) };
      const { values, results } = await run(2, { control });
      expect(fullSteps).toBeGreaterThanOrEqual(1);
      expect(steps).toBe(1);
      expect(results).toHaveLength(SHAPE[0]);
      expect(values.every((v) => v >= CLIP[0] && v <= CLIP[1])).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
