import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeWasm } from '../../../scripts/node-tf';
import { readParams } from '../attacks/params';
import { tinyClassifier } from '../attacks/testHelpers';
import type { Classifier } from '../models/classifier';
import {
  DEFAULT_EXTRACTION_SETUP,
  DEFENSE_METAS,
  OUTPUT_MODE_METAS,
  STRATEGY_METAS,
  SUBSTITUTE_METAS,
  oracleConfigOf,
  toDefenses,
  toOutputMode,
  toStrategyParams,
  toTraining,
  type CatalogEntry,
} from './catalog';
import { createOracle } from './oracle';
import { STRATEGIES } from './strategies';
import { SUBSTITUTES } from './substitutes';

const sorted = (ids: Iterable<string>) => [...ids].sort();

const ALL_ENTRIES: [string, CatalogEntry][] = [
  ...STRATEGY_METAS.map((m): [string, CatalogEntry] => [`strategy ${m.id}`, m]),
  ...SUBSTITUTE_METAS.map((m): [string, CatalogEntry] => [`substitute ${m.id}`, m]),
  ...OUTPUT_MODE_METAS.map((m): [string, CatalogEntry] => [`output mode ${m.id}`, m]),
  ...DEFENSE_METAS.map((m): [string, CatalogEntry] => [`defense ${m.id}`, m]),
];

describe('the extraction catalog (tfjs-free data)', () => {
  it.each(ALL_ENTRIES)('%s has test parameters its ParamSpecs accept, and help for every parameter', (_, entry) => {
    // An entry without test parameters fails here (and in the contract tests, which refuse to run it).
    expect(entry.testParams, `${entry.id} has no testParams`).toBeDefined();
    for (const key of Object.keys(entry.testParams)) expect(entry.params.map((p) => p.key)).toContain(key);
    expect(() => readParams(entry.params, entry.testParams)).not.toThrow();
    for (const spec of entry.params) {
      expect(spec.help.length, `${entry.id}.${spec.key} help`).toBeGreaterThan(10);
      // Defaults must pass their own checks.
      expect(readParams([spec], {})[spec.key]).toBe(spec.default);
    }
    expect(entry.description.length).toBeGreaterThan(10);
  });

  it('ids are unique within each catalog', () => {
    for (const list of [STRATEGY_METAS, SUBSTITUTE_METAS, OUTPUT_MODE_METAS, DEFENSE_METAS]) expect(new Set(list.map((m) => m.id)).size).toBe(list.length);
  });

  it('the default setup is the lab as it was: pool-uncertainty, dense substitute of 10 epochs, 1,000 probabilities, PRADA at 0.9', () => {
    expect(toStrategyParams(DEFAULT_EXTRACTION_SETUP.strategy)).toEqual({ uncertainty: 'margin' });
    expect(toTraining(DEFAULT_EXTRACTION_SETUP.substitute)).toEqual({
      architecture: 'mnist-mlp',
      epochs: 10,
      batchSize: 64,
      learningRate: 0.001,
      restart: 'continue',
      temperature: 1,
      augmentShift: 0,
    });
    expect(toTraining({ id: 'mnist-cnn', params: {} }).epochs).toBe(3);
    expect(oracleConfigOf(DEFAULT_EXTRACTION_SETUP, 7)).toEqual({
      output: { kind: 'probabilities' },
      budget: 1000,
      seed: 7,
      defenses: { prada: { threshold: 0.9 } },
    });
    expect(DEFAULT_EXTRACTION_SETUP.queriesPerRound).toBe(250);
    // One plain object: JSON keeps all of it.
    expect(JSON.parse(JSON.stringify(DEFAULT_EXTRACTION_SETUP))).toEqual(DEFAULT_EXTRACTION_SETUP);
  });

  it('parameters are checked against their specs, with a message naming the field', () => {
    expect(toStrategyParams({ id: 'jacobian', params: { lambda: 0.2, tau: 3 } })).toEqual({ lambda: 0.2, tau: 3 });
    expect(() => toStrategyParams({ id: 'jacobian', params: { lambda: 5 } })).toThrow('Step λ (lambda) must be between 0 and 1; got 5.');
    expect(() => toTraining({ id: 'mnist-mlp', params: { epochs: 1.5 } })).toThrow('Epochs per round (epochs) must be a whole number');
    expect(() => toOutputMode({ id: 'top-k', params: { k: 0 } })).toThrow('k (k) must be between 1 and 9');
    expect(() => toStrategyParams({ id: 'nope' as never, params: {} })).toThrow('There is no query strategy called "nope"');
    expect(toOutputMode({ id: 'rounded', params: {} })).toEqual({ kind: 'rounded', decimals: 2 });
    expect(
      toDefenses([
        { id: 'gaussian-noise', params: { sigma: 0.2 } },
        { id: 'reverse-sigmoid', params: {} },
      ]),
    ).toEqual({ gaussianNoise: 0.2, reverseSigmoid: { beta: 1, gamma: 0.1 } });
  });
});

describe('the catalog and the implementations agree', () => {
  let victim: Classifier;
  beforeAll(async () => {
    await useNodeWasm();
    victim = tinyClassifier(2, [12, 12, 1], 4);
  });
  afterAll(() => victim.dispose());

  it('every strategy of the catalog has an implementation carrying its entry, and every implementation an entry', () => {
    expect(sorted(Object.keys(STRATEGIES))).toEqual(sorted(STRATEGY_METAS.map((m) => m.id)));
    for (const meta of STRATEGY_METAS) expect(STRATEGIES[meta.id]).toMatchObject(meta);
  });

  it('every substitute of the catalog has an architecture that builds, and every architecture an entry', () => {
    expect(sorted(Object.keys(SUBSTITUTES))).toEqual(sorted(SUBSTITUTE_METAS.map((m) => m.id)));
    const before = tf.memory().numTensors;
    for (const meta of SUBSTITUTE_METAS) {
      expect(SUBSTITUTES[meta.id]).toMatchObject(meta);
      const model = SUBSTITUTES[meta.id].build({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
      expect(model.outputs[0].shape).toEqual([null, 10]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(OUTPUT_MODE_METAS.map((m) => [m.id, m] as const))('output mode %s: the oracle answers in that mode', async (_, meta) => {
    const oracle = createOracle(victim, { output: toOutputMode({ id: meta.id, params: meta.testParams }), budget: 5, seed: 1 });
    const answer = await oracle.query(new Float32Array(5 * 144).fill(0.5), 5);
    expect(answer.labels.length).toBe(5);
    if (meta.id === 'label') expect(answer.scores).toBeUndefined();
    else expect(answer.scores!.length).toBe(5 * 4);
    if (meta.id === 'top-k')
      for (let r = 0; r < 5; r++) expect(answer.scores!.subarray(r * 4, r * 4 + 4).filter((v) => v > 0).length).toBeLessThanOrEqual(Number(meta.testParams.k));
    if (meta.id === 'rounded') for (const v of answer.scores!) expect(Math.round(v * 10) / 10).toBeCloseTo(v, 6);
  });

  it.each(DEFENSE_METAS.map((m) => [m.id, m] as const))('defense %s: sets one oracle defense of its own, which the oracle accepts', async (_, meta) => {
    const defenses = toDefenses([{ id: meta.id, params: meta.testParams }]);
    expect(Object.keys(defenses)).toHaveLength(1);
    const oracle = createOracle(victim, { output: { kind: 'probabilities' }, budget: 3, seed: 1, defenses });
    expect((await oracle.query(new Float32Array(3 * 144).fill(0.25), 3)).labels.length).toBe(3);
    // Each defense sets a different key: together they set all of them.
    const all = toDefenses(DEFENSE_METAS.map((m) => ({ id: m.id, params: m.testParams })));
    expect(Object.keys(all)).toHaveLength(DEFENSE_METAS.length);
  });
});
