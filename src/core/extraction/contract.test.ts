/**
 * Contract tests driven by the catalog: every query strategy and every substitute is run through the same checks
 * (budget spent exactly, no tensor leak on success or when a callback throws, a stop honoured, same seed same
 * result), on small random images and a tiny victim so the whole file runs in seconds. Adding an entry to the
 * catalog adds it here; an entry without testParams fails.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeWasm } from '../../../scripts/node-tf';
import { tinyClassifier } from '../attacks/testHelpers';
import type { ImageSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import type { Classifier } from '../models/classifier';
import type { RunControl } from '../run/control';
import { STRATEGY_METAS, SUBSTITUTE_METAS, toStrategyParams, toTraining, type CatalogEntry, type Chosen, type StrategyId, type SubstituteId } from './catalog';
import { runExtraction, type ExtractionCallbacks, type ExtractionOptions, type ExtractionResult } from './extract';
import { createOracle } from './oracle';
import { transferAttack } from './transfer';
import type { Oracle } from './types';

const SHAPE: [number, number, number] = [12, 12, 1];
const CLASSES = 4;
/** Odd on purpose: no round size divides it, so the last round is always cut to what is left. */
const BUDGET = 37;
const PER_ROUND = 10;

/** An entry's test parameters; an entry without them fails every contract test. */
function testParamsOf(entry: CatalogEntry): Chosen<string>['params'] {
  if (!entry.testParams) throw new Error(`The catalog entry "${entry.id}" has no testParams: the contract tests cannot run it.`);
  return entry.testParams;
}

function randomSplit(count: number, seed: number): ImageSplit {
  const rng = createRng(seed);
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  return {
    images: Uint8Array.from({ length: count * size }, () => Math.floor(rng.next() * 256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(CLASSES)),
    count,
    height: SHAPE[0],
    width: SHAPE[1],
    channels: SHAPE[2],
    numClasses: CLASSES,
  };
}

/** A run of the lab for one strategy and one substitute, each with the catalog's test parameters. */
interface Case {
  strategy: Chosen<StrategyId>;
  substitute: Chosen<SubstituteId>;
}

const CASES: [string, Case][] = [
  ...STRATEGY_METAS.map((m): [string, Case] => [
    `strategy ${m.id}`,
    { strategy: { id: m.id, params: testParamsOf(m) }, substitute: { id: 'mnist-mlp', params: testParamsOf(SUBSTITUTE_METAS[0]) } },
  ]),
  ...SUBSTITUTE_METAS.map((m): [string, Case] => [
    `substitute ${m.id}`,
    { strategy: { id: 'pool-random', params: {} }, substitute: { id: m.id, params: testParamsOf(m) } },
  ]),
];

describe('extraction contract, for every strategy and substitute of the catalog', () => {
  let victim: Classifier;
  let pool: ImageSplit;
  let seeds: ImageSplit;
  let evaluation: ExtractionOptions['evaluation'];

  beforeAll(async () => {
    await useNodeWasm();
    victim = tinyClassifier(3, SHAPE, CLASSES);
    pool = randomSplit(80, 1);
    seeds = randomSplit(6, 2);
    const data = randomSplit(20, 3);
    const predicted = tf.tidy(() => victim.logits(imagesToTensor(data)).argMax(1));
    evaluation = { data, victimLabels: Int32Array.from(await predicted.data()) };
    predicted.dispose();
  });
  afterAll(() => victim.dispose());

  const newOracle = (budget = BUDGET) => createOracle(victim, { output: { kind: 'probabilities' }, budget, seed: 5 });
  const options = (c: Case, overrides: Partial<ExtractionOptions> = {}): ExtractionOptions => ({
    strategy: c.strategy.id,
    strategyParams: toStrategyParams(c.strategy),
    training: toTraining(c.substitute),
    pool,
    seeds,
    queriesPerRound: PER_ROUND,
    evaluation,
    seed: 11,
    ...overrides,
  });
  /** Runs, disposes the substitute, and returns the result with the oracle it spent. */
  const run = async (c: Case, callbacks: ExtractionCallbacks = {}, overrides: Partial<ExtractionOptions> = {}, oracle: Oracle = newOracle()) => {
    const result = await runExtraction(oracle, options(c, overrides), callbacks);
    result.substitute.dispose();
    return { result, oracle };
  };
  const sumOfRounds = (result: ExtractionResult) => result.history.reduce((n, r) => n + r.queries, 0);

  it.each(CASES)('%s: spends the budget exactly on images in [0, 1], reports progress up to 1, steps, and leaks no tensor', async (_, c) => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    let steps = 0;
    let outOfRange = 0;
    const inner = newOracle();
    const oracle: Oracle = {
      ...inner,
      used: () => inner.used(),
      log: () => inner.log(),
      query: (inputs, count) => {
        outOfRange += inputs.filter((v) => !(v >= 0 && v <= 1)).length;
        return inner.query(inputs, count);
      },
    };
    const { result } = await run(c, { control: { onProgress: (f) => void progress.push(f), onStep: () => void steps++ } }, {}, oracle);
    expect(tf.memory().numTensors).toBe(before);
    expect(outOfRange).toBe(0);
    // The step callback (where a worker lets a cancel in) runs before every round and between epochs.
    expect(steps).toBeGreaterThanOrEqual(result.history.length);
    expect(oracle.used()).toBe(BUDGET);
    expect(oracle.log()).toHaveLength(BUDGET);
    expect(sumOfRounds(result)).toBe(BUDGET);
    expect(result.history.at(-1)!.queriesUsed).toBe(BUDGET);
    expect(result.stoppedBy).toBe('budget');
    for (const r of result.history) expect(r.queries).toBeLessThanOrEqual(c.strategy.id === 'jacobian' ? BUDGET : PER_ROUND);
    // Progress never goes back and ends at the whole budget.
    expect(progress.length).toBeGreaterThanOrEqual(result.history.length);
    progress.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(progress[i - 1] ?? 0));
    expect(progress.at(-1)).toBeCloseTo(1, 9);
  });

  it.each(CASES)('%s: when onRound throws, the run rethrows it and leaks no tensor', async (_, c) => {
    const before = tf.memory().numTensors;
    let rounds = 0;
    const onRound = () => {
      if (++rounds === 2) throw new Error('onRound failed');
    };
    await expect(runExtraction(newOracle(), options(c), { onRound })).rejects.toThrow('onRound failed');
    expect(rounds).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)('%s: when the progress callback throws mid-training, the run rethrows it and leaks no tensor', async (_, c) => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const control: RunControl = {
      onProgress: () => {
        if (++calls === 2) throw new Error('onProgress failed');
      },
    };
    await expect(runExtraction(newOracle(), options(c, { training: { ...toTraining(c.substitute), epochs: 2 } }), { control })).rejects.toThrow(
      'onProgress failed',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)('%s: a stop is honoured before any query, between rounds and between epochs, keeping what was done', async (_, c) => {
    const before = tf.memory().numTensors;
    // Aborted before it starts: no query, no round, an untrained substitute.
    const early = new AbortController();
    early.abort();
    const { result: none, oracle: unused } = await run(c, { control: { signal: early.signal } });
    expect([none.stoppedBy, none.history.length, unused.used()]).toEqual(['stopped', 0, 0]);

    // Aborted after the first round: that round is kept, nothing more is queried.
    const afterRound = new AbortController();
    const { result: one, oracle: once } = await run(c, { onRound: () => afterRound.abort(), control: { signal: afterRound.signal } });
    expect(one.stoppedBy).toBe('stopped');
    expect(one.history).toHaveLength(1);
    expect(once.used()).toBe(one.history[0].queries);

    // Aborted during the second round's first of 3 epochs: its training ends there, the round is measured and kept.
    const midTraining = new AbortController();
    let epochs = 0;
    const { result: two } = await run(
      c,
      { onEpoch: (round) => void (round === 2 && ++epochs === 1 && midTraining.abort()), control: { signal: midTraining.signal } },
      { training: { ...toTraining(c.substitute), epochs: 3 } },
    );
    expect(epochs).toBe(1);
    expect(two.stoppedBy).toBe('stopped');
    expect(two.history).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)('%s: the same seed gives the same queries, rounds and substitute', async (_, c) => {
    const outcome = async () => {
      const oracle = newOracle();
      const result = await runExtraction(oracle, options(c), {});
      const predicted = tf.tidy(() => result.substitute.logits(imagesToTensor(evaluation.data)));
      const logits = Array.from(await predicted.data());
      predicted.dispose();
      result.substitute.dispose();
      const rounds = result.history.map(({ seconds: _, ...round }) => round);
      return { rounds, queries: oracle.log().map((e) => e.inputHash), logits };
    };
    const first = await outcome();
    const second = await outcome();
    expect(second.queries).toEqual(first.queries);
    expect(second.rounds).toEqual(first.rounds);
    expect(second.logits).toEqual(first.logits);
  });
});

describe('transfer attack contract', () => {
  let victim: Classifier;
  let substitute: Classifier;
  let data: ImageSplit;

  beforeAll(async () => {
    await useNodeWasm();
    victim = tinyClassifier(3, SHAPE, CLASSES);
    substitute = tinyClassifier(4, SHAPE, CLASSES);
    // Labelled by the victim, so every digit counts as one it gets right.
    const images = randomSplit(12, 7);
    const predicted = tf.tidy(() => victim.logits(imagesToTensor(images)).argMax(1));
    data = { ...images, labels: Uint8Array.from(await predicted.data()) };
    predicted.dispose();
  });
  afterAll(() => [victim, substitute].forEach((m) => m.dispose()));

  const labelOracle = () => createOracle(victim, { output: { kind: 'label' }, budget: 1000, seed: 1 });

  it.each(['fgsm', 'pgd'] as const)('%s: counts every victim query, leaks nothing, and the same seed gives the same rates', async (attack) => {
    const before = tf.memory().numTensors;
    const oracle = labelOracle();
    const first = await transferAttack(substitute, oracle, data, attack, [0.1, 0.3], {
      whiteBoxVictim: victim,
      params: { max_iter: 3 },
      batchSize: 5,
      seed: 2,
    });
    expect(oracle.used()).toBe(first.victimQueries);
    expect(first.victimQueries).toBe(12 + 2 * first.victimCorrect);
    expect(first.victimCorrect).toBe(12);
    const second = await transferAttack(substitute, labelOracle(), data, attack, [0.1, 0.3], {
      whiteBoxVictim: victim,
      params: { max_iter: 3 },
      batchSize: 5,
      seed: 2,
    });
    expect(second.points).toEqual(first.points);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['fgsm', 'pgd'] as const)('%s: a stop mid-run returns the batches done as partial; a stop inside an attack drops that batch', async (attack) => {
    const before = tf.memory().numTensors;
    // Stopped after the first batch's progress: one batch of 5 counted.
    const betweenBatches = new AbortController();
    const progress: number[] = [];
    const control: RunControl = { signal: betweenBatches.signal, onProgress: (f) => (progress.push(f), betweenBatches.abort()) };
    const partial = await transferAttack(substitute, labelOracle(), data, attack, [0.1], { params: { max_iter: 3 }, batchSize: 5, control });
    expect([partial.partial, partial.digits, partial.victimCorrect]).toEqual([true, 5, 5]);
    expect(progress).toEqual([5 / 12]);

    // Stopped while crafting the first batch (at the attack's first step): nothing is counted.
    const inside = new AbortController();
    const steps = { n: 0 };
    const insideControl: RunControl = { signal: inside.signal, onStep: () => void (++steps.n === 2 && inside.abort()) };
    const dropped = await transferAttack(substitute, labelOracle(), data, attack, [0.1], { params: { max_iter: 3 }, batchSize: 5, control: insideControl });
    expect(dropped.partial).toBe(true);
    expect(dropped.digits).toBe(attack === 'pgd' ? 0 : 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('when the victim fails mid-run, the error reaches the caller and no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const failing = async (_inputs: Float32Array, count: number) => {
      if (++calls === 3) throw new Error('victim unreachable');
      return new Int32Array(count).map((__, i) => data.labels[i]);
    };
    await expect(transferAttack(substitute, failing, data, 'pgd', [0.1], { params: { max_iter: 2 }, batchSize: 5 })).rejects.toThrow('victim unreachable');
    expect(tf.memory().numTensors).toBe(before);
  });
});
