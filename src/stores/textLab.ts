import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { sessionPersist } from './sessionPersist';
import { DEFAULT_TEXT_ATTACK, type TextAttackOptions } from '../core/text/attack';
import type { DefenseSetting, TextBatchResult } from '../core/text/batch';
import type { GoodWordSource, SingleTextAttackResult } from '../workers/textApi';

/** The text lab's state: plain data only (results come back from the text worker as plain objects). */
interface TextLabStore {
  text: string;
  options: TextAttackOptions;
  setting: DefenseSetting;
  goodWordSource: GoodWordSource;
  result?: SingleTextAttackResult;
  batch?: TextBatchResult & { millis: number };
  set(patch: Partial<Omit<TextLabStore, 'set' | 'setOptions'>>): void;
  setOptions(patch: Partial<TextAttackOptions>): void;
}

/** The lab opens on the searches that flip the most spam (see scripts/textAttacks.test.ts): the model's good words, swapped in or inserted. */
export const useTextLab = create<TextLabStore>()(
  persist(
    (set) => ({
      text: '',
      options: { ...DEFAULT_TEXT_ATTACK, transformations: ['good-word-swap', 'good-words', 'synonym', 'swap', 'homoglyph'], maxWordShare: 0.15, repeatGoodWords: true },
      setting: 'none',
      goodWordSource: 'model',
      set: (patch) => set(patch),
      setOptions: (patch) => set((s) => ({ options: { ...s.options, ...patch } })),
    }),
    // A reload keeps the pasted email, the options and the results.
    sessionPersist('text-lab', ({ text, options, setting, goodWordSource, result, batch }: TextLabStore) => ({ text, options, setting, goodWordSource, result, batch })),
  ),
);

export const selectText = (s: TextLabStore) => s.text;
export const selectOptions = (s: TextLabStore) => s.options;
export const selectResult = (s: TextLabStore) => s.result;
export const selectBatch = (s: TextLabStore) => s.batch;
