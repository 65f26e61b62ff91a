import type { ArgsOf, FromWorker, MemoryStats, MethodName, Progress, ProgressOf, ResultOf, ToWorker } from './protocol';

export interface CallOptions<P extends Progress = Progress> {
  onProgress?: (progress: P) => void;
  signal?: AbortSignal;
  /** Called when the call leaves the queue and is sent to the worker (a queued job becomes a running one). */
  onSent?: () => void;
  /**
   * "interactive": skip the queue and run in the worker alongside a long job (the worker interleaves them between
   * the long job's steps), so a prediction never waits minutes behind a sweep. Only for calls that change no state
   * of the worker (predictions, single attacks); a backend switch must stay queued.
   */
  priority?: 'queued' | 'interactive';
  /**
   * Buffers of the arguments the caller gives up: they move to the worker instead of being copied, and are detached
   * (empty) here afterwards. Without it, arguments are copied and the caller keeps its data.
   */
  transfer?: Transferable[];
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: (progress: Progress) => void;
}

export interface WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror?: ((event: MessageEvent) => void) | null;
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

const abortError = () => new DOMException('The operation was cancelled.', 'AbortError');

/** The rejection of calls a worker's death took with it; `name` lets a panel tell it from a job's own error. */
export class WorkerEndedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerEndedError';
  }
}

/**
 * The main-thread side of one worker: starts it lazily, runs calls one after another (a call waits for the one
 * before it), cancels through an AbortSignal (a flag the worker checks between steps), and hands every memory
 * report to a listener. A worker that crashes (an uncaught error, a message it cannot read) or is ended with
 * `terminate()` takes its running and queued calls with it, each rejected with the reason; the next call starts a
 * fresh worker and runs `onStart`.
 */
export class WorkerBridge<Api> {
  private worker: WorkerLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | undefined;
  /** How many workers have ended; a queued call made under an earlier count is rejected with that end's reason. */
  private ends = 0;
  private readonly endReasons: string[] = [];

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

  call<M extends MethodName<Api>>(method: M, args: ArgsOf<Api, M>, options: CallOptions<ProgressOf<Api, M>> = {}): Promise<ResultOf<Api, M>> {
    const ends = this.ends;
    const run = async () => {
      // The worker this call was queued for died before its turn: the call goes with it rather than surprise a fresh one.
      if (this.ends !== ends) throw new WorkerEndedError(this.endReasons[ends]);
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

  /** Hard stop: ends the worker and everything it was doing or had queued. */
  terminate(reason = 'The worker was stopped.'): void {
    if (!this.worker && this.pending.size === 0 && !this.starting) return;
    this.worker?.terminate();
    this.worker = undefined;
    this.starting = undefined;
    this.endReasons[this.ends] = reason;
    this.ends++;
    for (const pending of this.pending.values()) pending.reject(new WorkerEndedError(reason));
    this.pending.clear();
  }

  private ensureStarted(): Promise<void> {
    if (!this.starting) {
      const starting = (async () => {
        // A worker whose onStart failed (say, an unavailable backend) is kept and asked again.
        if (!this.worker) this.spawn();
        if (this.listeners.onStart) await this.listeners.onStart(this);
      })();
      this.starting = starting;
      starting.catch(() => {
        if (this.starting === starting) this.starting = undefined;
      });
    }
    return this.starting;
  }

  /** Sends now, bypassing the queue; used by `onStart` so that it does not wait behind the calls it precedes. */
  send<M extends MethodName<Api>>(method: M, args: ArgsOf<Api, M>, options: CallOptions<ProgressOf<Api, M>> = {}): Promise<ResultOf<Api, M>> {
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
        onProgress: options.onProgress as ((progress: Progress) => void) | undefined,
      });
      worker.postMessage({ kind: 'call', callId, method, args }, options.transfer ?? []);
      options.onSent?.();
    });
  }

  private spawn(): WorkerLike {
    const worker = this.createWorker();
    const crashed = (what: string) => {
      // A late event from a worker already replaced says nothing about the current one.
      if (this.worker !== worker) return;
      const message = `The ${this.listeners.name ?? 'compute'} worker crashed (${what}); it starts afresh on the next run.`;
      this.terminate(message);
      this.listeners.onCrash?.(message);
    };
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => crashed(event.message || 'unknown error');
    worker.onmessageerror = () => crashed('a message from it could not be read');
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
