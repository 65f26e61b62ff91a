import { useJobs, type JobView } from '../stores/jobs';
import type { CallOptions } from '../rpc/workerBridge';

const controllers = new Map<number, AbortController>();
let nextId = 1;

/**
 * Starts a long job that stays visible and cancellable wherever the user goes: it is listed in the jobs store (the
 * status bar's tray shows it, queued or running, with its progress and a cancel), and its panel can find it again by
 * `kind`. `run` gets the call options to pass to the bridge. The promise settles as the call does.
 */
export function startJob<T>(meta: Pick<JobView, 'kind' | 'lab' | 'title'>, run: (options: CallOptions) => Promise<T>): { id: number; done: Promise<T> } {
  const id = nextId++;
  const controller = new AbortController();
  controllers.set(id, controller);
  const { add, update, remove } = useJobs.getState();
  add({ ...meta, id, state: 'queued', fraction: 0, message: 'waiting for the job before it…' });
  const done = run({
    signal: controller.signal,
    onSent: () => update(id, { state: controller.signal.aborted ? 'cancelling' : 'running', message: 'starting…' }),
    onProgress: (p) => update(id, { fraction: p.fraction, message: p.message }),
  });
  const forget = () => {
    controllers.delete(id);
    remove(id);
  };
  done.then(forget, forget);
  return { id, done };
}

/** Cancels a job: a queued one never starts; a running one stops at its next step. */
export function cancelJob(id: number): void {
  const controller = controllers.get(id);
  if (!controller || controller.signal.aborted) return;
  controller.abort();
  useJobs.getState().update(id, { state: 'cancelling', message: 'cancelling…' });
}
