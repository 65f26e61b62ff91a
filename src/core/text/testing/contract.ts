/**
 * Contract tests driven by the text catalogs: every transformation and every search method, built in or added by a
 * test, runs the same checks from its entry's test parameters (budgets and constraints kept, edits only where they
 * say, same seed same result, stop honoured, no tensor left behind on success or when a callback throws). The victim
 * is a tiny tfjs bag-of-embeddings model, so the leak checks go through real tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParams } from '../../attacks/params';
import type { ParamSpec } from '../../attacks/types';
import { createRng } from '../../data/rng';
import { attackText, textAfterEdits, wordBudget, type TextAttackContext, type TextAttackResult, type TextVictim } from '../attack';
import { TEXT_TRANSFORMATIONS, type SearchMethodEntry } from '../catalog';
import { editDistance } from '../perturbations';
import type { TextConstraints, TextRecipe } from '../recipe';
import { isStopWord } from '../stopwords';
import { textModelFromLayersModel, type TextModel } from '../textModel';
import { FIRST_WORD_ID, tokenize, type Vocabulary } from '../tokenizer';
import type { TransformationEntry } from '../transformation';

const SPAM = 1;
const MAX_LENGTH = 32;
/** Embedding value of a word the toy reads as spam, of a good word, and of any other word (unknown included). */
const SPAM_WEIGHT = 3;
const GOOD_WEIGHT = -4;
const OTHER_WEIGHT = 0.5;

/** Throws, naming what is missing, unless the entry can be contract-tested: every entry must declare test parameters. */
export function checkTestParams(entry: TransformationEntry): void {
  const test = entry.testParams as TransformationEntry['testParams'] | undefined;
  if (!test || !Array.isArray(test.words) || test.words.length === 0) {
    throw new Error(`The transformation "${entry.id}" declares no test parameters: give testParams.words, words it must change.`);
  }
  if (entry.needs.includes('synonyms') && !test.synonyms) throw new Error(`The transformation "${entry.id}" needs synonyms: give testParams.synonyms.`);
  if (entry.needs.includes('goodWords') && !test.goodWords?.length)
    throw new Error(`The transformation "${entry.id}" needs good words: give testParams.goodWords.`);
  readParams(entry.params as ParamSpec[], {});
  readParams(entry.params as ParamSpec[], test.params ?? {});
}

/** The toy's words: the entries' test words read as spam, their good words as ham, everything else a little spammy. */
function toyWeights(entries: readonly TransformationEntry[], searchTexts: readonly string[]): Map<string, number> {
  const weights = new Map<string, number>();
  const lower = (words: readonly string[]) => words.flatMap((w) => tokenize(w).tokens.map((t) => t.text));
  for (const e of entries) for (const w of lower(e.testParams?.words ?? [])) weights.set(w, SPAM_WEIGHT);
  for (const text of searchTexts) for (const t of tokenize(text).tokens) if (!isStopWord(t.text)) weights.set(t.text, SPAM_WEIGHT);
  for (const e of entries) for (const w of lower(e.testParams?.goodWords ?? [])) weights.set(w, GOOD_WEIGHT);
  return weights;
}

/** Embedding (one number per word) -> mean over the input -> logits [-m, m]: spam exactly when the mean is positive. */
function toyModel(weights: Map<string, number>): TextModel {
  const words = [...weights.keys()];
  const vocabulary: Vocabulary = { version: 1, words, counts: words.map(() => 1) };
  const table = [0, OTHER_WEIGHT, ...words.map((w) => weights.get(w)!)];
  const layers = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: words.length + FIRST_WORD_ID, outputDim: 1, inputLength: MAX_LENGTH }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 2, useBias: false }),
    ],
  });
  tf.tidy(() => layers.setWeights([tf.tensor2d(table, [table.length, 1]), tf.tensor2d([[-1, 1]])]));
  return textModelFromLayersModel(layers, { vocabulary, classes: ['ham', 'spam'], output: 'logits' });
}

/** The model, remembering how many texts it scored. */
function counting(model: TextModel) {
  const victim = { scored: 0, probabilities: async (texts: readonly string[]) => ((victim.scored += texts.length), model.probabilities(texts)) };
  return victim satisfies TextVictim;
}

const GENEROUS: TextConstraints = { maxWordShare: 0.5, maxEditDistance: 10, maxQueries: 40, skipStopWords: true, allowedCharacters: 'any' };

/** Constraint sets every entry is run under: generous, tight on characters, tight on queries, no character at all. */
const BUDGETS: readonly Partial<TextConstraints>[] = [
  {},
  { maxEditDistance: 1, maxWordShare: 0.25 },
  { maxQueries: 4 },
  { maxEditDistance: 0, maxWordShare: 1, skipStopWords: false },
];

/** The text an entry is attacked in: its test words twice, among other words. */
const textFor = (entry: TransformationEntry) => [...entry.testParams.words, 'offer', 'the', ...entry.testParams.words, 'now'].join(' ');

interface Fixture {
  model: TextModel;
  catalog: readonly TransformationEntry[];
}

function contextFor(
  fixture: Fixture,
  victim: TextVictim,
  seed: number,
  entry?: TransformationEntry,
  extra: Partial<TextAttackContext> = {},
): TextAttackContext {
  const synonyms = entry?.testParams.synonyms;
  return {
    victim,
    rng: createRng(seed),
    wordGain: (text, trueClass) => fixture.model.unknownWordGain(text, trueClass),
    synonyms: synonyms && ((word) => synonyms[word.toLowerCase()] ?? []),
    goodWords: entry?.testParams.goodWords,
    catalog: fixture.catalog,
    ...extra,
  };
}

/** Every promise of one result that does not depend on the transformation: budgets, spans, text and status. */
async function checkResult(
  fixture: Fixture,
  text: string,
  recipe: TextRecipe,
  result: TextAttackResult,
  scored: number,
  entries: readonly TransformationEntry[],
) {
  const { constraints } = recipe;
  const tokens = tokenize(text).tokens;
  expect(result.queries).toBe(scored);
  expect(result.queries).toBeLessThanOrEqual(constraints.maxQueries);
  expect(result.perturbedWords).toBe(result.edits.length);
  expect(result.edits.length).toBeLessThanOrEqual(wordBudget(constraints.maxWordShare, tokens.length));
  // Output differs only where an edit says: replaying the edits on the original gives the output.
  expect(textAfterEdits(text, result.edits)).toBe(result.perturbed);
  const replacedTokens = new Set<number>();
  let distance = 0;
  for (const edit of result.edits) {
    const entry = entries.find((e) => e.id === edit.transformation);
    expect(entry, `edit by ${edit.transformation}, which the recipe does not name`).toBeDefined();
    expect(edit.kind).toBe(entry!.position);
    if (edit.kind === 'replace') {
      const token = tokens[edit.tokenIndex];
      expect([edit.start, edit.end]).toEqual([token.start, token.end]);
      expect(edit.before).toBe(text.slice(edit.start, edit.end));
      expect(edit.after).not.toBe(edit.before);
      expect(replacedTokens.has(edit.tokenIndex)).toBe(false);
      replacedTokens.add(edit.tokenIndex);
      if (constraints.skipStopWords) expect(isStopWord(token.text)).toBe(false);
    } else {
      expect(edit).toMatchObject({ tokenIndex: -1, start: 0, end: 0, before: '' });
    }
    if (entry!.editCost === 'levenshtein') distance += editDistance(edit.before, edit.after);
    if (constraints.allowedCharacters === 'visible-ascii') {
      for (const ch of Array.from(edit.after)) if (!edit.before.includes(ch)) expect(ch).toMatch(/^[!-~]$/);
    }
  }
  expect(result.editDistance).toBe(distance);
  expect(result.editDistance).toBeLessThanOrEqual(constraints.maxEditDistance);
  const [after] = await fixture.model.probabilities([result.perturbed]);
  if (result.status === 'succeeded') expect(after[SPAM]).toBeLessThan(after[0]);
  if (result.status === 'failed') expect(after[SPAM]).toBeGreaterThanOrEqual(after[0]);
}

/** Shared checks of stop and leaks for any recipe. */
function describeRunContract(fixtureOf: () => Fixture, textOf: () => string, recipeOf: () => TextRecipe, entryOf: () => TransformationEntry | undefined) {
  it('gives the same result for the same seed', async () => {
    const run = () => attackText(textOf(), SPAM, recipeOf(), contextFor(fixtureOf(), counting(fixtureOf().model), 11, entryOf()));
    expect(await run()).toEqual(await run());
  });

  it('stops when the signal is aborted: before the first step, and after one', async () => {
    const fixture = fixtureOf();
    const aborted = AbortSignal.abort();
    const stopped = await attackText(textOf(), SPAM, recipeOf(), contextFor(fixture, counting(fixture.model), 1, entryOf(), { control: { signal: aborted } }));
    expect(stopped).toMatchObject({ status: 'failed', stopReason: 'cancelled', edits: [], perturbed: textOf() });
    const stop = new AbortController();
    let steps = 0;
    const onStep = () => {
      if (++steps > 1) stop.abort();
    };
    const once = await attackText(
      textOf(),
      SPAM,
      recipeOf(),
      contextFor(fixture, counting(fixture.model), 1, entryOf(), { control: { signal: stop.signal, onStep } }),
    );
    expect(once.edits.length).toBeLessThanOrEqual(1);
    if (once.stopReason !== 'cancelled') expect(steps).toBeLessThanOrEqual(1);
  });

  it('leaves no tensor behind, on success and when the progress callback throws', async () => {
    const fixture = fixtureOf();
    const before = tf.memory().numTensors;
    const result = await attackText(textOf(), SPAM, recipeOf(), contextFor(fixture, fixture.model, 1, entryOf()));
    expect(result.edits.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    const onProgress = () => {
      throw new Error('progress callback failed');
    };
    await expect(attackText(textOf(), SPAM, recipeOf(), contextFor(fixture, fixture.model, 1, entryOf(), { control: { onProgress } }))).rejects.toThrow(
      'progress callback failed',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
}

function useFixture(catalog: readonly TransformationEntry[], searchTexts: readonly string[]): () => Fixture {
  let fixture: Fixture | undefined;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    fixture = { model: toyModel(toyWeights(catalog, searchTexts)), catalog };
  });
  afterAll(() => fixture?.model.dispose());
  return () => fixture!;
}

/** The contract of every transformation of `entries`, looked up in `catalog` (which may add entries of a test's own). */
export function describeTransformationContract(catalog: readonly TransformationEntry[], entries: readonly TransformationEntry[] = catalog): void {
  const fixtureOf = useFixture(catalog, []);
  const recipeFor = (entry: TransformationEntry, constraints: Partial<TextConstraints> = {}, search: TextRecipe['search'] = 'deletion'): TextRecipe => ({
    transformations: [{ id: entry.id, params: entry.testParams.params }],
    constraints: { ...GENEROUS, ...constraints },
    goal: 'untargeted',
    search,
  });

  describe.each(entries.map((e) => [e.id, e] as const))('transformation %s', (_id, entry) => {
    it('declares test parameters', () => checkTestParams(entry));

    it('offers a change of every test word', () => {
      const params = readParams(entry.params as ParamSpec[], entry.testParams.params ?? {});
      const { synonyms, goodWords } = entry.testParams;
      for (const word of entry.testParams.words) {
        const candidates = entry.implementation.candidates({
          word: entry.position === 'insert' ? '' : word,
          rng: createRng(1),
          params,
          resources: { synonyms: synonyms && ((w) => synonyms[w.toLowerCase()] ?? []), goodWords: () => goodWords ?? [] },
        });
        expect(candidates.filter((c) => c !== word).length, `no candidate for "${word}"`).toBeGreaterThan(0);
      }
    });

    it('keeps the word, edit-distance and query budgets and the stop words, and edits only where it says', async () => {
      const fixture = fixtureOf();
      const text = textFor(entry);
      for (const budget of BUDGETS) {
        for (const seed of [1, 2, 3]) {
          const recipe = recipeFor(entry, budget);
          const victim = counting(fixture.model);
          const result = await attackText(text, SPAM, recipe, contextFor(fixture, victim, seed, entry));
          await checkResult(fixture, text, recipe, result, victim.scored, [entry]);
          // Not vacuous: with room to work, the transformation changes the text.
          if (budget === BUDGETS[0]) expect(result.edits.length).toBeGreaterThan(0);
          if (recipe.constraints.maxEditDistance === 0 && entry.editCost === 'levenshtein') expect(result.edits).toEqual([]);
        }
      }
    });

    it('brings in only visible ASCII characters when the constraint allows no others', async () => {
      const fixture = fixtureOf();
      const recipe = recipeFor(entry, { allowedCharacters: 'visible-ascii', maxWordShare: 1 });
      const victim = counting(fixture.model);
      const result = await attackText(textFor(entry), SPAM, recipe, contextFor(fixture, victim, 5, entry));
      await checkResult(fixture, textFor(entry), recipe, result, victim.scored, [entry]);
    });

    describeRunContract(
      fixtureOf,
      () => textFor(entry),
      () => recipeFor(entry, {}, 'gradient'),
      () => entry,
    );
  });
}

/** The contract of every search method: it ranks each eligible word once and keeps the query budget. */
export function describeSearchContract(methods: readonly SearchMethodEntry[], catalog: readonly TransformationEntry[] = TEXT_TRANSFORMATIONS): void {
  const fixtureOf = useFixture(
    catalog,
    methods.map((m) => m.testParams?.text ?? ''),
  );
  const recipeFor = (method: SearchMethodEntry, constraints: Partial<TextConstraints> = {}): TextRecipe => ({
    transformations: method.testParams.transformations.map((id) => ({ id })),
    constraints: { ...GENEROUS, maxWordShare: 1, ...constraints },
    goal: 'untargeted',
    search: method.id,
  });

  describe.each(methods.map((m) => [m.id, m] as const))('search %s', (_id, method) => {
    it('declares test parameters', () => {
      expect(method.testParams?.text, `the search "${method.id}" declares no test text`).toBeTruthy();
      expect(method.testParams.transformations.length).toBeGreaterThan(0);
      for (const id of method.testParams.transformations) expect(catalog.map((e) => e.id)).toContain(id);
    });

    it('ranks every eligible word exactly once', async () => {
      const fixture = fixtureOf();
      const { text } = method.testParams;
      const tokens = tokenize(text).tokens;
      const eligible = tokens.map((_, i) => i).filter((i) => !isStopWord(tokens[i].text));
      const [original] = await fixture.model.probabilities([text]);
      const order = await method.rank({
        text,
        tokens,
        eligible,
        trueClass: SPAM,
        rng: createRng(1),
        wordGain: (t, c) => fixture.model.unknownWordGain(t, c),
        victim: { remaining: () => 1000, probabilities: (texts) => fixture.model.probabilities(texts) },
        original,
        score: (row) => row[0],
      });
      expect([...order].sort((a, b) => a - b)).toEqual(eligible);
    });

    it('keeps every query budget, the ranking included', async () => {
      const fixture = fixtureOf();
      const entries = method.testParams.transformations.map((id) => catalog.find((e) => e.id === id)!);
      for (const maxQueries of [1, 2, 3, 5, 8, 40]) {
        const recipe = recipeFor(method, { maxQueries });
        const victim = counting(fixture.model);
        const result = await attackText(method.testParams.text, SPAM, recipe, contextFor(fixture, victim, 2));
        await checkResult(fixture, method.testParams.text, recipe, result, victim.scored, entries);
      }
    });

    describeRunContract(
      fixtureOf,
      () => method.testParams.text,
      () => recipeFor(method),
      () => undefined,
    );
  });
}
