import { create } from 'zustand';
import type { SpecValue } from '../core/spec/labSpec';
import type { LabId } from '../core/spec/labs';

/** What a lab's spec says about its controls, beyond their values: which are locked or hidden, and what was refused. */
export interface LabControls {
  locks: Record<string, SpecValue>;
  hidden: string[];
  /** Plain messages about the last spec read for this lab (a link or a setup file): what was refused and why. */
  problems: string[];
}

const NONE: LabControls = { locks: {}, hidden: [], problems: [] };

interface LabControlsStore {
  byLab: Partial<Record<LabId, LabControls>>;
  setControls(lab: LabId, controls: LabControls): void;
  dismissProblems(lab: LabId): void;
}

export const useLabControls = create<LabControlsStore>((set) => ({
  byLab: {},
  setControls: (lab, controls) => set((s) => ({ byLab: { ...s.byLab, [lab]: controls } })),
  dismissProblems: (lab) => set((s) => ({ byLab: { ...s.byLab, [lab]: { ...(s.byLab[lab] ?? NONE), problems: [] } } })),
}));

export const selectControlsOf =
  (lab: LabId) =>
  (s: LabControlsStore): LabControls =>
    s.byLab[lab] ?? NONE;
export const selectDismissProblems = (s: LabControlsStore) => s.dismissProblems;

/** A lab's locked values, sent with each run so that the worker can refuse one that breaks them. */
export const lockedValues = (lab: LabId): Record<string, SpecValue> => useLabControls.getState().byLab[lab]?.locks ?? {};
