import { singleAttackLockViolations, sweepLockViolations } from '../core/spec/imageSpec';
import * as tf from '@tensorflow/tfjs';
import { argMax } from '../core/arrays';
import { getAttack } from '../core/attacks/registry';
import { attackBatch } from '../core/attacks/run';
import { timeWorkload } from '../core/bench/workloads';
import { sliceSplit, type ImageSplit } from '../core/data/mnist';
import { createRng } from '../core/data/rng';
import { imagesToTensor } from '../core/data/tensors';
import { runSweep } from '../core/metrics/sweep';
import type { Classifier } from '../core/models/classifier';
import { countCorrect } from '../core/models/train';
import type { MemoryStats } from '../rpc/protocol';
import { memoryStats, type Handlers } from '../rpc/serve';
import type { BackendName, BackendProbe } from '../core/backend/names';
import type { ExampleResult } from '../core/attacks/run';
import type { AttackParams } from '../core/attacks/types';
import type { WorkloadId } from '../core/bench/workloads';
import type { SweepResult, SweepSpec } from '../core/metrics/sweep';
import type { ModelCard } from '../core/models/card';

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

/** The image lab's compute worker. Each method: (args) => result, with progress as a number in [0, 1] and a short message. */
export interface ModelWorkerApi {
  init: { args: { backend: BackendName | 'auto' }; result: BackendInfo };
  loadModel: { args: { model: ModelRef }; result: { id: string; parameters: number } };
  predict: { args: { model: ModelRef; pixels: Float32Array; count: number }; result: Prediction };
  evaluate: { args: { model: ModelRef; split: 'test'; limit?: number }; result: { correct: number; total: number } };
  /** The model's predicted label of every test digit from `from` on (the worker has the digits: nothing large crosses). */
  predictTest: { args: { model: ModelRef; from: number }; result: { labels: Int32Array } };
  memory: { args: Record<string, never>; result: MemoryStats };
  attack: { args: SingleAttackArgs; result: SingleAttackResult; progress: { frame: AttackFrame } };
  sweep: { args: { model: ModelRef; spec: SweepSpec; locks?: Record<string, string | number | boolean> }; result: SweepResult };
  /** Times a benchmark workload on the active backend over the first `count` test digits (see npm run bench). */
  bench: { args: { model: ModelRef; workload: WorkloadId; repeats: number; count: number }; result: { millis: number[] } };
}

/** What the model worker's handlers need from where they run: a browser worker (fetch) or Node (the disk). */
export interface ModelWorkerDeps {
  /** Loads a model on the active backend; the handlers keep it until the backend changes. */
  loadClassifier(model: ModelRef): Promise<Classifier>;
  /** The test split (2,000 digits). Borrowed: handlers never change it or hand its arrays back uncopied. */
  testSplit(): Promise<ImageSplit>;
  /** Switches the tfjs backend ("auto": the fastest that works here) and says which, with what it probed. */
  chooseBackend(backend: BackendName | 'auto'): Promise<BackendInfo>;
}

/** The compute worker's handlers: models are loaded once per backend and kept between calls. */
/** A run that breaks its lab's locks is refused whole, before it starts, with what was wrong. */
function refuseBrokenLocks(problems: string[]): void {
  if (problems.length) throw new Error(`This run breaks the lab's locked setup: ${problems.join(' ')}`);
}

export function modelHandlers(deps: ModelWorkerDeps): Handlers<ModelWorkerApi> {
  const models = new Map<string, Promise<Classifier>>();
  let testSplit: Promise<ImageSplit> | undefined;

  const getModel = (ref: ModelRef): Promise<Classifier> => {
    let loading = models.get(ref.id);
    if (!loading) {
      loading = deps.loadClassifier(ref);
      loading.catch(() => models.delete(ref.id));
      models.set(ref.id, loading);
    }
    return loading;
  };
  const getTestSplit = (): Promise<ImageSplit> => {
    if (!testSplit) {
      testSplit = deps.testSplit();
      testSplit.catch(() => (testSplit = undefined));
    }
    return testSplit;
  };

  return {
    async init({ backend }) {
      const info = await deps.chooseBackend(backend);
      // Models are kept per backend; a switch reloads them on the new one when next used.
      for (const loading of models.values())
        loading.then(
          (m) => m.dispose(),
          () => undefined,
        );
      models.clear();
      return info;
    },

    async loadModel({ model }) {
      const classifier = await getModel(model);
      return { id: model.id, parameters: classifier.card.parameters };
    },

    async predict({ model, pixels, count }) {
      const classifier = await getModel(model);
      const [h, w, c] = classifier.inputShape;
      const probs = tf.tidy(() => classifier.probabilities(tf.tensor4d(pixels, [count, h, w, c])));
      const flat = await probs.data();
      probs.dispose();
      const probabilities: number[][] = [];
      for (let i = 0; i < count; i++) probabilities.push(Array.from(flat.subarray(i * classifier.numClasses, (i + 1) * classifier.numClasses)));
      const labels = probabilities.map((p) => argMax(p));
      return { probabilities, labels };
    },

    async evaluate({ model, limit }, context) {
      const classifier = await getModel(model);
      const split = await getTestSplit();
      const total = Math.min(limit ?? split.count, split.count);
      const batchSize = 200;
      let correct = 0;
      for (let start = 0; start < total; start += batchSize) {
        await context.checkpoint();
        const count = Math.min(batchSize, total - start);
        correct += await countCorrect((x) => classifier.logits(x), sliceSplit(split, start, count), batchSize);
        context.progress((start + count) / total, `${start + count} / ${total} digits`);
      }
      return { correct, total };
    },

    async predictTest({ model, from }, context) {
      const classifier = await getModel(model);
      const split = await getTestSplit();
      const start = Math.max(0, Math.min(from, split.count));
      const labels = new Int32Array(split.count - start);
      for (let at = start; at < split.count; at += 500) {
        await context.checkpoint();
        const count = Math.min(500, split.count - at);
        const predicted = tf.tidy(() => classifier.logits(imagesToTensor(split, at, count)).argMax(1));
        labels.set(await predicted.data(), at - start);
        predicted.dispose();
      }
      return { labels };
    },

    async attack({ model, attackId, params, pixels, label, target, seed, animate, locks }, context) {
      refuseBrokenLocks(singleAttackLockViolations(locks, { model: model.id, attackId, params, seed }));
      const classifier = await getModel(model);
      const attack = getAttack(attackId);
      const [h, w, c] = classifier.inputShape;
      const x = tf.tensor4d(pixels, [1, h, w, c]);
      const started = performance.now();
      let lastFrame = 0;
      try {
        const { adversarial, results } = await attackBatch(
          attack,
          classifier,
          { x, labels: Int32Array.of(label), targets: target === undefined ? undefined : Int32Array.of(target) },
          params,
          {
            rng: createRng(seed),
            clip: classifier.card.input.range,
            // Its step yields to the message loop so a cancel can arrive; the attack reports no progress of its own.
            control: { signal: context.control.signal, onStep: context.control.onStep },
            onFrame: async (step, current) => {
              // Frames at most ~10 per second.
              if (!animate || performance.now() - lastFrame < 100) return;
              lastFrame = performance.now();
              const probs = tf.tidy(() => classifier.probabilities(current));
              const frame = { step, pixels: (await current.data()) as Float32Array, probabilities: Array.from(await probs.data()) };
              probs.dispose();
              context.progress(0, `step ${step}`, { frame });
            },
          },
        );
        const [before, after] = tf.tidy(() => [classifier.probabilities(x), classifier.probabilities(adversarial)]);
        const out = {
          original: { probabilities: Array.from(await before.data()) },
          adversarial: { pixels: (await adversarial.data()) as Float32Array, probabilities: Array.from(await after.data()) },
          result: results[0],
          seconds: (performance.now() - started) / 1000,
        };
        tf.dispose([before, after, adversarial]);
        return out;
      } finally {
        x.dispose();
      }
    },

    async sweep({ model, spec, locks }, context) {
      refuseBrokenLocks(sweepLockViolations(locks, { model: model.id, attacks: spec.attacks, budgets: spec.budgets, count: spec.count, seed: spec.seed }));
      const classifier = await getModel(model);
      const split = await getTestSplit();
      return runSweep(classifier, split, spec, context.control);
    },

    async bench({ model, workload, repeats, count }) {
      const classifier = await getModel(model);
      const split = await getTestSplit();
      return { millis: await timeWorkload(workload, classifier, sliceSplit(split, 0, Math.min(count, split.count)), repeats) };
    },

    async memory() {
      return memoryStats();
    },
  };
}
