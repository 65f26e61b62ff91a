/**
 * The text lab's pluggable parts, composed as TextAttack composes an attack (Morris et al., EMNLP 2020 demos):
 * transformations (what may replace or be inserted), search methods (in which order the greedy search tries the
 * words), and, in ./goals.ts and ./recipe.ts, the goal and the constraints. No tfjs and no React: the page builds its
 * lists and forms from here, the worker's search runs the same entries.
 *
 * Adding a transformation is one entry below plus its implementation file in ./transformations/; the search reads
 * this list and never names a transformation.
 */
import type { ParamSpec } from '../attacks/types';
import { PERTURBATIONS, type PerturbationId } from './perturbations';
import { deletionRanking, gradientRanking, randomRanking, type Ranking } from './rankings';
import type { PaperRef, TextResource, TransformationEntry, TransformationFamily } from './transformation';
import { characterEdit } from './transformations/characterEdit';
import { goodWordInsertion } from './transformations/goodWordInsertion';
import { goodWordSwap } from './transformations/goodWordSwap';
import { synonymSwap } from './transformations/synonymSwap';

/** A transformation's id; the built-in ones are listed in TEXT_TRANSFORMATIONS, a test may add its own. */
export type TransformationId = string;

// ---------------------------------------------------------------------------------------------------------------
// Papers

const DEEPWORDBUG: PaperRef = {
  authors: 'Gao, Lanchantin, Soffa, Qi',
  title: 'Black-box Generation of Adversarial Text Sequences to Evade Deep Learning Classifiers',
  year: 2018,
  venue: 'IEEE S&P Workshops',
};
const TEXTBUGGER: PaperRef = {
  authors: 'Li, Ji, Du, Li, Wang',
  title: 'TextBugger: Generating Adversarial Text Against Real-world Applications',
  year: 2019,
  venue: 'NDSS',
};
const MISSPELLINGS: PaperRef = {
  authors: 'Pruthi, Dhingra, Lipton',
  title: 'Combating Adversarial Misspellings with Robust Word Recognition',
  year: 2019,
  venue: 'ACL',
};
const BAD_CHARACTERS: PaperRef = {
  authors: 'Boucher, Shumailov, Anderson, Papernot',
  title: 'Bad Characters: Imperceptible NLP Attacks',
  year: 2022,
  venue: 'IEEE S&P',
};
const PWWS: PaperRef = {
  authors: 'Ren, Deng, He, Che',
  title: 'Generating Natural Language Adversarial Examples through Probability Weighted Word Saliency',
  year: 2019,
  venue: 'ACL',
};
const GOOD_WORD_ATTACKS: PaperRef = { authors: 'Lowd, Meek', title: 'Good Word Attacks on Statistical Spam Filters', year: 2005, venue: 'CEAS' };
const HOTFLIP: PaperRef = {
  authors: 'Ebrahimi, Rao, Lowd, Dou',
  title: 'HotFlip: White-Box Adversarial Examples for Text Classification',
  year: 2018,
  venue: 'ACL',
};

// ---------------------------------------------------------------------------------------------------------------
// Shared parameters

/** Parameters several transformations share; keys are TextAttackOptions' names, so old options map onto them. */
export const TRANSFORMATION_PARAMS = {
  candidatesPerWord: {
    key: 'candidatesPerWord',
    label: 'Draws per word',
    kind: 'integer',
    default: 1,
    min: 1,
    max: 20,
    step: 1,
    help: 'Random draws of this edit on each ranked word (the same result twice is queried once).',
  },
  goodWordCandidates: {
    key: 'goodWordCandidates',
    label: 'Good words tried per step',
    kind: 'integer',
    default: 3,
    min: 0,
    max: 20,
    step: 1,
    help: 'The first good words of the list offered at each step; more spend more queries.',
  },
  repeatGoodWords: {
    key: 'repeatGoodWords',
    label: 'Good words may repeat',
    kind: 'boolean',
    default: false,
    help: 'Whether a good word may be used more than once (a bag-of-words model counts every copy).',
  },
} as const satisfies Record<string, ParamSpec>;

// ---------------------------------------------------------------------------------------------------------------
// Transformations

/** A perturbation of ./perturbations.ts as a catalog entry: its name and help come from its table entry. */
function characterEntry(id: PerturbationId, paper: PaperRef, words: readonly string[]): TransformationEntry {
  const { label, description, family } = PERTURBATIONS[id];
  return {
    id,
    name: label,
    family,
    help: description,
    paper,
    params: [TRANSFORMATION_PARAMS.candidatesPerWord],
    editCost: 'levenshtein',
    position: 'replace',
    needs: [],
    testParams: { words },
    implementation: characterEdit(PERTURBATIONS[id]),
  };
}

const GOOD_WORD_PARAMS = [TRANSFORMATION_PARAMS.goodWordCandidates, TRANSFORMATION_PARAMS.repeatGoodWords];
const TEST_GOOD_WORDS = { goodWords: ['thanks', 'meeting', 'seminar'] };

/** Every built-in transformation, in the order the search offers their candidates (which breaks ties). */
export const TEXT_TRANSFORMATIONS: readonly TransformationEntry[] = [
  characterEntry('swap', DEEPWORDBUG, ['viagra', 'offer']),
  characterEntry('delete', DEEPWORDBUG, ['viagra', 'prize']),
  characterEntry('insert', DEEPWORDBUG, ['viagra', 'ab']),
  characterEntry('keyboard', MISSPELLINGS, ['viagra', 'FREE']),
  characterEntry('leet', TEXTBUGGER, ['viagra', 'free']),
  characterEntry('homoglyph', BAD_CHARACTERS, ['viagra', 'FREE']),
  characterEntry('invisible', BAD_CHARACTERS, ['viagra', 'ab']),
  characterEntry('bidi', BAD_CHARACTERS, ['viagra', 'ab']),
  {
    id: 'synonym',
    name: 'Synonym swap',
    family: 'word',
    help: 'Replace a word by a WordNet synonym (table shipped with the model, built for its vocabulary).',
    paper: PWWS,
    params: [],
    editCost: 'none',
    position: 'replace',
    needs: ['synonyms'],
    testParams: { words: ['cheap', 'free'], synonyms: { cheap: ['inexpensive', 'affordable'], free: ['complimentary'] } },
    implementation: synonymSwap,
  },
  {
    id: 'good-words',
    name: 'Good words',
    family: 'word',
    help: 'Insert a word that is frequent in legitimate mail and rare in spam at the start of the text.',
    paper: GOOD_WORD_ATTACKS,
    params: GOOD_WORD_PARAMS,
    editCost: 'none',
    position: 'insert',
    needs: ['goodWords'],
    testParams: { words: ['viagra', 'cheap'], ...TEST_GOOD_WORDS },
    implementation: goodWordInsertion,
  },
  {
    id: 'good-word-swap',
    name: 'Good-word swap',
    family: 'word',
    help: 'Replace an important word by a good word (frequent in legitimate mail, rare in spam): one changed word.',
    paper: GOOD_WORD_ATTACKS,
    params: GOOD_WORD_PARAMS,
    editCost: 'none',
    position: 'replace',
    needs: ['goodWords'],
    testParams: { words: ['viagra', 'CHEAP'], ...TEST_GOOD_WORDS },
    implementation: goodWordSwap,
  },
];

/** The built-in transformations by id. */
export const TRANSFORMATIONS: Readonly<Record<TransformationId, TransformationEntry>> = Object.fromEntries(TEXT_TRANSFORMATIONS.map((t) => [t.id, t]));

export const TRANSFORMATION_IDS: TransformationId[] = TEXT_TRANSFORMATIONS.map((t) => t.id);

export const FAMILIES: readonly TransformationFamily[] = ['character', 'unicode', 'word'];

export const FAMILY_LABELS: Readonly<Record<TransformationFamily, string>> = {
  character: 'Character (typos, leetspeak)',
  unicode: 'Unicode (homoglyphs, invisible, bidi)',
  word: 'Word (synonyms, good words)',
};

/** The transformations of one family, in catalog order. */
export function transformationsOf(family: TransformationFamily, catalog: readonly TransformationEntry[] = TEXT_TRANSFORMATIONS): TransformationId[] {
  return catalog.filter((t) => t.family === family).map((t) => t.id);
}

/** The entry of an id in a catalog, or an error that lists the ids there are. */
export function transformationOf(id: TransformationId, catalog: readonly TransformationEntry[] = TEXT_TRANSFORMATIONS): TransformationEntry {
  const entry = catalog.find((t) => t.id === id);
  if (!entry) throw new Error(`There is no text transformation called "${id}". Choose one of: ${catalog.map((t) => t.id).join(', ')}.`);
  return entry;
}

/** Default parameters of a transformation, as plain data. */
export function defaultTransformationParams(entry: Pick<TransformationEntry, 'params'>): Record<string, number | boolean | string> {
  return Object.fromEntries(entry.params.map((p) => [p.key, p.default]));
}

// ---------------------------------------------------------------------------------------------------------------
// Search methods: the greedy search with a word ranking (TextAttack's greedy-WIR)

export type RankingId = 'deletion' | 'gradient' | 'random';

export interface SearchMethodEntry {
  id: RankingId;
  name: string;
  knowledge: 'black-box' | 'white-box';
  help: string;
  paper?: PaperRef;
  needs: readonly Extract<TextResource, 'wordGain'>[];
  /** What the contract tests run it on: a text and the transformations to search with. */
  testParams: { text: string; transformations: readonly TransformationId[] };
  rank: Ranking;
}

const SEARCH_TEST = { text: 'thanks, the cheap viagra is free and the winner gets a prize', transformations: ['homoglyph', 'delete'] };

export const SEARCH_METHODS: readonly SearchMethodEntry[] = [
  {
    id: 'deletion',
    name: 'Deletion (black-box)',
    knowledge: 'black-box',
    help: 'Delete each distinct word once and measure how much the score falls: one query per distinct word.',
    paper: DEEPWORDBUG,
    needs: [],
    testParams: SEARCH_TEST,
    rank: deletionRanking,
  },
  {
    id: 'gradient',
    name: 'Gradient (white-box)',
    knowledge: 'white-box',
    help: 'HotFlip-style first-order estimate from the gradient with respect to the embeddings: no query.',
    paper: HOTFLIP,
    needs: ['wordGain'],
    testParams: SEARCH_TEST,
    rank: gradientRanking,
  },
  {
    id: 'random',
    name: 'Random order',
    knowledge: 'black-box',
    help: 'Words in a seeded random order: the baseline.',
    needs: [],
    testParams: SEARCH_TEST,
    rank: randomRanking,
  },
];

export function searchMethodOf(id: string): SearchMethodEntry {
  const entry = SEARCH_METHODS.find((s) => s.id === id);
  if (!entry) throw new Error(`There is no search method called "${id}". Choose one of: ${SEARCH_METHODS.map((s) => s.id).join(', ')}.`);
  return entry;
}
