/** Synonym swap: the ranked word's WordNet synonyms (the table shipped with the model, built for its vocabulary). */
import type { TransformationImplementation } from '../transformation';

export const synonymSwap: TransformationImplementation = {
  candidates: ({ word, resources }) => resources.synonyms?.(word) ?? [],
};
