import { useCallback, useState } from 'react';
import type { Progress } from '../rpc/protocol';
import type { CallOptions } from '../rpc/workerBridge';
import { selectJobOfKind, selectOutcomeOfKind, useJobs } from '../stores/jobs';
import type { LabId } from '../stores/settings';
import { cancelJob, isAbortError, startJob } from './jobs';

/** How a run ended, for the panel that started it: never a rejection, so no panel forgets to catch one. */
export type JobEnd<T> = { ok: true; result: T; cancelled: boolean } | { ok: false; cancelled: boolean; error: string };

export interface JobRunOptions<P extends Progress> {
  /** Every progress report, extras included (a frame, a round); the bar itself reads the throttled store. */
  onProgress?: (progress: P) => void;
}

/**
 * One panel's long job of one kind, through the jobs store: start it, read its progress (also after the user left and
 * came back), cancel it, and read how the last run ended (result, error, cancelled, seconds). The job is listed in the
 * status bar's tray with its cancel while it is queued or running.
 */
export function useJob<T, P extends Progress = Progress>(kind: string) {
  const view = useJobs(selectJobOfKind(kind));
  const outcome = useJobs(selectOutcomeOfKind(kind));
  const [result, setResult] = useState<T>();

  const start = useCallback(
    (meta: { lab: LabId; title: string }, run: (options: CallOptions<P>) => Promise<T>, options: JobRunOptions<P> = {}): Promise<JobEnd<T>> => {
      const { done } = startJob<T, P>({ kind, ...meta }, run, options.onProgress);
      // startJob records the outcome first (its handlers were attached before these), so it is there to read.
      const stopped = () => useJobs.getState().outcomes[kind]?.state === 'cancelled';
      return done.then(
        (value): JobEnd<T> => (setResult(value), { ok: true, result: value, cancelled: stopped() }),
        (error: unknown): JobEnd<T> => ({ ok: false, cancelled: isAbortError(error), error: error instanceof Error ? error.message : String(error) }),
      );
    },
    [kind],
  );

  const cancel = useCallback(() => {
    const job = selectJobOfKind(kind)(useJobs.getState());
    if (job) cancelJob(job.id);
  }, [kind]);

  return {
    /** The job while it is queued or running, as the tray shows it. */
    view,
    running: view !== undefined,
    fraction: view?.fraction ?? 0,
    message: view?.message,
    /** The last run's failure in words (not set when it was cancelled or succeeded). */
    error: outcome?.state === 'failed' ? outcome.error : undefined,
    cancelled: outcome?.state === 'cancelled',
    /** Seconds the last run took. */
    elapsed: outcome?.seconds,
    /** The last run's result, while this panel stays mounted. */
    result,
    start,
    cancel,
  };
}
