/**
 * Word perturbations for evading a text classifier: each one changes a single word a little.
 *
 * Character-level edits follow the typo attacks of DeepWordBug (Gao et al., "Black-box Generation of Adversarial
 * Text Sequences to Evade Deep Learning Classifiers", IEEE S&P Workshops 2018) and TextBugger (Li et al.,
 * "TextBugger: Generating Adversarial Text Against Real-world Applications", NDSS 2019). Unicode edits follow
 * Boucher et al., "Bad Characters: Imperceptible NLP Attacks", IEEE S&P 2022: homoglyphs, invisible characters and
 * bidirectional reordering change the code points a model reads while the rendered text looks unchanged.
 *
 * The search (elsewhere) picks which words to perturb; a perturbation only rewrites one word, so every entry is a
 * small object in the PERTURBATIONS table and adding one is one entry.
 */
import type { Rng } from '../data/rng';
import type { Token } from './tokenizer';

export type PerturbationFamily = 'character' | 'unicode' | 'word';

export type PerturbationId = 'swap' | 'delete' | 'insert' | 'keyboard' | 'leet' | 'homoglyph' | 'invisible' | 'bidi';

export interface Perturbation {
  id: PerturbationId;
  family: PerturbationFamily;
  label: string;
  description: string;
  /** Largest Levenshtein distance (in code points, see `editDistance`) between a word and what `apply` returns. */
  maxEditDistance(word: string): number;
  /** The perturbed word, different from `word`; undefined when this perturbation cannot change this word. */
  apply(word: string, rng: Rng): string | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

/** QWERTY neighbours of each lower-case letter: the keys touching it on a US layout (same row and rows above/below). */
export const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  q: 'wa',
  w: 'qeas',
  e: 'wrsd',
  r: 'etdf',
  t: 'ryfg',
  y: 'tugh',
  u: 'yihj',
  i: 'uojk',
  o: 'ipkl',
  p: 'ol',
  a: 'qwsz',
  s: 'weadzx',
  d: 'ersfxc',
  f: 'rtdgcv',
  g: 'tyfhvb',
  h: 'yugjbn',
  j: 'uihknm',
  k: 'iojlm',
  l: 'opk',
  z: 'asx',
  x: 'zsdc',
  c: 'xdfv',
  v: 'cfgb',
  b: 'vghn',
  n: 'bhjm',
  m: 'njk',
};

/**
 * One leetspeak digit per letter. Digits only (no '@' or '$'), so a leet word stays one token; no two letters share
 * a digit (l is left out because 1 is i), so the normalizer can invert the table.
 */
export const LEET: Readonly<Record<string, string>> = {
  a: '4',
  b: '8',
  e: '3',
  g: '9',
  i: '1',
  o: '0',
  s: '5',
  t: '7',
  z: '2',
};

/**
 * Latin letters and Cyrillic or Greek characters that render the same in common fonts, taken from the Unicode
 * confusables data (UTS #39, Unicode Security Mechanisms, confusables.txt). Each look-alike appears once, so the
 * table inverts to a fold back to ASCII. None of them is changed by NFKC, so normalization order does not matter.
 */
export const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430'], // CYRILLIC SMALL LETTER A
  c: ['\u0441'], // CYRILLIC SMALL LETTER ES
  d: ['\u0501'], // CYRILLIC SMALL LETTER KOMI DE
  e: ['\u0435'], // CYRILLIC SMALL LETTER IE
  h: ['\u04bb'], // CYRILLIC SMALL LETTER SHHA
  i: ['\u0456'], // CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
  j: ['\u0458'], // CYRILLIC SMALL LETTER JE
  o: ['\u043e', '\u03bf'], // CYRILLIC SMALL LETTER O, GREEK SMALL LETTER OMICRON
  p: ['\u0440'], // CYRILLIC SMALL LETTER ER
  q: ['\u051b'], // CYRILLIC SMALL LETTER QA
  s: ['\u0455'], // CYRILLIC SMALL LETTER DZE
  w: ['\u051d'], // CYRILLIC SMALL LETTER WE
  x: ['\u0445'], // CYRILLIC SMALL LETTER HA
  y: ['\u0443'], // CYRILLIC SMALL LETTER U
  A: ['\u0410', '\u0391'], // CYRILLIC CAPITAL A, GREEK CAPITAL ALPHA
  B: ['\u0412', '\u0392'], // CYRILLIC CAPITAL VE, GREEK CAPITAL BETA
  C: ['\u0421'], // CYRILLIC CAPITAL ES
  E: ['\u0415', '\u0395'], // CYRILLIC CAPITAL IE, GREEK CAPITAL EPSILON
  H: ['\u041d', '\u0397'], // CYRILLIC CAPITAL EN, GREEK CAPITAL ETA
  I: ['\u0406', '\u0399'], // CYRILLIC CAPITAL BYELORUSSIAN-UKRAINIAN I, GREEK CAPITAL IOTA
  J: ['\u0408'], // CYRILLIC CAPITAL JE
  K: ['\u041a', '\u039a'], // CYRILLIC CAPITAL KA, GREEK CAPITAL KAPPA
  M: ['\u041c', '\u039c'], // CYRILLIC CAPITAL EM, GREEK CAPITAL MU
  N: ['\u039d'], // GREEK CAPITAL NU
  O: ['\u041e', '\u039f'], // CYRILLIC CAPITAL O, GREEK CAPITAL OMICRON
  P: ['\u0420', '\u03a1'], // CYRILLIC CAPITAL ER, GREEK CAPITAL RHO
  S: ['\u0405'], // CYRILLIC CAPITAL DZE
  T: ['\u0422', '\u03a4'], // CYRILLIC CAPITAL TE, GREEK CAPITAL TAU
  X: ['\u0425', '\u03a7'], // CYRILLIC CAPITAL HA, GREEK CAPITAL CHI
  Y: ['\u04ae', '\u03a5'], // CYRILLIC CAPITAL STRAIGHT U, GREEK CAPITAL UPSILON
  Z: ['\u0396'], // GREEK CAPITAL ZETA
};

/** Zero-width characters inserted by the invisible perturbation (Boucher et al., section IV-A). */
export const INVISIBLE_CHARACTERS: readonly string[] = [
  '\u200b', // ZERO WIDTH SPACE
  '\u200c', // ZERO WIDTH NON-JOINER
  '\u200d', // ZERO WIDTH JOINER
];

export const RIGHT_TO_LEFT_OVERRIDE = '\u202e';
export const POP_DIRECTIONAL_FORMATTING = '\u202c';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const LETTER = /^\p{L}$/u;
const isLetter = (ch: string): boolean => LETTER.test(ch);

function pick<T>(items: readonly T[], rng: Rng): T {
  return items[rng.int(items.length)];
}

/** Indices i in [from, to) for which keep(i) holds. */
function positions(from: number, to: number, keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (keep(i)) out.push(i);
  return out;
}

/** Upper-case when the original character is upper-case, so a replacement keeps the word's look. */
function matchCase(replacement: string, original: string): string {
  return original !== original.toLowerCase() ? replacement.toUpperCase() : replacement;
}

function replaceAt(chars: readonly string[], index: number, replacement: string): string {
  return [...chars.slice(0, index), replacement, ...chars.slice(index + 1)].join('');
}

function insertAt(chars: readonly string[], index: number, inserted: string): string {
  return [...chars.slice(0, index), inserted, ...chars.slice(index)].join('');
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

// ---------------------------------------------------------------------------------------------------------------
// The perturbations. Words are handled as arrays of code points so emoji and astral letters are never split.

const swap: Perturbation = {
  id: 'swap',
  family: 'character',
  label: 'Swap',
  description: 'Swap two adjacent inner letters (the first and last letters stay, so the word stays readable).',
  // A transposition is two Levenshtein edits (two substitutions).
  maxEditDistance: () => 2,
  apply(word, rng) {
    const chars = Array.from(word);
    // Inner pairs (i, i + 1) with 1 <= i and i + 1 <= n - 2, both letters and different (else nothing changes).
    const candidates = positions(1, chars.length - 2, (i) => isLetter(chars[i]) && isLetter(chars[i + 1]) && chars[i] !== chars[i + 1]);
    if (candidates.length === 0) return undefined;
    const i = pick(candidates, rng);
    const out = chars.slice();
    out[i] = chars[i + 1];
    out[i + 1] = chars[i];
    return out.join('');
  },
};

const deleteLetter: Perturbation = {
  id: 'delete',
  family: 'character',
  label: 'Delete',
  description: 'Delete one inner letter.',
  maxEditDistance: () => 1,
  apply(word, rng) {
    const chars = Array.from(word);
    const candidates = positions(1, chars.length - 1, (i) => isLetter(chars[i]));
    if (candidates.length === 0) return undefined;
    const i = pick(candidates, rng);
    return [...chars.slice(0, i), ...chars.slice(i + 1)].join('');
  },
};

const insert: Perturbation = {
  id: 'insert',
  family: 'character',
  label: 'Insert',
  description: 'Insert a random letter inside the word.',
  maxEditDistance: () => 1,
  apply(word, rng) {
    const chars = Array.from(word);
    if (chars.length < 2 || !chars.some(isLetter)) return undefined;
    const at = 1 + rng.int(chars.length - 1); // between two characters, never before the first or after the last
    const shouty = word === word.toUpperCase() && word !== word.toLowerCase();
    const letter = ALPHABET[rng.int(ALPHABET.length)];
    return insertAt(chars, at, shouty ? letter.toUpperCase() : letter);
  },
};

const keyboard: Perturbation = {
  id: 'keyboard',
  family: 'character',
  label: 'Keyboard typo',
  description: 'Replace one letter by a neighbouring key on a QWERTY keyboard.',
  maxEditDistance: () => 1,
  apply(word, rng) {
    const chars = Array.from(word);
    const candidates = positions(0, chars.length, (i) => Object.hasOwn(KEYBOARD_NEIGHBOURS, chars[i].toLowerCase()));
    if (candidates.length === 0) return undefined;
    const i = pick(candidates, rng);
    const neighbour = pick(Array.from(KEYBOARD_NEIGHBOURS[chars[i].toLowerCase()]), rng);
    return replaceAt(chars, i, matchCase(neighbour, chars[i]));
  },
};

const leet: Perturbation = {
  id: 'leet',
  family: 'character',
  label: 'Leetspeak',
  description: 'Replace one letter by the digit that looks like it (a→4, e→3, i→1, o→0, s→5, t→7, …).',
  maxEditDistance: () => 1,
  apply(word, rng) {
    const chars = Array.from(word);
    const candidates = positions(0, chars.length, (i) => Object.hasOwn(LEET, chars[i].toLowerCase()));
    if (candidates.length === 0) return undefined;
    const i = pick(candidates, rng);
    return replaceAt(chars, i, LEET[chars[i].toLowerCase()]);
  },
};

const homoglyph: Perturbation = {
  id: 'homoglyph',
  family: 'unicode',
  label: 'Homoglyph',
  description: 'Replace one Latin letter by a Cyrillic or Greek letter that looks the same.',
  maxEditDistance: () => 1,
  apply(word, rng) {
    const chars = Array.from(word);
    const candidates = positions(0, chars.length, (i) => Object.hasOwn(HOMOGLYPHS, chars[i]));
    if (candidates.length === 0) return undefined;
    const i = pick(candidates, rng);
    return replaceAt(chars, i, pick(HOMOGLYPHS[chars[i]], rng));
  },
};

const invisible: Perturbation = {
  id: 'invisible',
  family: 'unicode',
  label: 'Invisible character',
  description: 'Insert a zero-width space, joiner or non-joiner inside the word: it looks the same but splits the token.',
  maxEditDistance: () => 1,
  apply(word, rng) {
    const chars = Array.from(word);
    if (chars.length < 2) return undefined;
    const at = 1 + rng.int(chars.length - 1);
    return insertAt(chars, at, pick(INVISIBLE_CHARACTERS, rng));
  },
};

const bidi: Perturbation = {
  id: 'bidi',
  family: 'unicode',
  label: 'Bidi reordering',
  description: 'Store the letters in reverse order inside a right-to-left override: the word renders the same, the code points differ.',
  // Up to every code point substituted, plus the two inserted controls.
  maxEditDistance: (word) => Array.from(word).length + 2,
  apply(word) {
    const chars = Array.from(word);
    if (chars.length < 2) return undefined;
    // Boucher et al.'s reordering attack: RLO displays the run right to left, which undoes the stored reversal.
    return RIGHT_TO_LEFT_OVERRIDE + chars.reverse().join('') + POP_DIRECTIONAL_FORMATTING;
  },
};

/** Every perturbation, keyed by id. Word-level substitutions (synonyms) need a vocabulary model and come later. */
export const PERTURBATIONS: Readonly<Record<PerturbationId, Perturbation>> = {
  swap,
  delete: deleteLetter,
  insert,
  keyboard,
  leet,
  homoglyph,
  invisible,
  bidi,
};

export const PERTURBATION_IDS = Object.keys(PERTURBATIONS) as PerturbationId[];

// ---------------------------------------------------------------------------------------------------------------
// Applying to text, and measuring the edit

/**
 * The text with the token's span (in the original text, with its original case) replaced by the perturbed word;
 * undefined when the perturbation cannot change that word.
 */
export function applyToText(text: string, token: Token, perturbation: Perturbation, rng: Rng): string | undefined {
  const perturbed = perturbation.apply(text.slice(token.start, token.end), rng);
  if (perturbed === undefined) return undefined;
  return text.slice(0, token.start) + perturbed + text.slice(token.end);
}

/** Levenshtein distance (insertions, deletions, substitutions each cost 1) counted on code points, not UTF-16 units. */
export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  // Two rows of the dynamic-programming table are enough.
  let previous = new Int32Array(y.length + 1);
  let current = new Int32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) previous[j] = j;
  for (let i = 1; i <= x.length; i++) {
    current[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length];
}
