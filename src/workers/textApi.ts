import { textLockViolations } from '../core/spec/textSpec';
import type { SpamExample } from '../core/data/spam';
import { attackText, withNormalizer, type TextAttackResult } from '../core/text/attack';
import type { TextAttackOptions, TextRecipe } from '../core/text/recipe';
import { normalizedWordGain, runTextBatch, type BatchAttack, type DefenseSetting, type TextBatchResult } from '../core/text/batch';
import { createRng } from '../core/data/rng';
import { normalizeText, type NormalizationStep } from '../core/text/normalize';
import type { TextModel } from '../core/text/textModel';
import { tokenize } from '../core/text/tokenizer';
import { synonymCandidates, type SynonymTable } from '../core/text/wordnet';
import type { ModelRef } from './modelApi';
import type { Handlers } from '../rpc/serve';

/** Where the good words come from: the model itself (white-box, or Lowd & Meek's active probe) or ham mail (passive). */
export { GOOD_WORD_SOURCES, type GoodWordSource } from '../core/text/goodWordSources';
import type { GoodWordSource } from '../core/text/goodWordSources';

/** A text model with everything the attacks need, as the loader assembles it. */
export interface LoadedTextModel {
  model: TextModel;
  synonyms?: SynonymTable;
  /** The passive list shipped with the model (good-words.json), best first. */
  dataGoodWords?: string[];
  testSet: SpamExample[];
}

export interface TextModelInfo {
  id: string;
  classes: string[];
  maxLength: number;
  vocabularySize: number;
  synonymWords: number;
  goodWords: Record<GoodWordSource, string[]>;
  testCount: number;
}

export interface ScoreResult {
  /** Class probabilities of each text as given. */
  probabilities: number[][];
  /** The same texts through the normalizer first. */
  normalizedProbabilities: number[][];
  normalizations: { text: string; steps: NormalizationStep[] }[];
  tokens: number[];
  truncationNotice?: string;
}

export interface SingleTextAttackArgs {
  model: ModelRef;
  text: string;
  trueClass: number;
  recipe: TextRecipe;
  setting: DefenseSetting;
  goodWordSource: GoodWordSource;
  seed: number;
  /** The lab spec's locked controls: an attack that breaks one is refused. */
  locks?: Record<string, string | number | boolean>;
}

export interface SingleTextAttackResult {
  result: TextAttackResult;
  /** What the deployed filter (normalizer on for 'normalizer' and 'adaptive') says of the original and the final text. */
  judged: { original: number[]; perturbed: number[] };
  millis: number;
}

export interface TextBatchArgs {
  model: ModelRef;
  /** The first `count` messages of the test split with this label. */
  count: number;
  label: number;
  attacks: BatchAttack<TextRecipe | TextAttackOptions>[];
  settings: DefenseSetting[];
  budgets: number[];
  goodWordSource: GoodWordSource;
  seed: number;
}

export interface TextWorkerApi {
  load: { args: { model: ModelRef }; result: TextModelInfo };
  score: { args: { model: ModelRef; texts: string[] }; result: ScoreResult };
  samples: { args: { model: ModelRef; label: number; count: number }; result: SpamExample[] };
  attack: { args: SingleTextAttackArgs; result: SingleTextAttackResult };
  batch: { args: TextBatchArgs; result: TextBatchResult & { millis: number } };
}

const GOOD_WORD_COUNT = 200;

/** The text worker's handlers, with the loader injected (fetch in the worker, the disk in tests and scripts). */
export function textHandlers(load: (model: ModelRef) => Promise<LoadedTextModel>): Handlers<TextWorkerApi> {
  let current: { id: string; loaded: LoadedTextModel; modelGoodWords?: Promise<string[]> } | undefined;

  const ensure = async (ref: ModelRef) => {
    if (current?.id !== ref.id) {
      current?.loaded.model.dispose();
      current = undefined;
      const loaded = await load(ref);
      current = { id: ref.id, loaded };
    }
    return current;
  };
  // Scoring every vocabulary word alone takes seconds: done on the first call that needs the list, not on load (the
  // first spam score and the samples do not).
  const modelGoodWordsOf = (c: NonNullable<typeof current>) =>
    // Ham is class 0 for the spam filter; for another model, the first class is the one to reach.
    (c.modelGoodWords ??= c.loaded.model.wordsForClass(0, GOOD_WORD_COUNT));
  const resourcesOf = async (c: NonNullable<typeof current>, source: GoodWordSource) => {
    const { model, synonyms, dataGoodWords } = c.loaded;
    return {
      model,
      wordGain: (text: string, trueClass: number) => model.unknownWordGain(text, trueClass),
      synonyms: synonyms ? (word: string) => synonymCandidates(synonyms, word) : undefined,
      goodWords: source === 'model' ? await modelGoodWordsOf(c) : dataGoodWords,
    };
  };

  return {
    async load({ model }) {
      const c = await ensure(model);
      const { model: m, synonyms, dataGoodWords, testSet } = c.loaded;
      return {
        id: model.id,
        classes: [...m.classes],
        maxLength: m.maxLength,
        vocabularySize: m.vocabulary.words.length,
        synonymWords: synonyms ? Object.keys(synonyms.synonyms).length : 0,
        goodWords: { model: (await modelGoodWordsOf(c)).slice(0, 20), data: (dataGoodWords ?? []).slice(0, 20) },
        testCount: testSet.length,
      };
    },
    async score({ model, texts }) {
      const { loaded } = await ensure(model);
      const normalizations = texts.map((t) => normalizeText(t));
      const [probabilities, normalizedProbabilities] = await Promise.all([
        loaded.model.probabilities(texts),
        loaded.model.probabilities(normalizations.map((n) => n.text)),
      ]);
      const tokenizations = texts.map((t) => tokenize(t));
      return {
        probabilities: probabilities.map((row) => Array.from(row)),
        normalizedProbabilities: normalizedProbabilities.map((row) => Array.from(row)),
        normalizations: normalizations.map((n) => ({ text: n.text, steps: n.steps })),
        tokens: tokenizations.map((t) => t.tokens.length),
        truncationNotice: tokenizations.find((t) => t.notice)?.notice,
      };
    },
    async samples({ model, label, count }) {
      const { loaded } = await ensure(model);
      return loaded.testSet.filter((e) => e.label === label).slice(0, count);
    },
    async attack(args, context) {
      const broken = textLockViolations(args.locks, { recipe: args.recipe, setting: args.setting, goodWordSource: args.goodWordSource });
      if (broken.length) throw new Error(`This attack breaks the lab's locked setup: ${broken.join(' ')}`);
      const c = await ensure(args.model);
      const started = performance.now();
      const resources = await resourcesOf(c, args.goodWordSource);
      const defended = withNormalizer(resources.model);
      const adaptive = args.setting === 'adaptive';
      const result = await attackText(args.text, args.trueClass, args.recipe, {
        victim: adaptive ? defended : resources.model,
        rng: createRng(args.seed),
        wordGain: adaptive ? normalizedWordGain(resources.wordGain) : resources.wordGain,
        canonical: adaptive ? (text: string) => normalizeText(text).text : undefined,
        synonyms: resources.synonyms,
        goodWords: resources.goodWords,
        control: context.control,
      });
      const judge = args.setting === 'none' ? resources.model : defended;
      const [original, perturbed] = await judge.probabilities([result.original, result.perturbed]);
      return { result, judged: { original: Array.from(original), perturbed: Array.from(perturbed) }, millis: performance.now() - started };
    },
    async batch(args, context) {
      const c = await ensure(args.model);
      const started = performance.now();
      const examples = c.loaded.testSet.filter((e) => e.label === args.label).slice(0, args.count);
      const result = await runTextBatch(
        { examples, attacks: args.attacks, settings: args.settings, budgets: args.budgets, seed: args.seed },
        await resourcesOf(c, args.goodWordSource),
        context.control,
      );
      return { ...result, millis: performance.now() - started };
    },
  };
}
