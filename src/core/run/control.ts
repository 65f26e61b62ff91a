/**
 * How a caller steers any long-running core function (a sweep, an extraction, a text batch, an audit, a training
 * loop): one shape everywhere, so a worker job, a Node script and a test drive them the same way.
 *
 * - `signal`: checked between steps; a stopped run returns what it has so far (or, where a function says so, throws
 *   `StoppedError`). An AbortSignal so that one abort reaches nested runs without passing flags around.
 * - `onProgress`: the fraction of the whole run done, in [0, 1], and a short plain message.
 * - `onStep`: awaited between steps; a worker uses it to let pending messages (a cancel) in.
 */
export interface RunControl {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message?: string) => void;
  onStep?: () => void | Promise<void>;
}

/** Thrown by functions that cannot return a partial result when their run is stopped. */
export class StoppedError extends Error {
  constructor(message = 'Stopped.') {
    super(message);
    this.name = 'StoppedError';
  }
}

/** Whether the run was asked to stop. */
export const isStopped = (control: RunControl | undefined): boolean => control?.signal?.aborted === true;

/** Awaits the step callback, then throws StoppedError if the run was asked to stop. */
export async function checkpoint(control: RunControl | undefined): Promise<void> {
  await control?.onStep?.();
  if (isStopped(control)) throw new StoppedError();
}

/**
 * The control for one stage of a run that covers [start, end] of the whole: its progress is mapped into that range
 * (and its message prefixed by `label`), its signal and step are the parent's.
 */
export function stageOf(control: RunControl | undefined, start: number, end: number, label?: string): RunControl {
  return {
    signal: control?.signal,
    onStep: control?.onStep,
    onProgress:
      control?.onProgress &&
      ((fraction, message) =>
        control.onProgress!(start + (end - start) * Math.min(1, Math.max(0, fraction)), label && message ? `${label}: ${message}` : (label ?? message))),
  };
}
