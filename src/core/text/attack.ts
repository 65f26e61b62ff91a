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
import { isStopped, type RunControl } from '../run/control';
import { RESOURCE_NEEDS, type TransformationEntry, type TransformationResources } from './transformation';
import type { TransformationId } from './catalog';
import type { WordGain } from './rankings';
import { resolveRecipe, toRecipe, type ResolvedTransformation, type TextAttackOptions, type TextRecipe } from './recipe';
import { normalizeText } from './normalize';
import { editDistance } from './perturbations';
import { isStopWord } from './stopwords';
import { tokenize, type Token } from './tokenizer';

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

// ---------------------------------------------------------------------------------------------------------------
// Results

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
  /**
   * How the attacked system reads a word, when the attacker knows it (the adaptive attacker knows the normalizer):
   * candidate words that read the same are queried once, and those that read as the original word are not queried.
   */
  canonical?: (text: string) => string;
  /**
   * Stop, step and progress. The step is awaited and the signal checked before each step; a stopped attack returns
   * the text so far with stopReason 'cancelled'. Progress, at each step: the larger share of the word or query budget
   * spent. An error thrown by a callback ends the attack with that error.
   */
  control?: RunControl;
  /** The transformations the recipe's ids are looked up in (the built-in catalog unless a test adds its own). */
  catalog?: readonly TransformationEntry[];
}

interface Candidate {
  edit: Omit<TextEdit, 'probability'>;
  distance: number;
}

/** Characters an edit may bring in under the 'visible-ascii' constraint: '!' to '~'. */
const VISIBLE_ASCII = /^[\x21-\x7e]$/;

/** Whether `after` brings in only allowed characters (those already in `before` are not brought in). */
export function introducesOnlyAllowed(before: string, after: string, allowed: TextRecipe['constraints']['allowedCharacters']): boolean {
  if (allowed === 'any') return true;
  const had = new Set(Array.from(before));
  return Array.from(after).every((ch) => had.has(ch) || VISIBLE_ASCII.test(ch));
}

/**
 * Attacks one text whose true class is `trueClass` with a recipe (or the older flat options); the victim is
 * queried at most `constraints.maxQueries` times.
 */
export async function attackText(
  text: string,
  trueClass: number,
  recipeOrOptions: TextRecipe | TextAttackOptions,
  context: TextAttackContext,
): Promise<TextAttackResult> {
  const { transformations, constraints, goal, search } = resolveRecipe(toRecipe(recipeOrOptions, context.catalog), context.catalog);
  checkContext(transformations, search, context);
  const { control } = context;
  const victim = new CountingVictim(context.victim, constraints.maxQueries);
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
  const reached = () => goal.reached(current.probabilities, trueClass);
  const score = (row: ArrayLike<number>) => goal.score(row, trueClass);
  if (reached()) return finish('skipped', 'misclassified');

  const maxWords = wordBudget(constraints.maxWordShare, wordCount);
  const replacing = transformations.filter((t) => t.entry.position === 'replace');
  const inserting = transformations.filter((t) => t.entry.position === 'insert');
  const goodWords = transformations.some((t) => t.entry.needs.includes('goodWords')) ? (context.goodWords ?? []) : [];
  const usesGoodWords = new Set(transformations.filter((t) => t.entry.needs.includes('goodWords')).map((t) => t.entry.id));
  // Words already in the text are not "inserted" by the distinct-words variant (Lowd & Meek add new words).
  const textWords = new Set(tokens.map((t) => t.text));
  const resources: TransformationResources = {
    synonyms: context.synonyms,
    goodWords: (mayRepeat) => {
      if (mayRepeat) return goodWords;
      const used = new Set(edits.filter((e) => usesGoodWords.has(e.transformation)).map((e) => e.after.toLowerCase()));
      return goodWords.filter((w) => !textWords.has(w) && !used.has(w));
    },
  };
  const costOf = (entry: TransformationEntry, before: string, after: string) => (entry.editCost === 'levenshtein' ? editDistance(before, after) : 0);
  let insertionsHelp = inserting.length > 0;

  try {
    const eligible = tokens.map((_, i) => i).filter((i) => !(constraints.skipStopWords && isStopWord(tokens[i].text)));
    const order =
      replacing.length > 0
        ? await search.rank({ text, tokens, eligible, trueClass, rng: context.rng, wordGain: context.wordGain, victim, original: originalRow, score })
        : [];
    let next = 0;
    while (edits.length < maxWords) {
      await control?.onStep?.();
      if (isStopped(control)) break;
      control?.onProgress?.(Math.max(edits.length / maxWords, victim.used / constraints.maxQueries), `${edits.length} words changed, ${victim.used} queries`);
      const index: number | undefined = order[next];
      const candidates: Candidate[] = [];
      if (index !== undefined) {
        candidates.push(...replacementCandidates(text, tokens[index], index, replacing, context.rng, resources, constraints.allowedCharacters, costOf));
      }
      const insertions: Candidate[] = [];
      for (const { entry, params } of insertionsHelp ? inserting : []) {
        for (const word of entry.implementation.candidates({ word: '', rng: context.rng, params, resources })) {
          if (!introducesOnlyAllowed('', word, constraints.allowedCharacters)) continue;
          insertions.push({
            edit: { kind: 'insert', tokenIndex: -1, start: 0, end: 0, before: '', after: word, transformation: entry.id },
            distance: costOf(entry, '', word),
          });
        }
      }
      candidates.push(...insertions);
      const allowed = candidates.filter((c) => editDistanceUsed + c.distance <= constraints.maxEditDistance);
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
      const gainOf = (i: number) => (rowOf.has(keys[i]) ? score(rowOf.get(keys[i])!) : -Infinity);
      let best = 0;
      for (let i = 1; i < allowed.length; i++) if (gainOf(i) > gainOf(best)) best = i;
      const bestRow = rowOf.get(keys[best]);
      if (bestRow && gainOf(best) > score(current.probabilities)) {
        const chosen = allowed[best];
        edits.push({ ...chosen.edit, probability: bestRow[trueClass] });
        editDistanceUsed += chosen.distance;
        current = { text: texts[best], probabilities: Array.from(bestRow) };
        if (reached()) return finish('succeeded', 'label-flipped');
      } else {
        // Nothing offered helps: neither will the insertions next time (they helped no more than this).
        if (index === undefined) return finish('failed', 'words-exhausted');
        if (insertions.length > 0) insertionsHelp = false;
      }
      // The ranked word has had its turn either way: when an insertion beat its candidates, trying them again
      // would spend queries on what just lost.
      next++;
    }
    return finish('failed', isStopped(control) ? 'cancelled' : 'word-budget');
  } catch (error) {
    if (error instanceof QueryBudgetExceeded) return finish('failed', 'query-budget');
    throw error;
  }
}

/** Refuses to start without what a chosen transformation or the search needs, naming it. */
function checkContext(transformations: readonly ResolvedTransformation[], search: { id: string; needs: readonly 'wordGain'[] }, context: TextAttackContext) {
  if (search.needs.includes('wordGain') && !context.wordGain) throw new Error(`The ${search.id} ranking needs ${RESOURCE_NEEDS.wordGain}.`);
  for (const { entry } of transformations) {
    for (const need of entry.needs) if (!context[need]) throw new Error(`${entry.name} needs ${RESOURCE_NEEDS[need]}.`);
  }
}

/** The words that may stand in for the ranked word, from every replacing transformation in catalog order, deduplicated. */
function replacementCandidates(
  text: string,
  token: Token,
  index: number,
  transformations: readonly ResolvedTransformation[],
  rng: Rng,
  resources: TransformationResources,
  allowedCharacters: TextRecipe['constraints']['allowedCharacters'],
  costOf: (entry: TransformationEntry, before: string, after: string) => number,
): Candidate[] {
  const word = text.slice(token.start, token.end);
  const out: Candidate[] = [];
  for (const { entry, params } of transformations) {
    for (const after of entry.implementation.candidates({ word, rng, params, resources })) {
      if (after === word || out.some((c) => c.edit.after === after) || !introducesOnlyAllowed(word, after, allowedCharacters)) continue;
      out.push({
        edit: { kind: 'replace', tokenIndex: index, start: token.start, end: token.end, before: word, after, transformation: entry.id },
        distance: costOf(entry, word, after),
      });
    }
  }
  return out;
}
