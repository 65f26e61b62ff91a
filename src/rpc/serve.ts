import * as tf from '@tensorflow/tfjs';
import type { RunControl } from '../core/run/control';
import { CancelledError, type ArgsOf, type FromWorker, type MemoryStats, type Progress, type ResultOf, type ToWorker } from './protocol';

/** What a job gets besides its arguments: a progress reporter and a cancel check that also yields. */
export interface JobContext<Extra extends object = object> {
  progress(fraction: number, message?: string, extra?: Partial<Extra>): void;
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

type ExtraOf<Api, M extends keyof Api> = Api[M] extends { progress: infer P extends object } ? P : object;

export type Handlers<Api> = {
  [M in keyof Api]: (args: ArgsOf<Api, M>, context: JobContext<ExtraOf<Api, M>>) => Promise<ResultOf<Api, M>>;
};

/** Where a worker's messages come from and go to: the worker's global scope, or a MessagePort. */
export interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

export function memoryStats(): MemoryStats {
  const memory = tf.memory();
  return { backend: tf.getBackend() ?? 'none', numTensors: memory.numTensors, numBytes: memory.numBytes };
}

/** Below this a copy costs less than bookkeeping; above it (an image set, a gallery) the buffer moves instead. */
export const TRANSFER_MIN_BYTES = 16 * 1024;

/**
 * The ArrayBuffers of the large typed arrays in a value, to post it transferred rather than copied: each is given up
 * by the sender (detached), so a job must return copies of anything it keeps (a cached dataset). Only arrays that
 * own their whole buffer are taken: transferring a view would also take what surrounds it.
 */
export function transferablesOf(value: unknown, found = new Set<ArrayBuffer>(), seen = new Set<object>()): ArrayBuffer[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [...found];
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    const { buffer, byteOffset, byteLength } = value;
    if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength && byteLength >= TRANSFER_MIN_BYTES) found.add(buffer);
    return [...found];
  }
  for (const item of Array.isArray(value) ? value : Object.values(value)) transferablesOf(item, found, seen);
  return [...found];
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

/**
 * Runs typed handlers behind the message protocol: a worker file is `serveWorker(someHandlers(deps))`. Results go
 * back with their large typed arrays transferred (see transferablesOf).
 */
export function serveWorker<Api>(handlers: Handlers<Api>, scope: WorkerScope = globalThis as unknown as WorkerScope): void {
  const cancelled = new Set<number>();
  const aborts = new Map<number, AbortController>();
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
    const progress = (fraction: number, text?: string, extra?: object) => {
      const report: Progress = { fraction, message: text, ...extra };
      scope.postMessage({ kind: 'progress', callId, progress: report, memory: memoryStats() });
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
      const result = await handler(args as never, context as never);
      scope.postMessage({ kind: 'result', callId, result, memory: memoryStats() }, transferablesOf(result));
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
export function localJobContext<Extra extends object = object>(
  options: { onProgress?: (fraction: number, message?: string, extra?: Partial<Extra>) => void; signal?: AbortSignal } = {},
): JobContext<Extra> {
  const { onProgress, signal } = options;
  const cancelled = () => signal?.aborted === true;
  return {
    progress: (fraction, message, extra) => onProgress?.(fraction, message, extra),
    cancelled,
    yield: async () => undefined,
    checkpoint: async () => {
      if (cancelled()) throw new CancelledError();
    },
    control: { signal, onProgress },
  };
}

/** The same handlers, each waiting for `ready` first (a worker's backend, chosen once when it starts). */
export function afterReady<Api>(ready: Promise<unknown>, handlers: Handlers<Api>): Handlers<Api> {
  const wrapped: Partial<Handlers<Api>> = {};
  for (const name of Object.keys(handlers) as (keyof Api)[]) {
    const handler = handlers[name] as (args: unknown, context: unknown) => Promise<unknown>;
    wrapped[name] = (async (args: unknown, context: unknown) => (await ready, handler(args, context))) as Handlers<Api>[keyof Api];
  }
  return wrapped as Handlers<Api>;
}
