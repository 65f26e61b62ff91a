import { useJobs, type JobView } from '../stores/jobs';
import type { Progress } from '../rpc/protocol';
import type { CallOptions } from '../rpc/workerBridge';

const controllers = new Map<number, AbortController>();
let nextId = 1;

/** The tray and the panels redraw on a job's progress at most this often: a finer bar costs the main thread for nothing. */
export const PROGRESS_STORE_INTERVAL_MS = 100;

export const isAbortError = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/**
 * Starts a long job that stays visible and cancellable wherever the user goes: it is listed in the jobs store (the
 * status bar's tray shows it, queued or running, with its progress and a cancel), and its panel can find it again by
 * `kind`. `run` gets the call options to pass to the bridge; every progress report also goes to `onProgress` (for
 * what it carries besides the fraction: an animation frame, a finished round), while the store hears at most ten a
 * second. The promise settles as the call does; the store keeps how it ended (see JobOutcome).
 */
export function startJob<T, P extends Progress = Progress>(
  meta: Pick<JobView, 'kind' | 'lab' | 'title'>,
  run: (options: CallOptions<P>) => Promise<T>,
  onProgress?: (progress: P) => void,
): { id: number; done: Promise<T> } {
  const id = nextId++;
  const controller = new AbortController();
  controllers.set(id, controller);
  const { add, update, finish } = useJobs.getState();
  add({ ...meta, id, state: 'queued', fraction: 0, message: 'waiting for the job before it…' });
  let startedAt: number | undefined;
  let lastStored = -Infinity;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  const store = (progress: P) => {
    clearTimeout(trailing);
    trailing = undefined;
    lastStored = performance.now();
    update(id, { fraction: progress.fraction, message: progress.message });
  };
  let done: Promise<T>;
  try {
    done = run({
      signal: controller.signal,
      onSent: () => {
        // A job of several calls is sent more than once: its clock starts with the first.
        startedAt ??= performance.now();
        update(id, { state: controller.signal.aborted ? 'cancelling' : 'running', message: 'starting…', startedAt });
      },
      onProgress: (progress) => {
        onProgress?.(progress);
        if (controller.signal.aborted) return;
        const wait = lastStored + PROGRESS_STORE_INTERVAL_MS - performance.now();
        if (wait <= 0) store(progress);
        else {
          // The latest report waits for its turn, so the bar never stays behind the job.
          clearTimeout(trailing);
          trailing = setTimeout(() => store(progress), wait);
        }
      },
    });
  } catch (error) {
    done = Promise.reject(error);
  }
  const seconds = () => (startedAt === undefined ? 0 : (performance.now() - startedAt) / 1000);
  const end = () => {
    clearTimeout(trailing);
    controllers.delete(id);
  };
  done.then(
    () => (end(), finish(id, { state: controller.signal.aborted ? 'cancelled' : 'done', seconds: seconds() })),
    (error: unknown) => {
      end();
      if (isAbortError(error)) finish(id, { state: 'cancelled', seconds: seconds() });
      else finish(id, { state: 'failed', error: error instanceof Error ? error.message : String(error), seconds: seconds() });
    },
  );
  return { id, done };
}

/** Cancels a job: a queued one never starts; a running one stops at its next step. */
export function cancelJob(id: number): void {
  const controller = controllers.get(id);
  if (!controller || controller.signal.aborted) return;
  controller.abort();
  useJobs.getState().update(id, { state: 'cancelling', message: 'cancelling…' });
}

/** What a bridge does when its worker crashes: the tray says so until the user dismisses it (the next call starts a fresh worker). */
export function reportWorkerCrash(message: string): void {
  useJobs.getState().notify(message);
}
