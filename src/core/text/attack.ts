/**
 * Evading a text classifier by greedy word-importance ranking, as in TextAttack's "greedy-WIR" searches
 * (Morris et al., "TextAttack: A Framework for Adversarial Attacks, Data Augmentation, and Adversarial Training in
 * NLP", EMNLP 2020 demos): rank the words by how much they hold up the current label, then, in that order, try the
 * transformations on each word, keep the candidate that lowers the label's probability most, and stop as soon as
 * the label flips or a budget (words, edits, queries) runs out.
 *
 * Rankings: deletion (black-box, DeepWordBug's "replace-1" score, Gao et al. 2018: one counted query per distinct
 * word), the gradient with respect to the embedded words (white-box, HotFlip's first-order estimate, Ebrahimi et al.
 * 2018: no query), or a seeded random order (the baseline). Transformations: the character and Unicode
 * perturbations of ./perturbations.ts, synonym swaps from a WordNet table, the insertion of words the filter
 * associates with ham (Lowd & Meek, "Good Word Attacks on Statistical Spam Filters", CEAS 2005), and the swap of an
 * important word for such a good word (one changed word that takes spam evidence out and puts ham evidence in).
 *
 * No tfjs here: the model is reached through `TextVictim`, which counts every text it scores as one query.
 */
import type { Rng } from '../data/rng';
import { normalizeText } from './normalize';
import { editDistance, PERTURBATIONS, type PerturbationFamily, type PerturbationId } from './perturbations';
import { isStopWord } from './stopwords';
import { tokenize, type Token } from './tokenizer';
import { pushAll } from '../arrays';

// ---------------------------------------------------------------------------------------------------------------
// Transformations

export type TransformationId = PerturbationId | 'synonym' | 'good-words' | 'good-word-swap';

export interface TransformationMeta {
  id: TransformationId;
  family: PerturbationFamily;
  label: string;
  description: string;
}

/** Every transformation the search can use, with its family; the character and Unicode ones come from PERTURBATIONS. */
export const TRANSFORMATIONS: Readonly<Record<TransformationId, TransformationMeta>> = {
  ...(Object.fromEntries(
    Object.values(PERTURBATIONS).map(({ id, family, label, description }) => [id, { id, family, label, description }]),
  ) as Record<PerturbationId, TransformationMeta>),
  synonym: {
    id: 'synonym',
    family: 'word',
    label: 'Synonym swap',
    description: 'Replace a word by a WordNet synonym (table shipped with the model, built for its vocabulary).',
  },
  'good-words': {
    id: 'good-words',
    family: 'word',
    label: 'Good words',
    description: 'Insert a word that is frequent in legitimate mail and rare in spam at the start of the text.',
  },
  'good-word-swap': {
    id: 'good-word-swap',
    family: 'word',
    label: 'Good-word swap',
    description: 'Replace an important word by a good word (frequent in legitimate mail, rare in spam): one changed word.',
  },
};

export const TRANSFORMATION_IDS = Object.keys(TRANSFORMATIONS) as TransformationId[];

export const FAMILIES: readonly PerturbationFamily[] = ['character', 'unicode', 'word'];

export const FAMILY_LABELS: Readonly<Record<PerturbationFamily, string>> = {
  character: 'Character (typos, leetspeak)',
  unicode: 'Unicode (homoglyphs, invisible, bidi)',
  word: 'Word (synonyms, good words)',
};

/** The transformations of one family, in table order. */
export function transformationsOf(family: PerturbationFamily): TransformationId[] {
  return TRANSFORMATION_IDS.filter((id) => TRANSFORMATIONS[id].family === family);
}

// ---------------------------------------------------------------------------------------------------------------
// The victim

/** Scores texts: one row of class probabilities per text. Every text scored is one query. */
export interface TextVictim {
  probabilities(texts: readonly string[]): Promise<Float32Array[]>;
}

/** The classifier behind the input normalizer (the defense of ./normalize.ts): texts are normalized, then scored. */
export function withNormalizer(victim: TextVictim): TextVictim {
  return { probabilities: (texts) => victim.probabilities(texts.map((t) => normalizeText(t).text)) };
}

/** White-box access: per token, how much the true class's margin falls when that token becomes unknown. */
export type WordGain = (text: string, trueClass: number) => Promise<Float32Array>;

// ---------------------------------------------------------------------------------------------------------------
// Options and results

export type RankingId = 'deletion' | 'gradient' | 'random';

export const RANKINGS: Readonly<Record<RankingId, { label: string; knowledge: 'black-box' | 'white-box'; description: string }>> = {
  deletion: {
    label: 'Deletion (black-box)',
    knowledge: 'black-box',
    description: 'Delete each distinct word once and measure how much the score falls: one query per distinct word.',
  },
  gradient: {
    label: 'Gradient (white-box)',
    knowledge: 'white-box',
    description: 'HotFlip-style first-order estimate from the gradient with respect to the embeddings: no query.',
  },
  random: { label: 'Random order', knowledge: 'black-box', description: 'Words in a seeded random order: the baseline.' },
};

export interface TextAttackOptions {
  transformations: readonly TransformationId[];
  ranking: RankingId;
  /** Largest share of the text's words that may be changed or inserted (ART/TextAttack "max_percent"). */
  maxWordShare: number;
  /** Largest total Levenshtein distance of the character and Unicode edits (TextAttack's DeepWordBug uses 30). */
  maxEditDistance: number;
  /** Queries the attack may spend on this text, the first score included. */
  maxQueries: number;
  /** Random draws per character/Unicode perturbation and word (duplicates are queried once). */
  candidatesPerWord: number;
  /** Leave stop words ("the", "and", ...) alone. */
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
  candidatesPerWord: 1,
  skipStopWords: true,
  goodWordCandidates: 3,
  repeatGoodWords: false,
};

export interface TextEdit {
  kind: 'replace' | 'insert';
  /** Index of the replaced token in the original text's tokens; -1 for an insertion. */
  tokenIndex: number;
  /** Offsets of the replaced word in the original text (both 0 for an insertion, which goes at the start). */
  start: number;
  end: number;
  before: string;
  after: string;
  transformation: TransformationId;
  /** Probability of the true class once this edit (and all before it) is made. */
  probability: number;
}

export type TextAttackStatus = 'succeeded' | 'failed' | 'skipped';

export type StopReason = 'label-flipped' | 'word-budget' | 'query-budget' | 'words-exhausted' | 'misclassified' | 'cancelled';

export interface TextAttackResult {
  status: TextAttackStatus;
  stopReason: StopReason;
  original: string;
  perturbed: string;
  trueClass: number;
  /** What the attacked model outputs for the original and the final text. */
  originalProbabilities: number[];
  perturbedProbabilities: number[];
  queries: number;
  /** Words of the original text (all of them, also those past the model's input length). */
  wordCount: number;
  /** Replaced plus inserted words. */
  perturbedWords: number;
  /** Total Levenshtein distance of the character and Unicode edits. */
  editDistance: number;
  /** Edits in the order the search made them; `textAfterEdits` replays any prefix. */
  edits: TextEdit[];
}

// ---------------------------------------------------------------------------------------------------------------
// Text bookkeeping

/** The text with the given edits applied: replacements at their original spans, insertions (in order) at the start. */
export function textAfterEdits(original: string, edits: readonly Pick<TextEdit, 'kind' | 'start' | 'end' | 'after'>[]): string {
  const inserted = edits.filter((e) => e.kind === 'insert').map((e) => e.after);
  const replaced = edits.filter((e) => e.kind === 'replace').sort((a, b) => a.start - b.start);
  let out = inserted.length > 0 ? inserted.join(' ') + ' ' : '';
  let position = 0;
  for (const edit of replaced) {
    out += original.slice(position, edit.start) + edit.after;
    position = edit.end;
  }
  return out + original.slice(position);
}

/** Words a budget allows: the share of the word count, rounded down, but at least one when the share is positive. */
export function wordBudget(share: number, wordCount: number): number {
  if (!(share > 0) || wordCount === 0) return 0;
  return Math.max(1, Math.floor(share * wordCount + 1e-9));
}

/**
 * What the search maximises: the probability of the other classes, summed from their own entries. 1 − p(true)
 * would round to 0 in float32 once the model is very sure (a margin above ~17 nats), and the search would go blind.
 */
export function otherClassMass(row: ArrayLike<number>, trueClass: number): number {
  let mass = 0;
  for (let i = 0; i < row.length; i++) if (i !== trueClass) mass += row[i];
  return mass;
}

const argMax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
};

class QueryBudgetExceeded extends Error {}

/** Counts queries and refuses any that would go past the budget (the batch is refused whole). */
class CountingVictim {
  used = 0;
  constructor(
    private readonly victim: TextVictim,
    private readonly budget: number,
  ) {}
  remaining() {
    return this.budget - this.used;
  }
  async probabilities(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length > this.remaining()) throw new QueryBudgetExceeded();
    this.used += texts.length;
    return this.victim.probabilities(texts);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The search

export interface TextAttackContext {
  victim: TextVictim;
  rng: Rng;
  /** Needed for the gradient ranking. */
  wordGain?: WordGain;
  /** Synonyms of a word as written (case kept); needed for the synonym transformation. */
  synonyms?: (word: string) => readonly string[];
  /** Good words, best first; needed for the good-words and good-word-swap transformations. */
  goodWords?: readonly string[];
  /** Called between steps; returning true stops the attack where it is (status from the text so far). */
  cancelled?: () => boolean;
  /**
   * How the attacked system reads a word, when the attacker knows it (the adaptive attacker knows the normalizer):
   * candidate words that read the same are queried once, and those that read as the original word are not queried.
   */
  canonical?: (text: string) => string;
  /** Awaited between steps, so a worker can take in a cancel message. */
  yieldToEvents?: () => Promise<void>;
}

interface Candidate {
  edit: Omit<TextEdit, 'probability'>;
  distance: number;
}

/** Attacks one text whose true class is `trueClass`; the victim is queried at most `options.maxQueries` times. */
export async function attackText(
  text: string,
  trueClass: number,
  options: TextAttackOptions,
  context: TextAttackContext,
): Promise<TextAttackResult> {
  checkContext(options, context);
  const victim = new CountingVictim(context.victim, options.maxQueries);
  const tokens = tokenize(text).tokens;
  const wordCount = tokens.length;
  const edits: TextEdit[] = [];
  let editDistanceUsed = 0;

  const [originalRow] = await victim.probabilities([text]);
  let current = { text, probabilities: Array.from(originalRow) };
  const finish = (status: TextAttackStatus, stopReason: StopReason): TextAttackResult => ({
    status,
    stopReason,
    original: text,
    perturbed: current.text,
    trueClass,
    originalProbabilities: Array.from(originalRow),
    perturbedProbabilities: current.probabilities,
    queries: victim.used,
    wordCount,
    perturbedWords: edits.length,
    editDistance: editDistanceUsed,
    edits,
  });
  const flipped = () => argMax(current.probabilities) !== trueClass;
  if (flipped()) return finish('skipped', 'misclassified');

  const maxWords = wordBudget(options.maxWordShare, wordCount);
  const characterLevel = options.transformations.filter((id): id is PerturbationId => id in PERTURBATIONS);
  const useSynonyms = options.transformations.includes('synonym');
  const inserting = options.transformations.includes('good-words');
  const swapping = options.transformations.includes('good-word-swap');
  const goodWords = inserting || swapping ? (context.goodWords ?? []) : [];
  // Words already in the text are not "inserted" by the distinct-words variant (Lowd & Meek add new words).
  const textWords = new Set(tokens.map((t) => t.text));
  const freshGoodWords = () => {
    const used = new Set(edits.filter(isGoodWordEdit).map((e) => e.after.toLowerCase()));
    const fresh = options.repeatGoodWords ? goodWords : goodWords.filter((w) => !textWords.has(w) && !used.has(w));
    return fresh.slice(0, options.goodWordCandidates);
  };
  let insertionsHelp = inserting && goodWords.length > 0;

  try {
    const replacing = characterLevel.length > 0 || useSynonyms || swapping;
    const order = replacing ? await rankWords(text, tokens, trueClass, options, context, victim, originalRow) : [];
    let next = 0;
    while (edits.length < maxWords) {
      await context.yieldToEvents?.();
      if (context.cancelled?.()) break;
      const index: number | undefined = order[next];
      const candidates: Candidate[] = [];
      const fresh = goodWords.length > 0 ? freshGoodWords() : [];
      if (index !== undefined) {
        const swaps = swapping ? fresh : [];
        pushAll(candidates, wordCandidates(text, tokens[index], index, options, context, characterLevel, useSynonyms, swaps));
      }
      const insertions = insertionsHelp ? fresh : [];
      for (const word of insertions) {
        candidates.push({
          edit: { kind: 'insert', tokenIndex: -1, start: 0, end: 0, before: '', after: word, transformation: 'good-words' },
          distance: 0,
        });
      }
      const allowed = candidates.filter((c) => editDistanceUsed + c.distance <= options.maxEditDistance);
      if (allowed.length === 0) {
        if (index === undefined) return finish('failed', 'words-exhausted');
        next++;
        continue;
      }
      // Render each candidate on top of the edits kept so far. Texts the model would read the same way (the same
      // string, or for an attacker who knows the normalizer the same normalized string) are queried once, and
      // those it would read exactly as the current text are not queried at all.
      const texts = allowed.map((c) => textAfterEdits(text, [...edits, c.edit]));
      // Keys are per edit (where, and the word as the system reads it), so no long text is normalized per candidate.
      const readAs = context.canonical ?? ((w: string) => w);
      const keys = allowed.map((c) => `${c.edit.kind}:${c.edit.tokenIndex}:${readAs(c.edit.after)}`);
      const unchanged = allowed.map((c) => c.edit.kind === 'replace' && readAs(c.edit.after) === readAs(c.edit.before));
      const currentKey = '\u0000unchanged';
      keys.forEach((_, i) => {
        if (unchanged[i]) keys[i] = currentKey;
      });
      const asked = new Map<string, string>();
      keys.forEach((key, i) => {
        if (key !== currentKey && !asked.has(key)) asked.set(key, texts[i]);
      });
      if (victim.remaining() < asked.size) return finish('failed', 'query-budget');
      const rows = asked.size > 0 ? await victim.probabilities([...asked.values()]) : [];
      const rowOf = new Map([...asked.keys()].map((key, i) => [key, rows[i]]));
      const gainOf = (i: number) => (rowOf.has(keys[i]) ? otherClassMass(rowOf.get(keys[i])!, trueClass) : -Infinity);
      let best = 0;
      for (let i = 1; i < allowed.length; i++) if (gainOf(i) > gainOf(best)) best = i;
      const bestRow = rowOf.get(keys[best]);
      if (bestRow && gainOf(best) > otherClassMass(current.probabilities, trueClass)) {
        const chosen = allowed[best];
        edits.push({ ...chosen.edit, probability: bestRow[trueClass] });
        editDistanceUsed += chosen.distance;
        current = { text: texts[best], probabilities: Array.from(bestRow) };
        if (flipped()) return finish('succeeded', 'label-flipped');
      } else {
        // Nothing offered helps: neither will the insertions next time (they helped no more than this).
        if (index === undefined) return finish('failed', 'words-exhausted');
        if (insertions.length > 0) insertionsHelp = false;
      }
      // The ranked word has had its turn either way: when an insertion beat its candidates, trying them again
      // would spend queries on what just lost.
      next++;
    }
    return finish('failed', context.cancelled?.() ? 'cancelled' : 'word-budget');
  } catch (error) {
    if (error instanceof QueryBudgetExceeded) return finish('failed', 'query-budget');
    throw error;
  }
}

function checkContext(options: TextAttackOptions, context: TextAttackContext) {
  if (!(options.maxQueries >= 1)) throw new Error('The query budget must be at least 1: the first query scores the original text.');
  if (options.transformations.length === 0) throw new Error('Choose at least one transformation.');
  if (options.ranking === 'gradient' && !context.wordGain) {
    throw new Error('The gradient ranking needs white-box access to the model.');
  }
  if (options.transformations.includes('synonym') && !context.synonyms) {
    throw new Error('Synonym swaps need the synonym table of the model.');
  }
  if (options.transformations.includes('good-words') && !context.goodWords) {
    throw new Error('The good-words insertion needs the list of good words of the model.');
  }
  if (options.transformations.includes('good-word-swap') && !context.goodWords) {
    throw new Error('The good-word swap needs the list of good words of the model.');
  }
}

const isGoodWordEdit = (edit: TextEdit) => edit.transformation === 'good-words' || edit.transformation === 'good-word-swap';

/** Indices of the tokens the search may change, most important first. */
async function rankWords(
  text: string,
  tokens: Token[],
  trueClass: number,
  options: TextAttackOptions,
  context: TextAttackContext,
  victim: CountingVictim,
  original: ArrayLike<number>,
): Promise<number[]> {
  const eligible = tokens.map((_, i) => i).filter((i) => !(options.skipStopWords && isStopWord(tokens[i].text)));
  if (options.ranking === 'random') {
    const order = eligible.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = context.rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }
  const importance = new Float64Array(tokens.length);
  if (options.ranking === 'gradient') {
    const gains = await context.wordGain!(text, trueClass);
    for (const i of eligible) importance[i] = i < gains.length ? gains[i] : 0;
  } else {
    // One query per distinct word: delete its first occurrence; every occurrence shares the score.
    const firstOf = new Map<string, number>();
    for (const i of eligible) if (!firstOf.has(tokens[i].text)) firstOf.set(tokens[i].text, i);
    const words = [...firstOf.keys()].slice(0, Math.max(0, victim.remaining() - 1));
    const deleted = words.map((w) => {
      const t = tokens[firstOf.get(w)!];
      return text.slice(0, t.start) + text.slice(t.end);
    });
    const rows = deleted.length > 0 ? await victim.probabilities(deleted) : [];
    // In log space: how many times more likely the other classes become (see otherClassMass).
    const logOther = (row: ArrayLike<number>) => Math.log(Math.max(otherClassMass(row, trueClass), Number.MIN_VALUE));
    const scoreOf = new Map(words.map((w, k) => [w, logOther(rows[k]) - logOther(original)]));
    for (const i of eligible) importance[i] = scoreOf.get(tokens[i].text) ?? -Infinity;
  }
  // Most important first; ties by position, so the order is the same on every run.
  return eligible.slice().sort((a, b) => importance[b] - importance[a] || a - b);
}

function wordCandidates(
  text: string,
  token: Token,
  index: number,
  options: TextAttackOptions,
  context: TextAttackContext,
  characterLevel: readonly PerturbationId[],
  useSynonyms: boolean,
  goodSwaps: readonly string[],
): Candidate[] {
  const word = text.slice(token.start, token.end);
  const out: Candidate[] = [];
  const add = (after: string, transformation: TransformationId, distance: number) => {
    if (after === word || out.some((c) => c.edit.after === after)) return;
    out.push({
      edit: { kind: 'replace', tokenIndex: index, start: token.start, end: token.end, before: word, after, transformation },
      distance,
    });
  };
  for (const id of characterLevel) {
    for (let draw = 0; draw < options.candidatesPerWord; draw++) {
      const after = PERTURBATIONS[id].apply(word, context.rng);
      if (after !== undefined) add(after, id, editDistance(word, after));
    }
  }
  if (useSynonyms) for (const synonym of context.synonyms!(word)) add(synonym, 'synonym', 0);
  // A word substitution like a synonym: one perturbed word, no character edit distance.
  for (const good of goodSwaps) add(inCaseOf(word, good), 'good-word-swap', 0);
  return out;
}

/**
 * `replacement` written in the case of `word` ("FREE" -> "THANKS", "Free" -> "Thanks"), which the lower-casing
 * tokenizer reads as `replacement`; left as it is when its case does not round-trip ("ß" upper-cases to "SS").
 */
function inCaseOf(word: string, replacement: string): string {
  const cased =
    word.length >= 2 && word === word.toUpperCase() && word !== word.toLowerCase()
      ? replacement.toUpperCase()
      : word.charAt(0) !== word.charAt(0).toLowerCase()
        ? replacement.charAt(0).toUpperCase() + replacement.slice(1)
        : replacement;
  return cased.toLowerCase() === replacement ? cased : replacement;
}
