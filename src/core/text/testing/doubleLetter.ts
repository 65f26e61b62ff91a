/** A toy transformation for the catalog tests (not in the app): one letter of the word written twice ("offer" -> "offfer"). */
import type { TransformationImplementation } from '../transformation';

export const doubleLetter: TransformationImplementation = {
  candidates({ word, rng, params }) {
    const chars = Array.from(word);
    const letters = chars.flatMap((ch, i) => (/^\p{L}$/u.test(ch) ? [i] : []));
    if (letters.length === 0) return [];
    return Array.from({ length: Number(params.candidatesPerWord) }, () => {
      const i = letters[rng.int(letters.length)];
      return [...chars.slice(0, i + 1), chars[i], ...chars.slice(i + 1)].join('');
    });
  },
};
