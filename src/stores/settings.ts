import { create } from 'zustand';
import { BACKEND_PREFERENCE } from '../core/backend/names';
import { defaultsOf, type ValuesOf } from '../core/spec/labSpec';
import { LAB_SPECS, LABS, type LabId } from '../core/spec/labs';
import type { AUDIT_FIELDS } from '../core/spec/auditSpec';
import type { IMAGE_FIELDS } from '../core/spec/imageSpec';
import { field, parseHash, type ValuesOf as HashValuesOf } from './hashState';

export { LABS, type LabId };

/** The app's own controls (not any lab's): which lab is open, the backend, the text size. */
export const appSchema = {
  lab: field.string<LabId>('image', LABS),
  backend: field.string<'auto' | (typeof BACKEND_PREFERENCE)[number]>('auto', ['auto', ...BACKEND_PREFERENCE]),
  /** Text size in percent of normal: the status bar's Presentation toggle sets 140 for a projector. */
  zoom: field.int(100, 50, 300),
};

/**
 * The labs' controls kept here (image, audit, and the model and seed the extraction and text labs share): one value
 * per key, each lab's spec (src/core/spec) saying which keys it uses, their defaults and bounds.
 */
export type Settings = HashValuesOf<typeof appSchema> & ValuesOf<typeof IMAGE_FIELDS> & ValuesOf<typeof AUDIT_FIELDS>;

interface SettingsStore extends Settings {
  /** Changes controls (a control the open lab's spec locks is put back by app/specSync.ts, whatever wrote it). */
  set(patch: Partial<Settings>): void;
}

const LAB_DEFAULTS = Object.assign({}, ...Object.values(LAB_SPECS).map((def) => defaultsOf(def.fields))) as Omit<Settings, keyof typeof appSchema>;
const initialApp = parseHash(typeof location === 'undefined' ? '' : location.hash, appSchema);

export const useSettings = create<SettingsStore>((set) => ({
  ...LAB_DEFAULTS,
  ...initialApp,
  set: (patch) => set(patch),
}));

export const selectLab = (s: SettingsStore) => s.lab;
export const selectModelId = (s: SettingsStore) => s.model;
export const selectBackendPreference = (s: SettingsStore) => s.backend;
export const selectDigit = (s: SettingsStore) => s.digit;
export const selectSeed = (s: SettingsStore) => s.seed;
export const selectSetSettings = (s: SettingsStore) => s.set;
export const selectImageView = (s: SettingsStore) => s.view;
export const selectAttackId = (s: SettingsStore) => s.attack;
export const selectAttackParams = (s: SettingsStore) => s.params;
export const selectSweepAttacks = (s: SettingsStore) => s.sweep;
export const selectSweepBudgets = (s: SettingsStore) => s.budgets;
export const selectSweepCount = (s: SettingsStore) => s.n;
export const selectSweepParams = (s: SettingsStore) => s.sp;
export const selectSuite = (s: SettingsStore) => s.suite;
export const selectAuditUrl = (s: SettingsStore) => s.url;
export const selectZoom = (s: SettingsStore) => s.zoom;
