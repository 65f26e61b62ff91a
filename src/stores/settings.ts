import { create } from 'zustand';
import { BACKEND_PREFERENCE } from '../core/backend/names';
import { field, formatHash, parseHash, type ValuesOf } from './hashState';

export const LABS = ['image', 'text', 'extraction', 'audit'] as const;
export type LabId = (typeof LABS)[number];

/** Everything a shared link reproduces. */
export const settingsSchema = {
  lab: field.string<LabId>('image', LABS),
  model: field.string<string>('mnist-cnn'),
  backend: field.string<'auto' | (typeof BACKEND_PREFERENCE)[number]>('auto', ['auto', ...BACKEND_PREFERENCE]),
  seed: field.int(42, 0, 2 ** 31 - 1),
  digit: field.int(0, 0, 1999),
  /** Image lab: one example, or accuracy against budget over the test set. */
  view: field.string<'single' | 'sweep'>('single', ['single', 'sweep']),
  /** Image lab: the attack, and its parameters that differ from the defaults ("eps:0.1,max_iter:40"). */
  attack: field.string<string>('fgsm'),
  params: field.string<string>(''),
  /** Image lab sweep: attacks (comma list), budgets (comma list), number of test digits. */
  sweep: field.string<string>('fgsm,pgd'),
  budgets: field.string<string>('0,0.05,0.1,0.15,0.2,0.25,0.3'),
  /** 100 digits by default: FGSM + PGD-100 over the default budgets takes about a minute on two cores. */
  n: field.int(100, 1, 2000),
  /** Audit lab: the suite of the robustness report. */
  suite: field.string<'quick' | 'standard'>('quick', ['quick', 'standard']),
  /** Text size in percent of normal: the status bar's Presentation toggle sets 140 for a projector. */
  zoom: field.int(100, 50, 300),
};

export type Settings = ValuesOf<typeof settingsSchema>;

interface SettingsStore extends Settings {
  set(patch: Partial<Settings>): void;
}

const initial = parseHash(typeof location === 'undefined' ? '' : location.hash, settingsSchema);

export const useSettings = create<SettingsStore>((set) => ({
  ...initial,
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
export const selectSuite = (s: SettingsStore) => s.suite;
export const selectZoom = (s: SettingsStore) => s.zoom;

function currentSettings(): Settings {
  const state = useSettings.getState();
  return Object.fromEntries(Object.keys(settingsSchema).map((k) => [k, state[k as keyof Settings]])) as Settings;
}

/** Keeps the hash and the store in step, both ways. Call once at start-up. */
export function syncSettingsWithHash(): () => void {
  let lab = useSettings.getState().lab;
  const write = () => {
    const hash = formatHash(currentSettings(), settingsSchema);
    if (hash === location.hash) return;
    // A lab switch is a new history entry, so Back returns to the previous lab; other edits replace the entry.
    const now = useSettings.getState().lab;
    if (now !== lab) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
    lab = now;
  };
  write();
  const unsubscribe = useSettings.subscribe(write);
  const onHashChange = () => {
    const parsed = parseHash(location.hash, settingsSchema);
    lab = parsed.lab;
    useSettings.getState().set(parsed);
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
  };
}
