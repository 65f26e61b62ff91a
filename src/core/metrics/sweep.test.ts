import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyClassifier } from '../attacks/testHelpers';
import { useBackend } from '../backend/backends';
import { createRng } from '../data/rng';
import type { ImageSplit } from '../data/mnist';
import { runSweep } from './sweep';

/** Random 4x4 "images" labelled by the tiny model itself, so clean accuracy is known exactly. */
async function labelledByModel(model: ReturnType<typeof tinyClassifier>, count: number, wrongEvery = 0): Promise<ImageSplit> {
  const rng = createRng(3);
  const images = Uint8Array.from({ length: count * 16 }, () => rng.int(256));
  const x = tf.tensor4d(
    Float32Array.from(images, (v) => v / 255),
    [count, 4, 4, 1],
  );
  const predicted = tf.tidy(() => model.logits(x).argMax(1));
  const labels = Uint8Array.from(await predicted.data());
  tf.dispose([x, predicted]);
  if (wrongEvery) for (let i = 0; i < count; i += wrongEvery) labels[i] = (labels[i] + 1) % 3;
  return { images, labels, count, height: 4, width: 4, channels: 1, numClasses: 3 };
}

describe('runSweep', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('reports clean accuracy at budget 0, falling accuracy with budget, and consistent success rates', async () => {
    const model = tinyClassifier(21);
    const data = await labelledByModel(model, 40, 5); // 8 of 40 deliberately mislabelled: clean accuracy 80%
    const progress: number[] = [];
    const result = await runSweep(
      model,
      data,
      {
        attacks: [
          { id: 'fgsm', params: {} },
          { id: 'pgd', params: { max_iter: 5 } },
        ],
        budgets: [0, 0.1, 0.5, 1],
        count: 40,
        seed: 1,
        batchSize: 16,
      },
      { onProgress: (f) => progress.push(f) },
    );
    expect(result.cleanAccuracy).toBeCloseTo(0.8, 10);
    expect(result.partial).toBe(false);
    expect(result.points).toHaveLength(8);
    for (const id of ['fgsm', 'pgd']) {
      const points = result.points.filter((p) => p.attackId === id);
      expect(points.map((p) => p.budget)).toEqual([0, 0.1, 0.5, 1]);
      expect(points[0].accuracy).toBeCloseTo(result.cleanAccuracy, 10);
      expect(points[0].successRate).toBe(0);
      // More budget never helps the model much on this smooth model; at eps = 1 (the whole range) it loses.
      expect(points[3].accuracy).toBeLessThan(points[0].accuracy);
      for (const p of points) {
        expect(p.examples).toBe(40);
        // accuracy = share still correct; success = share of the correct ones fooled.
        expect(p.accuracy).toBeCloseTo((result.cleanCorrect * (1 - p.successRate)) / 40, 10);
        if (p.meanLinf !== null) expect(p.meanLinf).toBeLessThanOrEqual(p.budget + 1e-6);
      }
    }
    expect(progress[progress.length - 1]).toBe(1);
    expect(result.gallery.every((g) => g.pixels.length === 16 && g.adversarialLabel !== g.trueLabel)).toBe(true);
    model.dispose();
  });

  it('says "estimating" until every attack has been timed, then estimates from each attack\'s own runs', async () => {
    const model = tinyClassifier(23);
    const data = await labelledByModel(model, 32);
    const messages: string[] = [];
    // PGD-200 costs far more per run than FGSM's one gradient: counting runs as equal would promise too little.
    await runSweep(
      model,
      data,
      {
        attacks: [
          { id: 'fgsm', params: {} },
          { id: 'pgd', params: { max_iter: 200 } },
        ],
        budgets: [0.1, 0.2, 0.3],
        count: 32,
        seed: 1,
        batchSize: 16,
      },
      { onProgress: (_, message) => messages.push(message) },
    );
    const firstEstimate = messages.findIndex((m) => / s left$/.test(m));
    // Before: FGSM done (1 run of 1), PGD not yet timed.
    expect(messages.slice(0, firstEstimate).every((m) => m.endsWith('estimating the time left…'))).toBe(true);
    expect(firstEstimate).toBeGreaterThan(1);
    expect(messages[messages.length - 1]).not.toMatch(/left/);
    model.dispose();
  });

  it('keeps a batch every attack finished when the stop comes right after its last attack', async () => {
    const model = tinyClassifier(24);
    const data = await labelledByModel(model, 32);
    const stop = new AbortController();
    // FGSM (one run for all budgets) and BIM (one run per budget): 3 runs a batch, so 50% is the first batch done.
    const result = await runSweep(
      model,
      data,
      {
        attacks: [
          { id: 'fgsm', params: {} },
          { id: 'bim', params: { max_iter: 2 } },
        ],
        budgets: [0.1, 0.2],
        count: 32,
        seed: 3,
        batchSize: 16,
      },
      {
        onProgress: (fraction) => fraction >= 0.5 && stop.abort(),
        signal: stop.signal,
      },
    );
    expect(result.partial).toBe(true);
    expect(result.points.map((p) => p.examples)).toEqual([16, 16, 16, 16]);
    model.dispose();
  });

  it('stops between batches when asked and says the result is partial; leaks no tensors', async () => {
    const model = tinyClassifier(22);
    const data = await labelledByModel(model, 64);
    const before = tf.memory().numTensors;
    // Cancel in the middle of the second batch, as a user's click would land.
    let batchesDone = 0;
    let stepsInSecond = 0;
    const stop = new AbortController();
    const result = await runSweep(
      model,
      data,
      { attacks: [{ id: 'bim', params: { max_iter: 3 } }], budgets: [0.1, 0.2], count: 64, seed: 2, batchSize: 16 },
      {
        onProgress: (_, message) => (batchesDone = Number(message.split(' ')[0]) / 16),
        onStep: () => void (batchesDone >= 1 && ++stepsInSecond > 2 && stop.abort()),
        signal: stop.signal,
      },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result.partial).toBe(true);
    // Only whole batches count: every point covers the same finished batches, and so does the clean accuracy.
    const done = result.points[0].examples;
    expect(done).toBe(16);
    expect(result.points.every((p) => p.examples === done)).toBe(true);
    expect(result.cleanAccuracy).toBeLessThanOrEqual(1);
    model.dispose();
  });
});
