import {
  type ArgsOf,
  type FromWorker,
  type MemoryStats,
  type MethodName,
  type Progress,
  type ResultOf,
  type ToWorker,
} from '../workers/protocol';

export interface CallOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /** Called when the call leaves the queue and is sent to the worker (a queued job becomes a running one). */
  onSent?: () => void;
  /**
   * "interactive": skip the queue and run in the worker alongside a long job (the worker interleaves them between
   * the long job's steps), so a prediction never waits minutes behind a sweep. Only for calls that change no state
   * of the worker (predictions, single attacks); a backend switch must stay queued.
   */
  priority?: 'queued' | 'interactive';
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: (progress: Progress) => void;
}

interface WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

const abortError = () => new DOMException('The operation was cancelled.', 'AbortError');

/**
 * The main-thread side of one worker: starts it lazily, runs calls one after another (a call waits for the one
 * before it), cancels through an AbortSignal (a flag the worker checks between steps), and hands every memory
 * report to a listener. `terminate()` is the hard stop; the next call starts a fresh worker and runs `onStart`.
 */
export class WorkerBridge<Api> {
  private worker: WorkerLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | undefined;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly listeners: {
      onMemory?: (memory: MemoryStats) => void;
      /** Runs once on each fresh worker before any queued call (e.g. choose the backend). */
      onStart?: (bridge: WorkerBridge<Api>) => Promise<void>;
      onCrash?: (message: string) => void;
      /** The worker's name in messages ("The oracle worker crashed: ..."). */
      name?: string;
    } = {},
  ) {}

  call<M extends MethodName<Api>>(method: M, args: ArgsOf<Api, M>, options: CallOptions = {}): Promise<ResultOf<Api, M>> {
    const run = async () => {
      await this.ensureStarted();
      return this.send(method, args, options);
    };
    if (options.priority === 'interactive') return run() as Promise<ResultOf<Api, M>>;
    let started = false;
    const turn = () => ((started = true), run());
    const queued = this.queue.then(turn, turn);
    this.queue = queued.catch(() => undefined);
    const signal = options.signal;
    if (!signal) return queued as Promise<ResultOf<Api, M>>;
    // Cancelled while waiting in the queue: the caller hears at once; when its turn comes the call is not sent. Once
    // it runs, a cancel goes to the worker, which stops the job at its next step (and may return a partial result).
    return new Promise<ResultOf<Api, M>>((resolve, reject) => {
      const onAbort = () => {
        if (!started) reject(abortError());
      };
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      queued.then(
        (value) => (signal.removeEventListener('abort', onAbort), resolve(value as ResultOf<Api, M>)),
        (error) => (signal.removeEventListener('abort', onAbort), reject(error)),
      );
    });
  }

  /** Hard stop: ends the worker and everything it was doing. */
  terminate(reason = 'The worker was stopped.'): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.starting = undefined;
    for (const pending of this.pending.values()) pending.reject(new Error(reason));
    this.pending.clear();
  }

  private ensureStarted(): Promise<void> {
    if (!this.starting) {
      this.starting = (async () => {
        // A worker whose onStart failed (say, an unavailable backend) is kept and asked again.
        if (!this.worker) this.spawn();
        if (this.listeners.onStart) await this.listeners.onStart(this);
      })();
      this.starting.catch(() => (this.starting = undefined));
    }
    return this.starting;
  }

  /** Sends now, bypassing the queue; used by `onStart` so that it does not wait behind the calls it precedes. */
  send<M extends MethodName<Api>>(method: M, args: ArgsOf<Api, M>, options: CallOptions = {}): Promise<ResultOf<Api, M>> {
    const worker = this.worker ?? this.spawn();
    if (options.signal?.aborted) return Promise.reject(abortError());
    const callId = this.nextId++;
    return new Promise<ResultOf<Api, M>>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ kind: 'cancel', callId });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => options.signal?.removeEventListener('abort', onAbort);
      this.pending.set(callId, {
        resolve: (value) => (done(), resolve(value as ResultOf<Api, M>)),
        reject: (error) => (done(), reject(error)),
        onProgress: options.onProgress,
      });
      // Arguments are copied (structured clone), not transferred, so the caller keeps its data.
      worker.postMessage({ kind: 'call', callId, method, args });
      options.onSent?.();
    });
  }

  private spawn(): WorkerLike {
    const worker = this.createWorker();
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      const message = `The ${this.listeners.name ?? 'compute'} worker crashed (${event.message || 'unknown error'}); it starts afresh on the next run.`;
      this.listeners.onCrash?.(message);
      this.terminate(message);
    };
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    this.listeners.onMemory?.(message.memory);
    const pending = this.pending.get(message.callId);
    if (!pending) return;
    if (message.kind === 'progress') {
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.callId);
    if (message.kind === 'result') pending.resolve(message.result);
    else pending.reject(message.cancelled ? abortError() : new Error(message.message));
  }
}
