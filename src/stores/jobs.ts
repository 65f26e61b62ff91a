import { create } from 'zustand';
import type { LabId } from './settings';

/** A long job as the page shows it (plain data; its cancel lives in the bridge, keyed by id). */
export interface JobView {
  id: number;
  /** Which panel started it, so the panel finds its job again after the user comes back ("image-sweep"). */
  kind: string;
  lab: LabId;
  title: string;
  state: 'queued' | 'running' | 'cancelling';
  fraction: number;
  message?: string;
  /** When it left the queue (performance.now()), for the time it has taken. */
  startedAt?: number;
}

/** How the last job of a kind ended, kept after it leaves the tray so its panel can say so when the user comes back. */
export interface JobOutcome {
  state: 'done' | 'failed' | 'cancelled';
  /** For a failure: what went wrong, in words. */
  error?: string;
  /** Seconds from leaving the queue to the end. */
  seconds: number;
}

/** Something the user must hear about that no panel owns, such as a worker that crashed. */
export interface JobNotice {
  id: number;
  text: string;
}

interface JobsStore {
  jobs: JobView[];
  outcomes: Record<string, JobOutcome>;
  notices: JobNotice[];
  add(job: JobView): void;
  update(id: number, patch: Partial<JobView>): void;
  /** Takes a job out of the tray, recording how it ended. */
  finish(id: number, outcome: JobOutcome): void;
  notify(text: string): void;
  dismiss(noticeId: number): void;
}

let nextNotice = 1;

export const useJobs = create<JobsStore>((set) => ({
  jobs: [],
  outcomes: {},
  notices: [],
  add: (job) => set((s) => ({ jobs: [...s.jobs, job], outcomes: withoutKey(s.outcomes, job.kind) })),
  update: (id, patch) => set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, ...patch } : j)) })),
  finish: (id, outcome) =>
    set((s) => {
      const job = s.jobs.find((j) => j.id === id);
      if (!job) return s;
      return { jobs: s.jobs.filter((j) => j.id !== id), outcomes: { ...s.outcomes, [job.kind]: outcome } };
    }),
  notify: (text) => set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), { id: nextNotice++, text }] })),
  dismiss: (noticeId) => set((s) => ({ notices: s.notices.filter((n) => n.id !== noticeId) })),
}));

function withoutKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  if (!(key in record)) return record;
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

export const selectJobs = (s: JobsStore) => s.jobs;
export const selectNotices = (s: JobsStore) => s.notices;
/** The newest job of a kind, if one is queued or running. */
export const selectJobOfKind = (kind: string) => (s: JobsStore) => {
  for (let i = s.jobs.length - 1; i >= 0; i--) if (s.jobs[i].kind === kind) return s.jobs[i];
  return undefined;
};
export const selectOutcomeOfKind = (kind: string) => (s: JobsStore) => s.outcomes[kind];
