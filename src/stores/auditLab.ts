import { create } from 'zustand';
import type { RobustnessReport } from '../core/audit/report';
import type { ModelSpec } from '../core/audit/spec';
import type { ModelChecks } from '../core/audit/userModel';
import type { DataSummary, LoadedModelInfo, SavedModelInfo } from '../workers/auditApi';

/** A report kept for the session: the one just run, or one imported from a file. */
export interface KeptReport {
  key: string;
  label: string;
  report: RobustnessReport;
}

/** The audit lab's state: plain data only; the model itself lives in the audit worker. */
interface AuditLabStore {
  model?: LoadedModelInfo;
  /** Counts loads, so that loading the same model again still starts fresh forms. */
  loads: number;
  spec?: ModelSpec;
  checks?: ModelChecks & { specProblems: string[] };
  saved: SavedModelInfo[];
  data?: DataSummary;
  reports: KeptReport[];
  /** The report on show, and the one it is compared with. */
  shown?: string;
  compareWith?: string;
  set(patch: Partial<Omit<AuditLabStore, 'set' | 'setSpec' | 'keepReport'>>): void;
  /** Editing the spec invalidates the checks and the data chosen for the old spec. */
  setSpec(spec: ModelSpec): void;
  keepReport(report: RobustnessReport, label: string): string;
}

let counter = 0;

export const useAuditLab = create<AuditLabStore>((set) => ({
  loads: 0,
  saved: [],
  reports: [],
  set: (patch) => set(patch),
  setSpec: (spec) => set({ spec, checks: undefined, data: undefined }),
  keepReport: (report, label) => {
    const key = `r${++counter}`;
    set((s) => ({ reports: [...s.reports, { key, label, report }], shown: key }));
    return key;
  },
}));

export const selectAuditModel = (s: AuditLabStore) => s.model;
export const selectLoads = (s: AuditLabStore) => s.loads;
export const selectAuditSpec = (s: AuditLabStore) => s.spec;
export const selectAuditChecks = (s: AuditLabStore) => s.checks;
export const selectSavedModels = (s: AuditLabStore) => s.saved;
export const selectAuditData = (s: AuditLabStore) => s.data;
export const selectReports = (s: AuditLabStore) => s.reports;
export const selectShownReport = (s: AuditLabStore) => s.reports.find((r) => r.key === s.shown);
export const selectComparedReport = (s: AuditLabStore) => s.reports.find((r) => r.key === s.compareWith);
export const selectAuditSet = (s: AuditLabStore) => s.set;
export const selectSetSpec = (s: AuditLabStore) => s.setSpec;
export const selectKeepReport = (s: AuditLabStore) => s.keepReport;
