/**
 * The message protocol between the main thread and a worker (or between two workers over a port): plain data only,
 * nothing that holds a tensor or a model. An API is a record of methods, each `{ args; result; progress? }`, where
 * `progress` names what a method's progress reports carry besides the fraction and the message.
 */

export interface MemoryStats {
  backend: string;
  numTensors: number;
  numBytes: number;
}

export type MethodName<Api> = keyof Api & string;
export type ArgsOf<Api, M extends keyof Api> = Api[M] extends { args: infer A } ? A : never;
export type ResultOf<Api, M extends keyof Api> = Api[M] extends { result: infer R } ? R : never;

export interface Progress {
  /** The share of the job done, in [0, 1]. */
  fraction: number;
  message?: string;
}

/** A method's progress report: the fraction and message, and the extras it declares (an animation frame, a round). */
export type ProgressOf<Api, M extends keyof Api> = Progress & (Api[M] extends { progress: infer P } ? Partial<P> : unknown);

export type ToWorker = { kind: 'call'; callId: number; method: string; args: unknown } | { kind: 'cancel'; callId: number };

export type FromWorker =
  | { kind: 'progress'; callId: number; progress: Progress; memory: MemoryStats }
  | { kind: 'result'; callId: number; result: unknown; memory: MemoryStats }
  | { kind: 'error'; callId: number; message: string; cancelled: boolean; memory: MemoryStats };

/** Thrown inside a worker job when the caller cancelled it; the bridge turns it into an AbortError. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}
