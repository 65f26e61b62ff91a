/**
 * The shape of a text transformation, TextAttack's first part (Morris et al., "TextAttack: A Framework for
 * Adversarial Attacks, Data Augmentation, and Adversarial Training in NLP", EMNLP 2020 demos): given the word the
 * search ranked next, the words that could stand in for it (or be inserted). Types only, so the catalog and the
 * implementation files can both import them without a cycle.
 */
import type { AttackParams, ParamSpec } from '../attacks/types';
import type { Rng } from '../data/rng';

export type TransformationFamily = 'character' | 'unicode' | 'word';

/** What a transformation (or a search method) needs from the model's side; the search refuses to start without it. */
export type TextResource = 'synonyms' | 'goodWords' | 'wordGain';

export const RESOURCE_NEEDS: Readonly<Record<TextResource, string>> = {
  synonyms: 'the synonym table of the model',
  goodWords: 'the list of good words of the model',
  wordGain: 'white-box access to the model',
};

export type TransformationParams = AttackParams;

/** What the search hands a transformation at one step. */
export interface TransformationResources {
  /** Synonyms of a word as written (case kept). */
  synonyms?: (word: string) => readonly string[];
  /** Good words, best first: all of them when they may repeat, else those neither in the text nor used yet. */
  goodWords?: (mayRepeat: boolean) => readonly string[];
}

export interface TransformationInput {
  /** The ranked word as written in the text ('' for a transformation that inserts). */
  word: string;
  /** Seeded: the same seed gives the same candidates. */
  rng: Rng;
  /** The entry's parameters, defaults filled in and ranges checked. */
  params: TransformationParams;
  resources: TransformationResources;
}

export interface TransformationImplementation {
  /** Candidate words, best first when that means anything; duplicates and the word itself are dropped by the search. */
  candidates(input: TransformationInput): readonly string[];
}

export interface PaperRef {
  authors: string;
  title: string;
  year: number;
  venue: string;
}

/** What the contract tests run an entry on; an entry without it fails the suite. */
export interface TransformationTestParams {
  /** Words the transformation must change (at least one candidate each, with `params`). */
  words: readonly string[];
  params?: TransformationParams;
  /** The synonym table the tests give an entry that needs synonyms (lower-case word -> synonyms). */
  synonyms?: Readonly<Record<string, readonly string[]>>;
  /** The good words, best first, the tests give an entry that needs them. */
  goodWords?: readonly string[];
}

/** One catalog entry: plain data for the page and the docs, plus the implementation the search calls. */
export interface TransformationEntry {
  id: string;
  name: string;
  family: TransformationFamily;
  /** One line for the UI. */
  help: string;
  paper?: PaperRef;
  params: readonly ParamSpec[];
  /**
   * What an edit costs besides the word it changes: 'levenshtein' spends the character edit budget by the edit's
   * Levenshtein distance (typos, look-alikes); 'none' for a whole word swapped or inserted.
   */
  editCost: 'levenshtein' | 'none';
  /** 'replace': candidates stand in for the ranked word; 'insert': they go at the start of the text. */
  position: 'replace' | 'insert';
  needs: readonly Exclude<TextResource, 'wordGain'>[];
  testParams: TransformationTestParams;
  implementation: TransformationImplementation;
}
