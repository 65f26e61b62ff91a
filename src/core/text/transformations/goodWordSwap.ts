/**
 * Good-word swap: the ranked word replaced by a good word (Lowd & Meek 2005), written in the word's case. One changed
 * word that takes evidence for the true class out and puts evidence for the other in.
 */
import type { TransformationImplementation } from '../transformation';

export const goodWordSwap: TransformationImplementation = {
  candidates: ({ word, params, resources }) =>
    (resources.goodWords?.(params.repeatGoodWords === true) ?? []).slice(0, Number(params.goodWordCandidates)).map((good) => inCaseOf(word, good)),
};

/**
 * `replacement` written in the case of `word` ("FREE" -> "THANKS", "Free" -> "Thanks"), which the lower-casing
 * tokenizer reads as `replacement`; left as it is when its case does not round-trip ("ß" upper-cases to "SS").
 */
export function inCaseOf(word: string, replacement: string): string {
  const cased =
    word.length >= 2 && word === word.toUpperCase() && word !== word.toLowerCase()
      ? replacement.toUpperCase()
      : word.charAt(0) !== word.charAt(0).toLowerCase()
        ? replacement.charAt(0).toUpperCase() + replacement.slice(1)
        : replacement;
  return cased.toLowerCase() === replacement ? cased : replacement;
}
