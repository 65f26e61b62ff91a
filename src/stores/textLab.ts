import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { sessionPersist } from './sessionPersist';
import { DEFAULT_TEXT_LAB_SETUP, type TextLabSetup } from '../core/spec/textSpec';
import type { TextRecipe } from '../core/text/recipe';
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

/** The lab opens on the searches that flip the most spam (its spec's defaults, src/core/spec/textSpec.ts). */
export const DEFAULT_TEXT_LAB_FORM: TextLabForm = {
  recipe: DEFAULT_TEXT_LAB_SETUP.recipe,
  setting: DEFAULT_TEXT_LAB_SETUP.setting,
  goodWordSource: DEFAULT_TEXT_LAB_SETUP.goodWordSource,
};

/** The text lab's state: plain data only (results come back from the text worker as plain objects). */
interface TextLabStore {
  text: string;
  /** One message, or a batch over the test spam. */
  view: TextLabSetup['view'];
  form: TextLabForm;
  result?: SingleTextAttackResult;
  batch?: TextBatchResult & { millis: number };
  set(patch: Partial<Pick<TextLabStore, 'text' | 'view' | 'result' | 'batch'>>): void;
  setForm(patch: Partial<TextLabForm>): void;
  setRecipe(patch: Partial<TextRecipe>): void;
}

export const useTextLab = create<TextLabStore>()(
  persist(
    (set) => ({
      text: '',
      view: DEFAULT_TEXT_LAB_SETUP.view,
      form: DEFAULT_TEXT_LAB_FORM,
      set: (patch) => set(patch),
      setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
      setRecipe: (patch) => set((s) => ({ form: { ...s.form, recipe: { ...s.form.recipe, ...patch } } })),
    }),
    // A reload keeps the pasted email, the form and the results (version 2: the form became a recipe).
    sessionPersist('text-lab', ({ text, view, form, result, batch }: TextLabStore) => ({ text, view, form, result, batch }), 2),
  ),
);

export const selectText = (s: TextLabStore) => s.text;
export const selectForm = (s: TextLabStore) => s.form;
export const selectRecipe = (s: TextLabStore) => s.form.recipe;
export const selectResult = (s: TextLabStore) => s.result;
export const selectBatch = (s: TextLabStore) => s.batch;

export const selectTextView = (s: TextLabStore) => s.view;
