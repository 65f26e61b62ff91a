/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import './wasmAssets';
import { pickFastestBackend, useBackend } from '../core/backend/backends';
import type { BackendName, BackendProbe } from '../core/backend/names';
import { MNIST_SPLIT, fetchMnistSplit, sliceSplit, type ImageSplit } from '../core/data/mnist';
import { classifierFromLayersModel, type Classifier } from '../core/models/classifier';
import { countCorrect } from '../core/models/train';
import { timeWorkload } from '../core/bench/workloads';
import { getAttack } from '../core/attacks/registry';
import { attackBatch } from '../core/attacks/run';
import { createRng } from '../core/data/rng';
import { runSweep } from '../core/metrics/sweep';
import type { ModelRef, ModelWorkerApi } from './protocol';
import { memoryStats, serveWorker, type Handlers } from './serve';
import { argMax } from '../core/arrays';
import { singleAttackLockViolations, sweepLockViolations } from '../core/spec/imageSpec';

const models = new Map<string, Promise<Classifier>>();

/** A run that breaks its lab's locks is refused whole, before it starts, with what was wrong. */
function refuseBrokenLocks(problems: string[]): void {
  if (problems.length) throw new Error(`This run breaks the lab's locked setup: ${problems.join(' ')}`);
}
let testSplit: Promise<ImageSplit> | undefined;

function getModel(ref: ModelRef): Promise<Classifier> {
  let loading = models.get(ref.id);
  if (!loading) {
    loading = tf.loadLayersModel(ref.url).then((model) => classifierFromLayersModel(model, ref.card));
    loading.catch(() => models.delete(ref.id));
    models.set(ref.id, loading);
  }
  return loading;
}

function getTestSplit(): Promise<ImageSplit> {
  if (!testSplit) {
    testSplit = fetchMnistSplit(new URL(`${import.meta.env.BASE_URL}${MNIST_SPLIT.urlPath}/`, self.location.origin).href, 'test');
    testSplit.catch(() => (testSplit = undefined));
  }
  return testSplit;
}

async function wasmDetail(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  // Threads need SharedArrayBuffer, which the browser grants only to cross-origin-isolated pages.
  const threadCount = threads ? getThreadsCount() : 1;
  return `${simd ? 'SIMD' : 'no SIMD'}, ${threadCount === 1 ? '1 thread' : `${threadCount} threads`}${!threads && !self.crossOriginIsolated ? ' (page not cross-origin isolated)' : ''}`;
}

const handlers: Handlers<ModelWorkerApi> = {
  async init({ backend }) {
    let chosen: BackendName;
    let probes: BackendProbe[] = [];
    if (backend === 'auto') {
      ({ chosen, probes } = await pickFastestBackend());
    } else {
      await useBackend(backend);
      chosen = backend;
    }
    // Models are kept per backend; a switch reloads them on the new one when next used.
    for (const loading of models.values()) loading.then((m) => m.dispose(), () => undefined);
    models.clear();
    return { backend: chosen, probes, detail: chosen === 'wasm' ? await wasmDetail() : '' };
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

serveWorker(handlers, self as unknown as Parameters<typeof serveWorker>[1]);
