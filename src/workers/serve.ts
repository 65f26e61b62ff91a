import * as tf from '@tensorflow/tfjs';
import type { RunControl } from '../core/run/control';
import {
  CancelledError,
  type ArgsOf,
  type FromWorker,
  type MemoryStats,
  type Progress,
  type ResultOf,
  type ToWorker,
} from './protocol';

/** What a job gets besides its arguments: a progress reporter and a cancel check that also yields. */
export interface JobContext {
  progress(fraction: number, message?: string, extra?: Pick<Progress, 'frame' | 'round'>): void;
  /** Whether the caller cancelled this job: for jobs that stop early and return what they have. */
  cancelled(): boolean;
  /** Lets pending messages (a cancel) in, without throwing. */
  yield(): Promise<void>;
  /** Lets pending messages (a cancel) in, then throws CancelledError if this job was cancelled. */
  checkpoint(): Promise<void>;
  /**
   * The same, in core's shape, to hand to a long core function: its signal aborts when the caller cancels (after the
   * next step lets the cancel message in), its progress is this job's, its step yields.
   */
  control: RunControl;
}

export type Handlers<Api> = {
  [M in keyof Api]: (args: ArgsOf<Api, M>, context: JobContext) => Promise<ResultOf<Api, M>>;
};

export function memoryStats(): MemoryStats {
  const memory = tf.memory();
  return { backend: tf.getBackend() ?? 'none', numTensors: memory.numTensors, numBytes: memory.numBytes };
}

/**
 * Lets queued messages (a cancel) run, at most every 15 ms: a real yield is a setTimeout(0), which browsers clamp
 * to 4 ms when nested, and a 1,000-step attack that yielded at every step would pay that 1,000 times.
 */
let lastYield = 0;
const yieldToEvents = async (): Promise<void> => {
  if (performance.now() - lastYield < 15) return;
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  lastYield = performance.now();
};

/** Runs typed handlers behind the message protocol; the worker file only declares its handlers. */
export function serveWorker<Api>(
  handlers: Handlers<Api>,
  scope: { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker, t?: Transferable[]): void },
): void {
  const cancelled = new Set<number>();
  const aborts = new Map<number, AbortController>();
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches every error and posts it to the caller.
  scope.onmessage = async (event) => {
    const message = event.data;
    if (message.kind === 'cancel') {
      cancelled.add(message.callId);
      aborts.get(message.callId)?.abort();
      return;
    }
    const { callId, method, args } = message;
    const abort = new AbortController();
    aborts.set(callId, abort);
    const progress = (fraction: number, text?: string, extra?: Pick<Progress, 'frame' | 'round'>) => {
      const progress: Progress = { fraction, message: text, ...extra };
      scope.postMessage({ kind: 'progress', callId, progress, memory: memoryStats() });
    };
    const context: JobContext = {
      progress,
      control: { signal: abort.signal, onProgress: (fraction, text) => progress(fraction, text), onStep: yieldToEvents },
      cancelled: () => cancelled.has(callId),
      yield: yieldToEvents,
      checkpoint: async () => {
        await yieldToEvents();
        if (cancelled.has(callId)) throw new CancelledError();
      },
    };
    try {
      const handler = handlers[method as keyof Api];
      if (!handler) throw new Error(`The worker has no method "${method}".`);
      const result = await handler(args as never, context);
      scope.postMessage({ kind: 'result', callId, result, memory: memoryStats() });
    } catch (error) {
      const isCancel = error instanceof CancelledError;
      const text = error instanceof Error ? error.message : String(error);
      scope.postMessage({ kind: 'error', callId, message: text, cancelled: isCancel, memory: memoryStats() });
    } finally {
      cancelled.delete(callId);
      aborts.delete(callId);
    }
  };
}

/**
 * A JobContext for running handlers in the same thread (Node scripts, tests, the bench): progress goes to
 * `onProgress`, and the job counts as cancelled once `signal` aborts.
 */
export function localJobContext(options: { onProgress?: (fraction: number, message?: string) => void; signal?: AbortSignal } = {}): JobContext {
  const { onProgress, signal } = options;
  const cancelled = () => signal?.aborted === true;
  return {
    progress: (fraction, message) => onProgress?.(fraction, message),
    cancelled,
    yield: async () => undefined,
    checkpoint: async () => {
      if (cancelled()) throw new CancelledError();
    },
    control: { signal, onProgress },
  };
}
