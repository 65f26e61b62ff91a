/**
 * The audit steps' catalog (steps.ts) against its implementations and the suite file, and the contract every step
 * keeps on tiny inputs: same seed same result, no tensor left behind, a stop honoured.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyClassifier, tinySplit } from '../attacks/testHelpers';
import { useBackend } from '../backend/backends';
import type { Classifier } from '../models/classifier';
import type { RunControl } from '../run/control';
import { tokenize } from '../text/tokenizer';
import { IMAGE_STEPS, IMAGE_SUITES, imageSuiteRun, type ImageSuite } from './imageSuite';
import { SUITE_FILE_JSON_SCHEMA } from './suiteFileSchema';
import { IMAGE_AUDIT_STEPS, stepParamsOf, TEXT_AUDIT_STEPS, withStepParams, type AuditStepMeta } from './steps';
import { TEXT_STEPS, TEXT_SUITES, type TextSuite } from './textSuite';

const ALL_STEPS = [...IMAGE_AUDIT_STEPS, ...TEXT_AUDIT_STEPS];

function testParamsOf(meta: AuditStepMeta) {
  if (!meta.testParams) throw new Error(`The audit step "${meta.id}" has no testParams: give it settings small enough for these tests.`);
  return meta.testParams;
}

/** The suite file's JSON Schema of a setting, by its path in the `image` or `text` object. */
function schemaOf(task: 'image' | 'text', path: string): { type?: string; minimum?: number; maximum?: number } | undefined {
  let at: unknown = SUITE_FILE_JSON_SCHEMA.properties[task];
  for (const key of path.split('.')) {
    const node = at as { properties?: Record<string, unknown>; oneOf?: { type: string; properties?: Record<string, unknown> }[] };
    // A setting that may be null (extraction) has its fields in the object branch.
    const properties = node.properties ?? node.oneOf?.find((branch) => branch.type === 'object')?.properties;
    at = properties?.[key];
  }
  return at as ReturnType<typeof schemaOf>;
}

describe('the audit steps catalog', () => {
  it('is what the suites run, in order, with no id twice', () => {
    expect(IMAGE_STEPS.map((s) => s.meta)).toEqual([...IMAGE_AUDIT_STEPS]);
    expect(TEXT_STEPS.map((s) => s.meta)).toEqual([...TEXT_AUDIT_STEPS]);
    expect(new Set(ALL_STEPS.map((s) => s.id)).size).toBe(ALL_STEPS.length);
  });

  it.each(ALL_STEPS.map((meta) => [meta.id, meta] as const))('step %s has test parameters for its own settings', (_id, meta) => {
    expect(meta.testParams, `${meta.id} has no testParams`).toBeDefined();
    expect(Object.keys(testParamsOf(meta)).sort()).toEqual(meta.params.map((p) => p.key).sort());
  });

  it.each(ALL_STEPS.map((meta) => [meta.id, meta] as const))(
    'step %s names settings a suite file has, with its bounds and the quick suite as defaults',
    (_id, meta) => {
      const quick = meta.task === 'image' ? IMAGE_SUITES.quick : TEXT_SUITES.quick;
      expect(stepParamsOf(meta, quick)).toEqual(Object.fromEntries(meta.params.map((p) => [p.key, p.default])));
      for (const param of meta.params) {
        const schema = schemaOf(meta.task, param.key);
        expect(schema, `${meta.task}.${param.key} in the suite file schema`).toBeDefined();
        expect([schema!.type, schema!.minimum, schema!.maximum]).toEqual([param.kind, param.min, param.max]);
      }
    },
  );

  it('reads and writes a step’s settings by their path, leaving the rest of the suite alone', () => {
    const square = IMAGE_AUDIT_STEPS.find((s) => s.id === 'square')!;
    const changed = withStepParams(IMAGE_SUITES.quick, square, { 'square.queries': 7 });
    expect(changed.square).toEqual({ ...IMAGE_SUITES.quick.square, queries: 7 });
    expect(IMAGE_SUITES.quick.square.queries).toBe(300);
    const extraction = IMAGE_AUDIT_STEPS.find((s) => s.id === 'extraction')!;
    expect(withStepParams({ ...IMAGE_SUITES.quick, extraction: null }, extraction, { 'extraction.epochs': 2 }).extraction).toBeNull();
  });
});

/** The budgets of a tiny suite; each step's own settings come from its testParams. */
const TINY_IMAGE_SUITE: ImageSuite = {
  ...IMAGE_SUITES.quick,
  id: 'tiny',
  label: 'tiny',
  examples: 8,
  linfBudgets: [0, 0.1],
  l2Budgets: [0, 1],
  square: { examples: 8, queries: 300, budgets: [0.1] },
  reference: { attackId: 'pgd', budget: 0.1 },
  extraction: { budgets: [100, 200], heldOut: 300, epochs: 10 },
};

describe.each(IMAGE_STEPS.map((step) => [step.meta.id, step] as const))('image audit step %s keeps the contract', (_id, step) => {
  let model: Classifier;
  // Enough for two rounds of extraction (50 held out).
  const data = tinySplit(300);
  const suite = withStepParams(TINY_IMAGE_SUITE, step.meta, testParamsOf(step.meta));

  beforeAll(async () => {
    await useBackend('wasm');
    model = tinyClassifier(3, [4, 4, 1], 3);
  });
  afterAll(() => model.dispose());

  /** The step alone, and the parts of the report it filled in. */
  const runStep = async (control: RunControl = {}, seed = 4) => {
    const run = imageSuiteRun(model, data, suite, { seed, gradients: true });
    await step.run(run, control);
    const { clean, attacks, worstExamples, extraction, partial } = run;
    return { clean, attacks, worstExamples, extraction, partial };
  };

  it('fills in its part of the report, the same for the same seed, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const first = await runStep();
    expect(tf.memory().numTensors).toBe(before);
    expect(first.partial).toBe(false);
    expect(first.attacks.length + (first.extraction ? 1 : 0)).toBeGreaterThan(0);
    expect(await runStep()).toEqual(first);
  });

  it('honours a stop during its run: returns, says the report is partial, leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    const stopped = await runStep({ signal: stop.signal, onStep: () => stop.abort() });
    expect(stopped.partial).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks nothing when its step callback throws', async () => {
    const before = tf.memory().numTensors;
    await expect(runStep({ onStep: () => Promise.reject(new Error('step callback failed')) })).rejects.toThrow('step callback failed');
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** A two-class bag of words in plain JS: "free", "win" and "cash" say spam, the rest say nothing. */
const SPAM_WORDS: Record<string, number> = { free: 3, win: 3, cash: 2 };
const textModel = {
  classes: ['ham', 'spam'] as const,
  async probabilities(texts: readonly string[]) {
    return texts.map((text) => {
      const score = tokenize(text).tokens.reduce((s, t) => s + (SPAM_WORDS[t.text.toLowerCase()] ?? -0.2), 0);
      return Float32Array.of(1 / (1 + Math.exp(score)), 1 / (1 + Math.exp(-score)));
    });
  },
};
const TEXTS = [
  { text: 'win free cash now', label: 1 },
  { text: 'free cash for the winner', label: 1 },
  { text: 'see you at lunch tomorrow', label: 0 },
  { text: 'the meeting moved to noon', label: 0 },
];

describe.each(TEXT_STEPS.map((step) => [step.meta.id, step] as const))('text audit step %s keeps the contract', (_id, step) => {
  const suite: TextSuite = withStepParams({ ...TEXT_SUITES.quick, examples: TEXTS.length, budgets: [0, 0.25, 0.5] }, step.meta, testParamsOf(step.meta));
  const runStep = (control: RunControl = {}, seed = 4) => step.run({ model: textModel }, TEXTS, suite, { seed, classes: textModel.classes }, control);

  it('reports every family and setting, the same for the same seed, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const first = await runStep();
    expect(tf.memory().numTensors).toBe(before);
    expect(first.partial).toBe(false);
    expect(first.clean.examples).toBe(TEXTS.length);
    expect(first.attacks.filter((a) => !a.skipped).length).toBeGreaterThan(0);
    expect(await runStep()).toEqual(first);
  });

  it('honours a stop during its run: returns and says the report is partial', async () => {
    const stop = new AbortController();
    const stopped = await runStep({ signal: stop.signal, onStep: () => stop.abort() });
    expect(stopped.partial).toBe(true);
    expect(stopped.clean.examples).toBeLessThan(TEXTS.length);
  });
});
