/**
 * The text lab's spec: the view, the attack recipe (transformations with their parameters, constraints, search), the
 * defense setting and the good words' source, flattened to one value per control for the URL. The pasted email is
 * not in it: a link should not carry someone's mail, and the tab keeps it for a reload.
 */
import { decodeGroupedParams, encodeGroupedParams } from '../attacks/paramCodec';
import { DEFENSE_SETTINGS, type DefenseSetting } from '../text/batch';
import { SEARCH_METHODS, TEXT_TRANSFORMATIONS, type RankingId, type TransformationId } from '../text/catalog';
import { GOOD_WORD_SOURCES, type GoodWordSource } from '../text/goodWordSources';
import { recipeFromOptions, resolveRecipe, DEFAULT_TEXT_ATTACK, type AllowedCharacters, type TextRecipe } from '../text/recipe';
import { lockViolations, type FieldTable, type LabSpecDef, type SpecValue, type ValuesOf } from './labSpec';

export interface TextLabSetup {
  view: 'single' | 'batch';
  recipe: TextRecipe;
  setting: DefenseSetting;
  goodWordSource: GoodWordSource;
}

/** The lab opens on the searches that flip the most spam (see scripts/textAttacks.test.ts): the model's good words, swapped in or inserted. */
export const DEFAULT_TEXT_LAB_SETUP: TextLabSetup = {
  view: 'single',
  recipe: recipeFromOptions({
    ...DEFAULT_TEXT_ATTACK,
    transformations: ['swap', 'homoglyph', 'synonym', 'good-words', 'good-word-swap'],
    maxWordShare: 0.15,
    repeatGoodWords: true,
  }),
  setting: 'none',
  goodWordSource: 'model',
};

const entryOf = (id: string) => TEXT_TRANSFORMATIONS.find((t) => t.id === id);

/** A transformation's parameters as "id.key:value" items, those at the entry's defaults left out. */
const transformationParamsOf = (id: string) => entryOf(id)?.params;
const encodeTransformationParams = (recipe: TextRecipe): string =>
  encodeGroupedParams(Object.fromEntries(recipe.transformations.map(({ id, params }) => [id, params ?? {}])), transformationParamsOf);

const c = DEFAULT_TEXT_LAB_SETUP.recipe.constraints;

export const TEXT_FIELDS = {
  view: { kind: 'enum', label: 'View', default: 'single', choices: ['single', 'batch'] },
  /** The transformations on, by id ("swap,homoglyph,synonym"). */
  t: {
    kind: 'string',
    label: 'Transformations',
    default: DEFAULT_TEXT_LAB_SETUP.recipe.transformations.map((x) => x.id).join(','),
    maxLength: 400,
    pattern: '^[a-z0-9-]{1,40}(,[a-z0-9-]{1,40}){0,19}$|^$',
  },
  /** Their parameters that differ from the defaults ("synonym.candidatesPerWord:5"). */
  tp: { kind: 'string', label: 'Transformation parameters', default: encodeTransformationParams(DEFAULT_TEXT_LAB_SETUP.recipe), maxLength: 1000 },
  ranking: { kind: 'enum', label: 'Word ranking', default: DEFAULT_TEXT_LAB_SETUP.recipe.search, choices: SEARCH_METHODS.map((m) => m.id) },
  share: { kind: 'number', label: 'Max share of words', default: c.maxWordShare, min: 0, max: 1 },
  queries: { kind: 'int', label: 'Max queries', default: c.maxQueries, min: 1, max: 100_000 },
  edits: { kind: 'int', label: 'Max edit distance', default: c.maxEditDistance, min: 0, max: 1000 },
  stop: { kind: 'bool', label: 'Leave stop words alone', default: c.skipStopWords },
  chars: { kind: 'enum', label: 'Allowed characters', default: c.allowedCharacters, choices: ['any', 'visible-ascii'] },
  defense: { kind: 'enum', label: 'Defense', default: DEFAULT_TEXT_LAB_SETUP.setting, choices: Object.keys(DEFENSE_SETTINGS) },
  goodwords: { kind: 'enum', label: 'Good words', default: DEFAULT_TEXT_LAB_SETUP.goodWordSource, choices: Object.keys(GOOD_WORD_SOURCES) },
} as const satisfies FieldTable;

export type TextSpecValues = ValuesOf<typeof TEXT_FIELDS>;

/** The lab setup a spec's values describe. */
export function setupFromTextValues(values: TextSpecValues): TextLabSetup {
  const byId = decodeGroupedParams(values.tp, transformationParamsOf);
  return {
    view: values.view,
    recipe: {
      transformations: values.t
        .split(',')
        .filter((id) => entryOf(id))
        .map((id) => ({ id: id as TransformationId, params: byId[id] ?? {} })),
      constraints: {
        maxWordShare: values.share,
        maxQueries: values.queries,
        maxEditDistance: values.edits,
        skipStopWords: values.stop,
        allowedCharacters: values.chars as AllowedCharacters,
      },
      goal: 'untargeted',
      search: values.ranking as RankingId,
    },
    setting: values.defense as DefenseSetting,
    goodWordSource: values.goodwords as GoodWordSource,
  };
}

/** The inverse: a lab setup as flat values. */
export function valuesFromTextSetup(setup: TextLabSetup): TextSpecValues {
  const k = setup.recipe.constraints;
  return {
    view: setup.view,
    t: setup.recipe.transformations.map((x) => x.id).join(','),
    tp: encodeTransformationParams(setup.recipe),
    ranking: setup.recipe.search,
    share: k.maxWordShare,
    queries: k.maxQueries,
    edits: k.maxEditDistance,
    stop: k.skipStopWords,
    chars: k.allowedCharacters,
    defense: setup.setting,
    goodwords: setup.goodWordSource,
  };
}

export const TEXT_SPEC: LabSpecDef<typeof TEXT_FIELDS> = {
  lab: 'text',
  version: 1,
  fields: TEXT_FIELDS,
  refine: (values) => {
    const problems: string[] = [];
    let out = values;
    const unknown = out.t.split(',').filter((id) => id && !entryOf(id));
    if (unknown.length) {
      problems.push(`There is no transformation called ${unknown.map((id) => `"${id}"`).join(', ')}; it is left out.`);
      out = {
        ...out,
        t: out.t
          .split(',')
          .filter((id) => entryOf(id))
          .join(','),
      };
    }
    try {
      resolveRecipe(setupFromTextValues(out).recipe);
    } catch (error) {
      problems.push(`${(error as Error).message} The transformations' default parameters are used.`);
      out = { ...out, tp: '' };
    }
    return { values: out, problems };
  },
};

/** What the text worker checks before an attack: every locked control holds its locked value in the request. */
export function textLockViolations(locks: Record<string, SpecValue> | undefined, run: Omit<TextLabSetup, 'view'>): string[] {
  if (!locks || Object.keys(locks).length === 0) return [];
  const { view: _view, ...running } = valuesFromTextSetup({ ...run, view: 'single' });
  const labels = Object.fromEntries(Object.entries(TEXT_FIELDS).map(([key, field]) => [key, field.label]));
  return lockViolations(locks, running, labels);
}
