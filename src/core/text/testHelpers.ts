/**
 * A toy spam filter for text-attack tests: the spam logit is the sum of per-word weights, so every effect of an
 * attack can be computed by hand.
 */
import { tokenize } from './tokenizer';

export const TOY_WEIGHTS: Readonly<Record<string, number>> = {
  viagra: 3,
  cheap: 2,
  free: 2,
  winner: 2,
  prize: 1,
  meeting: -4,
  thanks: -3,
  seminar: -2,
  regards: -1,
  // Stop words weigh most, so a ranking that did not skip them would pick them first.
  the: 5,
  and: 5,
};
/** Weight of every word not in the table (typos, homoglyphs, synonyms, fragments). */
export const UNKNOWN_WEIGHT = 0.5;

export const weightOf = (word: string) => (Object.hasOwn(TOY_WEIGHTS, word) ? TOY_WEIGHTS[word] : UNKNOWN_WEIGHT);
export const spamScore = (text: string) => tokenize(text).tokens.reduce((s, t) => s + weightOf(t.text), 0);

/** softmax([0, s]) in float32: [ham, spam]. */
export const toyRow = (text: string) => {
  const s = spamScore(text);
  return Float32Array.of(1 / (1 + Math.exp(s)), 1 / (1 + Math.exp(-s)));
};

/** Exactly the fall of the true class's margin when each token becomes unknown: the toy is linear (a WordGain). */
export const toyWordGain = async (text: string, trueClass: number): Promise<Float32Array> =>
  Float32Array.from(tokenize(text).tokens, (t) => (trueClass === 1 ? 1 : -1) * (weightOf(t.text) - UNKNOWN_WEIGHT));
