import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { sessionPersist } from './sessionPersist';
import type { SweepResult } from '../core/metrics/sweep';
import type { SingleAttackResult } from '../workers/modelApi';

/** The image lab's results for this session (plain data): they survive switching labs and a reload of the tab. */
interface ImageLabStore {
  /**
   * The last single-example attack, with the input it was run on and `setup`, a key of everything else that made it
   * (model, attack, parameters, label, target): the page marks the outcome stale when the input or setup changes.
   */
  single?: SingleAttackResult & { attackId: string; input: Float32Array; setup: string; labelSource: 'test' | 'user' | 'model' };
  sweeps: SweepResult[];
  setSingle(single: ImageLabStore['single']): void;
  addSweep(result: SweepResult): void;
  clearSweeps(): void;
  /** Forgets every result of the lab (its settings live in the URL and stay). */
  reset(): void;
}

export const useImageLab = create<ImageLabStore>()(
  persist(
    (set) => ({
      single: undefined,
      sweeps: [],
      setSingle: (single) => set({ single }),
      addSweep: (result) => set((s) => ({ sweeps: [result, ...s.sweeps].slice(0, 10) })),
      clearSweeps: () => set({ sweeps: [] }),
      reset: () => set({ single: undefined, sweeps: [] }),
    }),
    // A reload keeps the last outcome and the three newest sweeps (their galleries hold images).
    // (not their adversarial sets, tens of MB: those are for download now or never).
    sessionPersist('image-lab', (s: ImageLabStore) => ({
      single: s.single,
      sweeps: s.sweeps.slice(0, 3).map((sweep) => ({ ...sweep, adversarial: undefined, adversarialLabels: undefined })),
    })),
  ),
);

export const selectImageLabSingle = (s: ImageLabStore) => s.single;
export const selectSetSingle = (s: ImageLabStore) => s.setSingle;
export const selectSweeps = (s: ImageLabStore) => s.sweeps;
export const selectAddSweep = (s: ImageLabStore) => s.addSweep;
export const selectClearSweeps = (s: ImageLabStore) => s.clearSweeps;
