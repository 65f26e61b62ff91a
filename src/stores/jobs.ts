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
}

interface JobsStore {
  jobs: JobView[];
  add(job: JobView): void;
  update(id: number, patch: Partial<JobView>): void;
  remove(id: number): void;
}

export const useJobs = create<JobsStore>((set) => ({
  jobs: [],
  add: (job) => set((s) => ({ jobs: [...s.jobs, job] })),
  update: (id, patch) => set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, ...patch } : j)) })),
  remove: (id) => set((s) => ({ jobs: s.jobs.filter((j) => j.id !== id) })),
}));

export const selectJobs = (s: JobsStore) => s.jobs;
/** The newest job of a kind, if one is queued or running. */
export const selectJobOfKind = (kind: string) => (s: JobsStore) => {
  for (let i = s.jobs.length - 1; i >= 0; i--) if (s.jobs[i].kind === kind) return s.jobs[i];
  return undefined;
};
