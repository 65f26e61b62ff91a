/**
 * Word rankings, the greedy search's order (TextAttack's "greedy-WIR", word importance ranking): which word the
 * search tries to change next. Each is one implementation the catalog's search entries point at.
 */
import type { Rng } from '../data/rng';
import type { Token } from './tokenizer';

/** White-box access: per token, how much the true class's margin falls when that token becomes unknown. */
export type WordGain = (text: string, trueClass: number) => Promise<Float32Array>;

export interface RankingInput {
  text: string;
  tokens: readonly Token[];
  /** Indices of the tokens the search may change (stop words left out when the constraint says so). */
  eligible: readonly number[];
  trueClass: number;
  rng: Rng;
  wordGain?: WordGain;
  /** Scores texts against the query budget; `remaining()` queries are left. */
  victim: { remaining(): number; probabilities(texts: readonly string[]): Promise<Float32Array[]> };
  /** The model's row for the original text. */
  original: ArrayLike<number>;
  /** The goal's score of a row: higher is closer to the goal. */
  score(row: ArrayLike<number>): number;
}

/** Indices of eligible tokens, most important first. */
export type Ranking = (input: RankingInput) => Promise<number[]>;

/** Most important first; ties by position, so the order is the same on every run. */
const byImportance = (eligible: readonly number[], importance: Float64Array) => eligible.slice().sort((a, b) => importance[b] - importance[a] || a - b);

/** DeepWordBug's "replace-1" score (Gao et al. 2018): delete each distinct word once; one query per distinct word. */
export const deletionRanking: Ranking = async ({ text, tokens, eligible, victim, original, score }) => {
  const importance = new Float64Array(tokens.length);
  // One query per distinct word: delete its first occurrence; every occurrence shares the score.
  const firstOf = new Map<string, number>();
  for (const i of eligible) if (!firstOf.has(tokens[i].text)) firstOf.set(tokens[i].text, i);
  const words = [...firstOf.keys()].slice(0, Math.max(0, victim.remaining() - 1));
  const deleted = words.map((w) => {
    const t = tokens[firstOf.get(w)!];
    return text.slice(0, t.start) + text.slice(t.end);
  });
  const rows = deleted.length > 0 ? await victim.probabilities(deleted) : [];
  // In log space: how many times more likely the goal's classes become (see otherClassMass).
  const logScore = (row: ArrayLike<number>) => Math.log(Math.max(score(row), Number.MIN_VALUE));
  const scoreOf = new Map(words.map((w, k) => [w, logScore(rows[k]) - logScore(original)]));
  for (const i of eligible) importance[i] = scoreOf.get(tokens[i].text) ?? -Infinity;
  return byImportance(eligible, importance);
};

/** HotFlip's first-order estimate (Ebrahimi et al. 2018) from the gradient w.r.t. the embedded words: no query. */
export const gradientRanking: Ranking = async ({ text, tokens, eligible, trueClass, wordGain }) => {
  const importance = new Float64Array(tokens.length);
  const gains = await wordGain!(text, trueClass);
  for (const i of eligible) importance[i] = i < gains.length ? gains[i] : 0;
  return byImportance(eligible, importance);
};

/** A seeded Fisher-Yates shuffle of the eligible words: the baseline. */
export const randomRanking: Ranking = async ({ eligible, rng }) => {
  const order = eligible.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
};
