/**
 * The model worker's handlers in Node, as the browser worker runs them (the same factory, the disk instead of fetch):
 * arguments and results go through structuredClone, as postMessage does; cancel goes through localJobContext's signal.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepSpec } from '../src/core/metrics/sweep';
import { classifierFromLayersModel } from '../src/core/models/classifier';
import type { ModelCard } from '../src/core/models/card';
import { localJobContext, transferablesOf } from '../src/rpc/serve';
import { modelHandlers, type ModelRef } from '../src/workers/modelApi';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from './node-tf';

const test = loadMnistFromDisk('test');
let card: ModelCard;
const ref = (): ModelRef => ({ id: 'mnist-mlp', url: 'unused: loaded from disk', card });
const handlers = modelHandlers({
  loadClassifier: async (model) => {
    const loaded = await loadModelFromDisk(model.id);
    return classifierFromLayersModel(loaded.model, loaded.card);
  },
  testSplit: async () => test,
  chooseBackend: async () => ({ backend: 'wasm', probes: [], detail: 'Node' }),
});
const clone = <T>(value: T): T => structuredClone(value);

describe('modelHandlers in Node', () => {
  beforeAll(async () => {
    await useNodeWasm();
    card = (await loadModelFromDisk('mnist-mlp')).card;
    await handlers.loadModel(clone({ model: ref() }), localJobContext());
  });

  it('predicts the first digits as the model itself does, leaking no tensor', async () => {
    const count = 5;
    const size = test.height * test.width * test.channels;
    const pixels = Float32Array.from(test.images.subarray(0, count * size), (v) => v / 255);
    const before = tf.memory().numTensors;
    const out = clone(await handlers.predict(clone({ model: ref(), pixels, count }), localJobContext()));
    expect(tf.memory().numTensors).toBe(before);
    const { model } = await loadModelFromDisk('mnist-mlp');
    const direct = tf.tidy(() => (model.predict(tf.tensor4d(pixels, [count, 28, 28, 1])) as tf.Tensor2D).argMax(1).arraySync() as number[]);
    model.dispose();
    expect(out.labels).toEqual(direct);
    for (const row of out.probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('predicts the test digits from an index on as the model itself does, with nothing but labels crossing', async () => {
    const from = test.count - 620;
    const before = tf.memory().numTensors;
    const { labels } = clone(await handlers.predictTest(clone({ model: ref(), from }), localJobContext()));
    expect(tf.memory().numTensors).toBe(before);
    expect(labels).toBeInstanceOf(Int32Array);
    expect(labels.length).toBe(620);
    const { model } = await loadModelFromDisk('mnist-mlp');
    const size = test.height * test.width * test.channels;
    // Pixel by pixel, independently of the worker's batching (500 then 120).
    const pixels = Float32Array.from(test.images.subarray(from * size), (v) => v / 255);
    const direct = tf.tidy(() => (model.predict(tf.tensor4d(pixels, [620, 28, 28, 1])) as tf.Tensor2D).argMax(1).dataSync());
    model.dispose();
    expect(Array.from(labels)).toEqual(Array.from(direct));
  });

  const spec: SweepSpec = {
    attacks: [{ id: 'fgsm', params: {} }],
    budgets: [0, 0.1, 0.3],
    count: 40,
    batchSize: 20,
    seed: 3,
    galleryPerPoint: 2,
    keepAdversarial: true,
  };

  it('sweeps with progress, the same numbers as runSweep, and hands back adversarial images it does not keep', async () => {
    const progress: number[] = [];
    const before = tf.memory().numTensors;
    const out = await handlers.sweep(clone({ model: ref(), spec }), localJobContext({ onProgress: (f) => progress.push(f) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(progress.at(-1)).toBe(1);
    expect(out.partial).toBe(false);
    expect(out.points.map((p) => p.examples)).toEqual([40, 40, 40]);
    const { model, card: c } = await loadModelFromDisk('mnist-mlp');
    const direct = await runSweep(classifierFromLayersModel(model, c), test, spec);
    model.dispose();
    expect(out.points).toEqual(direct.points);
    expect(out.points[0].accuracy).toBe(out.cleanAccuracy);
    // At ε = 0.3 FGSM fools some digits the clean model got right.
    expect(out.points[2].accuracy).toBeLessThan(out.cleanAccuracy);
    // The adversarial set (40 x 784 bytes per budget) is its own buffer, transferable; the cached split is not in the result.
    const buffers = transferablesOf(out);
    expect(buffers.length).toBe(3);
    expect(buffers).not.toContain(test.images.buffer);
  });

  it('stops a sweep at the next batch when cancelled and returns the batches done, marked partial', async () => {
    const controller = new AbortController();
    const context = localJobContext({ onProgress: () => controller.abort(), signal: controller.signal });
    const out = await handlers.sweep(clone({ model: ref(), spec }), context);
    expect(out.partial).toBe(true);
    expect(out.points.every((p) => p.examples === 20)).toBe(true);
  });

  it('evaluates with a checkpoint per batch: cancelled, it throws rather than return a wrong count', async () => {
    const controller = new AbortController();
    const job = handlers.evaluate(
      clone({ model: ref(), split: 'test' as const, limit: 600 }),
      localJobContext({ onProgress: () => controller.abort(), signal: controller.signal }),
    );
    await expect(job).rejects.toMatchObject({ name: 'CancelledError' });
    const full = await handlers.evaluate(clone({ model: ref(), split: 'test' as const, limit: 400 }), localJobContext());
    expect(full.total).toBe(400);
    expect(full.correct).toBeGreaterThan(360);
  });
});
