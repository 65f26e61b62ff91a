import type { BackendName, BackendProbe } from '../core/backend/names';
import type { ExampleResult } from '../core/attacks/run';
import type { AttackParams } from '../core/attacks/types';
import type { WorkloadId } from '../core/bench/workloads';
import type { ExtractionRound } from '../core/extraction/extract';
import type { SweepResult, SweepSpec } from '../core/metrics/sweep';
import type { ModelCard } from '../core/models/card';

/** Plain-data messages between the main thread and a worker. Nothing here holds a tensor or a model. */

export interface MemoryStats {
  backend: string;
  numTensors: number;
  numBytes: number;
}

export interface BackendInfo {
  backend: BackendName;
  probes: BackendProbe[];
  /** For wasm: whether SIMD and threads are in use, since they change its speed several times over. */
  detail: string;
}

export interface ModelRef {
  id: string;
  /** URL of model.json, on the app's own origin. */
  url: string;
  card: ModelCard;
}

export interface Prediction {
  probabilities: number[][];
  labels: number[];
}

/** One frame of an iterative attack on one image, for the lab's animation. */
export interface AttackFrame {
  step: number;
  pixels: Float32Array;
  probabilities: number[];
}

export interface SingleAttackArgs {
  model: ModelRef;
  attackId: string;
  params: AttackParams;
  /** One image, row-major [h, w, c], values in the model's input range. */
  pixels: Float32Array;
  label: number;
  target?: number;
  seed: number;
  /** Send frames while the attack iterates (at most ~10 per second). */
  animate: boolean;
  /** The lab spec's locked controls: the worker refuses a request that breaks one. */
  locks?: Record<string, string | number | boolean>;
}

export interface SingleAttackResult {
  original: { probabilities: number[] };
  adversarial: { pixels: Float32Array; probabilities: number[] };
  result: ExampleResult;
  seconds: number;
}

/** Each method: (args) => result, with progress reported as a number in [0, 1] and a short message. */
export interface ModelWorkerApi {
  init: { args: { backend: BackendName | 'auto' }; result: BackendInfo };
  loadModel: { args: { model: ModelRef }; result: { id: string; parameters: number } };
  predict: { args: { model: ModelRef; pixels: Float32Array; count: number }; result: Prediction };
  evaluate: { args: { model: ModelRef; split: 'test'; limit?: number }; result: { correct: number; total: number } };
  memory: { args: Record<string, never>; result: MemoryStats };
  attack: { args: SingleAttackArgs; result: SingleAttackResult };
  sweep: { args: { model: ModelRef; spec: SweepSpec; locks?: Record<string, string | number | boolean> }; result: SweepResult };
  /** Times a benchmark workload on the active backend over the first `count` test digits (see npm run bench). */
  bench: { args: { model: ModelRef; workload: WorkloadId; repeats: number; count: number }; result: { millis: number[] } };
}

export type MethodName<Api> = keyof Api & string;
export type ArgsOf<Api, M extends keyof Api> = Api[M] extends { args: infer A } ? A : never;
export type ResultOf<Api, M extends keyof Api> = Api[M] extends { result: infer R } ? R : never;

export interface Progress {
  fraction: number;
  message?: string;
  frame?: AttackFrame;
  /** A finished extraction round. */
  round?: ExtractionRound;
}

export type ToWorker =
  | { kind: 'call'; callId: number; method: string; args: unknown }
  | { kind: 'cancel'; callId: number };

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
