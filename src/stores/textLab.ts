import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { sessionPersist } from './sessionPersist';
import { DEFAULT_TEXT_ATTACK, recipeFromOptions, type TextRecipe } from '../core/text/recipe';
import type { DefenseSetting, TextBatchResult } from '../core/text/batch';
import type { GoodWordSource, SingleTextAttackResult } from '../workers/textApi';

/**
 * Everything the text lab's form sets, as one plain serialisable object (the recipe of the attack, the defense
 * setting, where the good words come from): what a link or a saved setup will hold.
 */
export interface TextLabForm {
  recipe: TextRecipe;
  setting: DefenseSetting;
  goodWordSource: GoodWordSource;
}

/** The lab opens on the searches that flip the most spam (see scripts/textAttacks.test.ts): the model's good words, swapped in or inserted. */
export const DEFAULT_TEXT_LAB_FORM: TextLabForm = {
  recipe: recipeFromOptions({
    ...DEFAULT_TEXT_ATTACK,
    transformations: ['swap', 'homoglyph', 'synonym', 'good-words', 'good-word-swap'],
    maxWordShare: 0.15,
    repeatGoodWords: true,
  }),
  setting: 'none',
  goodWordSource: 'model',
};

/** The text lab's state: plain data only (results come back from the text worker as plain objects). */
interface TextLabStore {
  text: string;
  form: TextLabForm;
  result?: SingleTextAttackResult;
  batch?: TextBatchResult & { millis: number };
  set(patch: Partial<Pick<TextLabStore, 'text' | 'result' | 'batch'>>): void;
  setForm(patch: Partial<TextLabForm>): void;
  setRecipe(patch: Partial<TextRecipe>): void;
}

export const useTextLab = create<TextLabStore>()(
  persist(
    (set) => ({
      text: '',
      form: DEFAULT_TEXT_LAB_FORM,
      set: (patch) => set(patch),
      setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
      setRecipe: (patch) => set((s) => ({ form: { ...s.form, recipe: { ...s.form.recipe, ...patch } } })),
    }),
    // A reload keeps the pasted email, the form and the results (version 2: the form became a recipe).
    sessionPersist('text-lab', ({ text, form, result, batch }: TextLabStore) => ({ text, form, result, batch }), 2),
  ),
);

export const selectText = (s: TextLabStore) => s.text;
export const selectForm = (s: TextLabStore) => s.form;
export const selectRecipe = (s: TextLabStore) => s.form.recipe;
export const selectResult = (s: TextLabStore) => s.result;
export const selectBatch = (s: TextLabStore) => s.batch;
