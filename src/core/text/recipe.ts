/**
 * A text attack as plain data, TextAttack's "recipe": which transformations (with their parameters), under which
 * constraints, towards which goal, with which search. It is what the form edits, the store keeps, the worker runs
 * and (later) the URL holds. The older flat `TextAttackOptions` map onto it one to one.
 */
import { readParams } from '../attacks/params';
import type { ParamSpec } from '../attacks/types';
import { searchMethodOf, TEXT_TRANSFORMATIONS, TRANSFORMATION_PARAMS, transformationOf, type RankingId, type TransformationId } from './catalog';
import { GOALS, type GoalId } from './goals';
import type { TransformationEntry, TransformationParams } from './transformation';

export type AllowedCharacters = 'any' | 'visible-ascii';

/** TextAttack's constraints: what an edit may do, and what the whole attack may spend. */
export interface TextConstraints {
  /** Largest share of the text's words that may be changed or inserted (ART/TextAttack "max_percent"). */
  maxWordShare: number;
  /** Largest total Levenshtein distance of the character and Unicode edits (TextAttack's DeepWordBug uses 30). */
  maxEditDistance: number;
  /** Queries the attack may spend on this text, the first score included. */
  maxQueries: number;
  /** Leave stop words ("the", "and", ...) alone. */
  skipStopWords: boolean;
  /** Which characters an edit may bring into the text. */
  allowedCharacters: AllowedCharacters;
}

export interface RecipeTransformation {
  id: TransformationId;
  /** Missing keys take the entry's defaults. */
  params?: TransformationParams;
}

export interface TextRecipe {
  transformations: readonly RecipeTransformation[];
  constraints: TextConstraints;
  goal: GoalId;
  search: RankingId;
}

/** One constraint's form field; `choiceLabels` names the choices of a choice field. */
export interface ConstraintEntry {
  spec: ParamSpec & { key: keyof TextConstraints };
  choiceLabels?: Readonly<Record<string, string>>;
}

/** The constraints' fields, in form order; their defaults are DEFAULT_TEXT_ATTACK's. */
export const CONSTRAINTS: readonly ConstraintEntry[] = [
  {
    spec: {
      key: 'maxWordShare',
      label: 'Max share of words',
      kind: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      step: 0.01,
      help: 'Largest share of the words that may be changed or inserted.',
    },
  },
  {
    spec: {
      key: 'maxQueries',
      label: 'Max queries',
      kind: 'integer',
      default: 100,
      min: 1,
      max: 100_000,
      step: 1,
      help: 'Model queries allowed per text, the first score included.',
    },
  },
  {
    spec: {
      key: 'maxEditDistance',
      label: 'Max edit distance (characters)',
      kind: 'integer',
      default: 30,
      min: 0,
      max: 1000,
      step: 1,
      help: 'Total Levenshtein distance of the character and Unicode edits; a swapped or inserted word costs none.',
    },
  },
  { spec: { key: 'skipStopWords', label: 'Leave stop words alone', kind: 'boolean', default: true, help: 'Never change "the", "and" and the like.' } },
  {
    spec: {
      key: 'allowedCharacters',
      label: 'Allowed characters',
      kind: 'choice',
      default: 'any',
      choices: ['any', 'visible-ascii'],
      help: 'Which characters an edit may bring into the text.',
    },
    choiceLabels: { any: 'Any Unicode', 'visible-ascii': 'Visible ASCII only' },
  },
];

/** The flat options the search took before recipes; kept for scripts, the audit and the tests. */
export interface TextAttackOptions {
  transformations: readonly TransformationId[];
  ranking: RankingId;
  maxWordShare: number;
  maxEditDistance: number;
  maxQueries: number;
  /** Random draws per character/Unicode perturbation and word (duplicates are queried once). */
  candidatesPerWord: number;
  skipStopWords: boolean;
  /** Good words offered for insertion, and for a swap of the ranked word, at each step: the first ones of the list. */
  goodWordCandidates: number;
  /** Whether a good word may be inserted (or swapped in) more than once (a bag-of-words model counts every copy). */
  repeatGoodWords: boolean;
}

export const DEFAULT_TEXT_ATTACK: TextAttackOptions = {
  transformations: ['swap', 'delete', 'keyboard', 'homoglyph', 'synonym', 'good-words'],
  ranking: 'gradient',
  maxWordShare: 0.1,
  maxEditDistance: 30,
  maxQueries: 100,
  candidatesPerWord: TRANSFORMATION_PARAMS.candidatesPerWord.default,
  skipStopWords: true,
  goodWordCandidates: TRANSFORMATION_PARAMS.goodWordCandidates.default,
  repeatGoodWords: TRANSFORMATION_PARAMS.repeatGoodWords.default,
};

/** The recipe of flat options: each transformation's parameters are the options of the same name. */
export function recipeFromOptions(options: TextAttackOptions, catalog: readonly TransformationEntry[] = TEXT_TRANSFORMATIONS): TextRecipe {
  const { maxWordShare, maxEditDistance, maxQueries, skipStopWords } = options;
  const flat = options as unknown as Record<string, number | boolean | string>;
  return {
    transformations: options.transformations.map((id) => {
      const entry = catalog.find((t) => t.id === id);
      return { id, params: entry ? Object.fromEntries(entry.params.filter((p) => p.key in flat).map((p) => [p.key, flat[p.key]])) : {} };
    }),
    constraints: { maxWordShare, maxEditDistance, maxQueries, skipStopWords, allowedCharacters: 'any' },
    goal: 'untargeted',
    search: options.ranking,
  };
}

export const DEFAULT_TEXT_RECIPE: TextRecipe = recipeFromOptions(DEFAULT_TEXT_ATTACK);

export const isRecipe = (x: TextRecipe | TextAttackOptions): x is TextRecipe => 'constraints' in x;

export const toRecipe = (x: TextRecipe | TextAttackOptions, catalog?: readonly TransformationEntry[]): TextRecipe =>
  isRecipe(x) ? x : recipeFromOptions(x, catalog);

/** A transformation of a recipe with its catalog entry and its parameters read (defaults in, ranges checked). */
export interface ResolvedTransformation {
  entry: TransformationEntry;
  params: TransformationParams;
}

/**
 * The recipe checked against the catalogs: its transformations in catalog order (the order the search offers their
 * candidates in, so that a recipe's meaning does not depend on how its list was written), parameters and
 * constraints in range. Throws a message naming what is wrong.
 */
export function resolveRecipe(recipe: TextRecipe, catalog: readonly TransformationEntry[] = TEXT_TRANSFORMATIONS) {
  if (!(recipe.constraints.maxQueries >= 1)) throw new Error('The query budget must be at least 1: the first query scores the original text.');
  if (recipe.transformations.length === 0) throw new Error('Choose at least one transformation.');
  const constraints = readParams<TextConstraints & Record<string, number | boolean | string>>(
    CONSTRAINTS.map((c) => c.spec),
    recipe.constraints as unknown as Record<string, number | boolean | string>,
  );
  for (const { id } of recipe.transformations) transformationOf(id, catalog);
  const transformations: ResolvedTransformation[] = catalog.flatMap((entry) => {
    const chosen = recipe.transformations.find((t) => t.id === entry.id);
    return chosen ? [{ entry, params: readParams(entry.params as ParamSpec[], chosen.params ?? {}) }] : [];
  });
  if (!Object.hasOwn(GOALS, recipe.goal)) throw new Error(`There is no goal called "${recipe.goal}". Choose one of: ${Object.keys(GOALS).join(', ')}.`);
  return { transformations, constraints: constraints as TextConstraints, goal: GOALS[recipe.goal], search: searchMethodOf(recipe.search) };
}
