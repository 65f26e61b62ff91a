/**
 * A synonym table for a model's vocabulary, built from the WordNet lexical database (Princeton University,
 * https://wordnet.princeton.edu/), for word-level substitution attacks on a text classifier.
 *
 * Everything here is a pure function on strings: a Node script reads WordNet's data files and writes the table as
 * JSON next to the model, and the browser worker only loads that JSON and calls `synonymCandidates`. WordNet's
 * own data (tens of megabytes) never reaches the browser.
 *
 * Grammar is protected conservatively: a swap is offered only where the replacement can be put in the same
 * inflection as the original word (a base form for a base form, a regular plural for a plural noun). Anything the
 * simple rules below cannot inflect reliably is left out rather than offered in a form that breaks the sentence.
 */
import { isStopWord } from './stopwords';

export type PartOfSpeech = 'noun' | 'verb' | 'adj' | 'adv';

/** The four WordNet data files, in the order their synsets are visited (so the output is deterministic). */
export const PARTS_OF_SPEECH: readonly PartOfSpeech[] = ['noun', 'verb', 'adj', 'adv'];

/** A synset is the list of its member words (lemmas), lower-case, multiword lemmas joined with '_'. */
export type Synset = string[];

export type SynsetsByPos = Readonly<Record<PartOfSpeech, readonly Synset[]>>;

/** Shipped as JSON next to a text model; `synonyms` maps a lower-case vocabulary word to its replacements. */
export interface SynonymTable {
  version: 1;
  /** Where the synonyms come from: the database, its version and its owner, Princeton University. */
  source: string;
  synonyms: Record<string, string[]>;
}

export interface SynonymTableOptions {
  /** Keep at most this many synonyms per word. Default 8. */
  maxPerWord?: number;
  /** The table's `source`. Default "WordNet". */
  source?: string;
}

export const DEFAULT_MAX_SYNONYMS_PER_WORD = 8;

// ---------------------------------------------------------------------------------------------------------------
// Parsing WordNet's data.* files (format documented in WordNet's wndb(5) man page)

/** An adjective's syntactic marker, glued to the word: (a) prenominal, (p) predicate, (ip) immediately postnominal. */
const ADJECTIVE_MARKER = /\((?:a|p|ip)\)$/;
const OFFSET = /^\d{8}$/;
const WORD_COUNT = /^[0-9a-fA-F]{2}$/;

/**
 * The member words of every synset in a data.noun / data.verb / data.adj / data.adv file, lower-cased and without
 * adjective markers. Each synset line reads `offset lex_filenum ss_type w_cnt word lex_id [word lex_id ...] ...`
 * with w_cnt in two hex digits; the licence header lines start with two spaces and are skipped. Throws on a line
 * that does not have that shape, so a truncated or wrong file is not silently read as fewer synsets.
 */
export function parseWordNetData(text: string): Synset[] {
  const synsets: Synset[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('  ')) continue;
    const fields = line.split(' ');
    const count = WORD_COUNT.test(fields[3] ?? '') ? parseInt(fields[3], 16) : NaN;
    if (!OFFSET.test(fields[0]) || !(count > 0) || fields.length < 4 + 2 * count) {
      throw new Error(`Line ${i + 1} is not a WordNet synset line: "${line.slice(0, 80)}"`);
    }
    const words: Synset = [];
    for (let w = 0; w < count; w++) words.push(fields[4 + 2 * w].toLowerCase().replace(ADJECTIVE_MARKER, ''));
    synsets.push(words);
  }
  return synsets;
}

// ---------------------------------------------------------------------------------------------------------------
// Lemmas and the morphy detachment rules

/** For one part of speech: every lemma, with the indices of the synsets it belongs to (in file order). */
export type LemmaIndex = ReadonlyMap<string, readonly number[]>;

export function indexLemmas(synsets: readonly Synset[]): LemmaIndex {
  const index = new Map<string, number[]>();
  synsets.forEach((synset, i) => {
    for (const word of synset) {
      const list = index.get(word);
      // A word listed twice in one synset (different lex_id, same spelling once lower-cased) counts once.
      if (!list) index.set(word, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return index;
}

/**
 * WordNet's suffix detachment rules (morphy(7)): [inflectional ending, what replaces it]. Without WordNet's
 * exception lists (the npm package does not ship the .exc files) irregular forms such as "children" or "went" are
 * simply not recognised, which only means fewer swaps.
 */
export const DETACHMENT_RULES: Readonly<Record<PartOfSpeech, ReadonlyArray<readonly [string, string]>>> = {
  noun: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  verb: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  adj: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  adv: [],
};

/**
 * The lemmas `word` is a regular inflection of: each detachment rule whose ending matches, kept only when the
 * result is a lemma of that part of speech (`isLemma`). The word itself is never returned. As in WordNet's own
 * morphy, a noun ending in "ss" is not stripped of its "s" ("business" is not the plural of "busines").
 */
export function lemmatize(word: string, pos: PartOfSpeech, isLemma: (lemma: string) => boolean): string[] {
  const found: string[] = [];
  for (const [ending, replacement] of DETACHMENT_RULES[pos]) {
    if (word.length <= ending.length || !word.endsWith(ending)) continue;
    if (pos === 'noun' && ending === 's' && word.endsWith('ss')) continue;
    const lemma = word.slice(0, word.length - ending.length) + replacement;
    if (lemma !== word && !found.includes(lemma) && isLemma(lemma)) found.push(lemma);
  }
  return found;
}

const VOWEL = /[aeiou]/;

/**
 * The regular plural of a noun: "es" after s, x, z, ch and sh, consonant + y → "ies", otherwise "s". Undefined
 * where these rules would often be wrong, so the swap is dropped instead: nouns ending in a single "s" other than
 * "-us" (plural-only "goods", "earnings", Greek "analysis") and nouns ending in "man" ("chairman" → "chairmen" but
 * "human" → "humans").
 */
export function pluralize(noun: string): string | undefined {
  if (noun.endsWith('s') && !noun.endsWith('ss') && !noun.endsWith('us')) return undefined;
  if (noun.endsWith('man')) return undefined;
  if (/(?:s|x|z|ch|sh)$/.test(noun)) return noun + 'es';
  if (noun.length >= 2 && noun.endsWith('y') && !VOWEL.test(noun[noun.length - 2])) return noun.slice(0, -1) + 'ies';
  return noun + 's';
}

// ---------------------------------------------------------------------------------------------------------------
// Building the table

/** A vocabulary word that may get synonyms: three or more ASCII letters, not a stop word. */
const VOCABULARY_WORD = /^[a-z]{3,}$/;
/** A synonym that can replace one token: one word of two or more ASCII letters (no "_", "-", digits or dots). */
const SINGLE_WORD = /^[a-z]{2,}$/;

/** Where a vocabulary word's synonyms come from: the synsets of `lemma` in one part of speech. */
interface SynonymSource {
  pos: PartOfSpeech;
  lemma: string;
  /** The word is the regular plural of `lemma`, so each synonym is pluralised too. */
  plural: boolean;
}

/**
 * The lemmas whose synsets give `word` its synonyms: the word itself wherever it is a lemma, and for a regular
 * noun plural its singular, whose synonyms are then pluralised. A word that is a lemma of its own and also looks
 * like a plural ("services", "physics") is read as a plural only when the singular is a word of the vocabulary
 * with three or more letters: "services" gets the synonyms of "service", but "physics" not those of "physic"
 * (a laxative), nor "gas" those of the abbreviation "ga".
 * Verb and adjective inflections ("running", "cheaper") are skipped: the base form of a synonym would not fit the
 * sentence, and re-conjugating or comparing it reliably needs more than suffix rules.
 */
function synonymSources(word: string, indexes: Readonly<Record<PartOfSpeech, LemmaIndex>>, inVocabulary: (word: string) => boolean): SynonymSource[] {
  const sources: SynonymSource[] = [];
  for (const pos of PARTS_OF_SPEECH) {
    const index = indexes[pos];
    const isLemma = index.has(word);
    if (isLemma) sources.push({ pos, lemma: word, plural: false });
    if (pos !== 'noun') continue;
    for (const lemma of lemmatize(word, pos, (l) => index.has(l))) {
      if (!isLemma || (lemma.length >= 3 && inVocabulary(lemma))) sources.push({ pos, lemma, plural: true });
    }
  }
  return sources;
}

/**
 * The same word or its regular singular/plural. WordNet sometimes lists a lemma's own plural beside it
 * ("profit, profits"); swapping one for the other changes the inflection, not the word, so it is no synonym.
 */
function sameNoun(a: string, b: string): boolean {
  return a === b || pluralize(a) === b || pluralize(b) === a;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Synonyms of each vocabulary word: the other single-word members of every synset the word (or, for a plural
 * noun, its singular) belongs to, in the word's inflection. Words the model knows come first, most frequent first
 * (`vocabularyWords` is in rank order), since swapping in a known word changes the model's input most predictably;
 * the rest follow in code-unit order, which is the same on every machine and locale. Keys follow the vocabulary
 * order; words without a synonym, stop words and words that are not three or more letters a–z are left out.
 */
export function buildSynonymTable(vocabularyWords: readonly string[], synsetsByPos: SynsetsByPos, options: SynonymTableOptions = {}): SynonymTable {
  const maxPerWord = Math.max(0, Math.floor(options.maxPerWord ?? DEFAULT_MAX_SYNONYMS_PER_WORD));
  const indexes = {} as Record<PartOfSpeech, LemmaIndex>;
  for (const pos of PARTS_OF_SPEECH) indexes[pos] = indexLemmas(synsetsByPos[pos]);
  const rank = new Map<string, number>();
  vocabularyWords.forEach((word, i) => {
    if (!rank.has(word)) rank.set(word, i);
  });
  const byRankThenCodeUnits = (a: string, b: string): number => {
    const ra = rank.get(a) ?? Infinity;
    const rb = rank.get(b) ?? Infinity;
    return ra !== rb ? (ra < rb ? -1 : 1) : compareCodeUnits(a, b);
  };

  const synonyms: Record<string, string[]> = {};
  for (const word of vocabularyWords) {
    if (!VOCABULARY_WORD.test(word) || isStopWord(word) || Object.hasOwn(synonyms, word)) continue;
    const found = new Set<string>();
    for (const { pos, lemma, plural } of synonymSources(word, indexes, (w) => rank.has(w))) {
      for (const synsetIndex of indexes[pos].get(lemma) ?? []) {
        for (const member of synsetsByPos[pos][synsetIndex]) {
          if (!SINGLE_WORD.test(member) || sameNoun(member, lemma) || sameNoun(member, word)) continue;
          const form = plural ? pluralize(member) : member;
          if (form !== undefined && form !== word) found.add(form);
        }
      }
    }
    if (found.size > 0 && maxPerWord > 0) synonyms[word] = [...found].sort(byRankThenCodeUnits).slice(0, maxPerWord);
  }
  return { version: 1, source: options.source ?? 'WordNet', synonyms };
}

// ---------------------------------------------------------------------------------------------------------------
// Using the table

/**
 * Replacements for a word as written in the text: the table is looked up with the lower-cased word, and each
 * synonym takes the word's case, so "FREE" gives upper-case synonyms and "Free" capitalised ones. Other mixed
 * case ("eBay") is not imitated; the synonyms stay lower-case. Empty when the word has no entry.
 */
export function synonymCandidates(table: SynonymTable, word: string): string[] {
  const key = word.toLowerCase();
  // hasOwn: a word such as "constructor" must not reach Object.prototype.
  if (!Object.hasOwn(table.synonyms, key)) return [];
  const list = table.synonyms[key];
  if (isAllCaps(word)) return list.map((s) => s.toUpperCase());
  if (isCapitalised(word)) return list.map((s) => s.charAt(0).toUpperCase() + s.slice(1));
  return list.slice();
}

/** Two or more characters, with letters, all upper-case: "FREE", not "A" or "I" (those read as capitalised). */
function isAllCaps(word: string): boolean {
  return word.length >= 2 && word === word.toUpperCase() && word !== word.toLowerCase();
}

/** Upper-case first letter and the rest lower-case: "Free". */
function isCapitalised(word: string): boolean {
  const first = word.charAt(0);
  const rest = word.slice(1);
  return first !== first.toLowerCase() && rest === rest.toLowerCase();
}
