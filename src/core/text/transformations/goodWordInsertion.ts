/**
 * Good-word insertion (Lowd & Meek, "Good Word Attacks on Statistical Spam Filters", CEAS 2005): put in front of the
 * text a word the filter associates with the other class, the first `goodWordCandidates` of the list at each step.
 */
import type { TransformationImplementation } from '../transformation';

export const goodWordInsertion: TransformationImplementation = {
  candidates: ({ params, resources }) => (resources.goodWords?.(params.repeatGoodWords === true) ?? []).slice(0, Number(params.goodWordCandidates)),
};
