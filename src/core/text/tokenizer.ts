/**
 * Word-level tokenizer for English email text, and the vocabulary that maps its tokens to integer ids.
 *
 * One implementation serves the training scripts, the browser worker and the tests, so a word is split the same
 * way everywhere. The original text stays the source of truth: tokens carry offsets into it, and nothing here
 * rebuilds text from tokens (a perturbation edits `text.slice(start, end)`, a UI marks the same span).
 */
import { formatCount } from '../format';

/** One word of the input. */
export interface Token {
  /** The lower-cased form, the key looked up in a vocabulary. */
  text: string;
  /** Offset of the first UTF-16 code unit of the word in the original string. */
  start: number;
  /** Offset one past the last UTF-16 code unit of the word in the original string. */
  end: number;
}

export interface TokenizeOptions {
  /** Read at most this many UTF-16 code units; the rest is ignored with a notice. Default 100,000. */
  maxChars?: number;
}

export interface Tokenization {
  tokens: Token[];
  /** True when the text was longer than `maxChars` and its tail was ignored. */
  truncated: boolean;
  /** A user-facing sentence saying how much was dropped, present only when truncated. */
  notice?: string;
}

export const DEFAULT_MAX_CHARS = 100_000;

/**
 * A word is a run of letters, digits and combining marks, with simple internal apostrophes ("don't", "o’clock").
 * Marks (\p{M}) are included so accents written as combining characters and Arabic/Hebrew vowel points do not split
 * a word; everything else (spaces, punctuation, symbols, emoji, control and invisible characters) separates.
 */
const WORD = /[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Where reading stops: `maxChars`, stepped back so a surrogate pair is not cut in half. */
function readLimit(text: string, maxChars: number): { limit: number; truncated: boolean } {
  let limit = Math.min(text.length, maxChars);
  const truncated = text.length > maxChars;
  // The lone high surrogate would not be a letter anyway, so step back.
  if (truncated && limit > 0 && isHighSurrogate(text.charCodeAt(limit - 1))) limit -= 1;
  return { limit, truncated };
}

/**
 * The tokens of `text` up to `limit`, one at a time: a caller that needs only the first few stops the scan there,
 * so a 10 MB text costs what its first words cost.
 */
function* scanTokens(text: string, limit: number, truncated: boolean): Generator<Token> {
  const readable = truncated ? text.slice(0, limit) : text;
  const word = new RegExp(WORD.source, WORD.flags); // its own lastIndex, so scans can interleave
  for (let match = word.exec(readable); match !== null; match = word.exec(readable)) {
    const start = match.index;
    const end = start + match[0].length;
    // A word cut by the limit is only a fragment of the real word: drop it rather than look up a wrong key.
    if (truncated && end === limit && WORD_CHAR.test(String.fromCodePoint(text.codePointAt(limit) ?? 0x20))) return;
    yield { text: match[0].toLowerCase(), start, end };
  }
}

/** Splits text into lower-cased words with their offsets into the original string. Never throws on any string. */
export function tokenize(text: string, options: TokenizeOptions = {}): Tokenization {
  const maxChars = Math.max(0, Math.floor(options.maxChars ?? DEFAULT_MAX_CHARS));
  const { limit, truncated } = readLimit(text, maxChars);
  const tokens = [...scanTokens(text, limit, truncated)];
  if (!truncated) return { tokens, truncated };
  const dropped = text.length - limit;
  return {
    tokens,
    truncated,
    notice:
      `The text is ${formatCount(text.length)} characters long; only the first ${formatCount(limit)} were read ` +
      `and the last ${formatCount(dropped)} were ignored.`,
  };
}

/**
 * The part of `text` the tokenizer reads: all of it when it is at most `maxChars` long, else up to the end of the last
 * whole word within the limit. `tokenize` gives the same tokens for both, so a data set can hold this part alone and
 * every attack query on a 10 MB text costs what its first 100,000 characters cost.
 */
export function readablePart(text: string, options: TokenizeOptions = {}): string {
  const maxChars = Math.max(0, Math.floor(options.maxChars ?? DEFAULT_MAX_CHARS));
  const { limit, truncated } = readLimit(text, maxChars);
  if (!truncated) return text;
  let end = 0;
  for (const token of scanTokens(text, limit, truncated)) end = token.end;
  return text.slice(0, end);
}

/**
 * The first `maxTokens` tokens of `text`: the same as `tokenize(text, options).tokens.slice(0, maxTokens)`, but the
 * text is scanned only up to the last of them.
 */
export function firstTokens(text: string, maxTokens: number, options: TokenizeOptions = {}): Token[] {
  const maxChars = Math.max(0, Math.floor(options.maxChars ?? DEFAULT_MAX_CHARS));
  const { limit, truncated } = readLimit(text, maxChars);
  const tokens: Token[] = [];
  if (maxTokens < 1) return tokens;
  for (const token of scanTokens(text, limit, truncated)) {
    tokens.push(token);
    if (tokens.length >= maxTokens) break;
  }
  return tokens;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

/** Id of the padding slot at the end of a short sequence. */
export const PAD_ID = 0;
/** Id of every word that is not in the vocabulary. */
export const UNK_ID = 1;
/** Ids of the words start after the reserved PAD and UNK. */
export const FIRST_WORD_ID = 2;

/**
 * A word-to-id table as a plain object, so it serialises with JSON.stringify next to a model.
 * `words[i]` has id `i + FIRST_WORD_ID`; `counts[i]` is how often it occurred in the texts it was built from.
 */
export interface Vocabulary {
  version: 1;
  words: string[];
  counts: number[];
}

export interface VocabularyOptions {
  /** Keep at most this many words (PAD and UNK come on top: the id range is maxSize + 2). */
  maxSize: number;
  /** Keep only words seen at least this many times. Default 1. */
  minCount?: number;
  /** Passed to `tokenize` for each text. */
  maxChars?: number;
}

/** Counts the words of the texts and keeps the most frequent: by count descending, ties alphabetically. */
export function buildVocabulary(texts: Iterable<string>, options: VocabularyOptions): Vocabulary {
  const minCount = options.minCount ?? 1;
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const token of tokenize(text, { maxChars: options.maxChars }).tokens) {
      counts.set(token.text, (counts.get(token.text) ?? 0) + 1);
    }
  }
  const entries = [...counts].filter(([, count]) => count >= minCount);
  // Code-unit order rather than localeCompare: the same vocabulary on every machine and locale.
  entries.sort(([wordA, countA], [wordB, countB]) => countB - countA || (wordA < wordB ? -1 : wordA > wordB ? 1 : 0));
  const kept = entries.slice(0, Math.max(0, Math.floor(options.maxSize)));
  return { version: 1, words: kept.map(([word]) => word), counts: kept.map(([, count]) => count) };
}

/** Number of ids a model's embedding needs for this vocabulary: the words plus PAD and UNK. */
export function vocabularySize(vocabulary: Vocabulary): number {
  return vocabulary.words.length + FIRST_WORD_ID;
}

// The lookup map is derived, not stored, so the JSON stays a plain list; cached per vocabulary object.
const lookupCache = new WeakMap<Vocabulary, Map<string, number>>();

function lookup(vocabulary: Vocabulary): Map<string, number> {
  let map = lookupCache.get(vocabulary);
  if (!map) {
    map = new Map(vocabulary.words.map((word, i) => [word, i + FIRST_WORD_ID]));
    lookupCache.set(vocabulary, map);
  }
  return map;
}

/** The id of one lower-cased word, UNK_ID when it is not in the vocabulary. */
export function wordId(vocabulary: Vocabulary, word: string): number {
  return lookup(vocabulary).get(word) ?? UNK_ID;
}

/** The model input of one text: `encode` of its first `maxLength` tokens, tokenizing no further than those. */
export function encodeText(text: string, vocabulary: Vocabulary, maxLength: number): Int32Array {
  return encode(firstTokens(text, Math.max(0, Math.floor(maxLength))), vocabulary, maxLength);
}

/**
 * Ids of the tokens, truncated to the first `maxLength` tokens and padded with PAD_ID at the end.
 * Keeping the start of an email matches the tokenizer, which also keeps the start of a long text.
 */
export function encode(tokens: ReadonlyArray<Pick<Token, 'text'>>, vocabulary: Vocabulary, maxLength: number): Int32Array {
  const ids = new Int32Array(Math.max(0, Math.floor(maxLength))); // zero-filled, and PAD_ID is 0
  const map = lookup(vocabulary);
  const n = Math.min(tokens.length, ids.length);
  for (let i = 0; i < n; i++) ids[i] = map.get(tokens[i].text) ?? UNK_ID;
  return ids;
}
