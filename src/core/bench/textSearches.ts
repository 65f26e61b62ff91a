/**
 * The text-attack searches `npm run bench` times, in Node and in the browser's text worker: messages attacked per
 * second and queries per message, each over the first N spam messages of the test split (no defense). No tfjs here.
 */
import { transformationsOf } from '../text/catalog';
import { DEFAULT_TEXT_ATTACK, type TextAttackOptions } from '../text/recipe';
import type { BatchAttack } from '../text/batch';

export type TextSearchId = 'goodWordsWhiteBox' | 'goodWordSwap' | 'characterDeletion' | 'unicodeGradient' | 'wordGradient';

export const TEXT_SEARCHES: Readonly<Record<TextSearchId, { label: string; options: Partial<TextAttackOptions> }>> = {
  goodWordsWhiteBox: {
    label: 'good words from the model, inserted',
    options: { transformations: ['good-words'], repeatGoodWords: true, ranking: 'gradient' },
  },
  goodWordSwap: {
    label: 'good words from the model, swapped in (the best search)',
    options: { transformations: ['good-word-swap'], repeatGoodWords: true, ranking: 'gradient', goodWordCandidates: 1 },
  },
  characterDeletion: {
    label: 'character edits, deletion ranking (black-box)',
    options: { transformations: transformationsOf('character'), ranking: 'deletion' },
  },
  unicodeGradient: { label: 'Unicode edits, gradient ranking', options: { transformations: transformationsOf('unicode'), ranking: 'gradient' } },
  // Pinned rather than the whole word family, so the figure stays comparable as word transformations are added.
  wordGradient: { label: 'synonyms + good words, gradient ranking', options: { transformations: ['synonym', 'good-words'], ranking: 'gradient' } },
};

export const TEXT_SEARCH_IDS = Object.keys(TEXT_SEARCHES) as TextSearchId[];

/** The batch attack for one search: 15% of the words and 100 queries per message at most. */
export function textSearchAttack(id: TextSearchId): BatchAttack {
  return { id, label: TEXT_SEARCHES[id].label, options: { ...DEFAULT_TEXT_ATTACK, maxWordShare: 0.15, maxQueries: 100, ...TEXT_SEARCHES[id].options } };
}
