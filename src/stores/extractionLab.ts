import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { sessionPersist } from './sessionPersist';
import { DEFAULT_EXTRACTION_SETUP, type ExtractionSetup } from '../core/extraction/catalog';
import type { ExtractionRound } from '../core/extraction/extract';
import type { DetectorVerdict, QueryLogEntry } from '../core/extraction/types';

export interface ExtractionRun {
  id: number;
  label: string;
  victimId: string;
  rounds: ExtractionRound[];
  queriesUsed?: number;
  stoppedBy?: string;
  logCount?: number;
  logTail?: QueryLogEntry[];
  verdict?: DetectorVerdict;
  error?: string;
}

/**
 * The extraction lab's setup (one plain object: what a link would hold) and its runs for this session, plain data,
 * so runs can be compared on one chart.
 */
interface ExtractionLabStore {
  setup: ExtractionSetup;
  /** Replaces the named parts of the setup. */
  setSetup(patch: Partial<ExtractionSetup>): void;
  runs: ExtractionRun[];
  start(run: ExtractionRun): void;
  update(id: number, patch: Partial<ExtractionRun>): void;
  addRound(id: number, round: ExtractionRound): void;
  clear(): void;
}

export const useExtractionLab = create<ExtractionLabStore>()(
  persist(
    (set) => ({
      setup: DEFAULT_EXTRACTION_SETUP,
      setSetup: (patch) => set((s) => ({ setup: { ...s.setup, ...patch } })),
      runs: [],
      start: (run) => set((s) => ({ runs: [...s.runs, run].slice(-8) })),
      update: (id, patch) => set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, ...patch } : r)) })),
      addRound: (id, round) => set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, rounds: [...r.rounds, round] } : r)) })),
      clear: () => set({ runs: [] }),
    }),
    // A reload keeps finished runs (a run still going when the page unloads cannot continue: it is left out).
    sessionPersist('extraction-lab', (s: ExtractionLabStore) => ({ runs: s.runs.filter((r) => r.stoppedBy || r.error) })),
  ),
);

export const selectRuns = (s: ExtractionLabStore) => s.runs;
export const selectSetup = (s: ExtractionLabStore) => s.setup;
export const selectSetSetup = (s: ExtractionLabStore) => s.setSetup;
