import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyClassifier, tinySplit } from '../attacks/testHelpers';
import { useBackend } from '../backend/backends';
import type { Classifier } from '../models/classifier';
import { runImageSuite, type ImageSuite } from './imageSuite';

const SUITE: ImageSuite = {
  id: 'tiny',
  label: 'tiny',
  examples: 10,
  linfBudgets: [0, 0.1],
  l2Budgets: [0, 1],
  pgdIterations: 2,
  deepfoolIterations: 3,
  square: { examples: 5, queries: 5, budgets: [0.1] },
  reference: { attackId: 'pgd', budget: 0.1 },
  extraction: { budgets: [100], heldOut: 50, epochs: 1 },
};

/** The classifier, failing on the call `fails` says (its predictions, not its gradients). */
function failing(model: Classifier, fails: (call: number, x: tf.Tensor4D) => boolean): Classifier {
  let calls = 0;
  return {
    ...model,
    probabilities: (x) => {
      if (fails(++calls, x)) throw new Error('the model failed');
      return model.probabilities(x);
    },
  };
}

describe('the image suite when the model fails part-way', () => {
  let model: Classifier;
  beforeAll(async () => {
    await useBackend('wasm');
    model = tinyClassifier(3, [4, 4, 1], 3);
  });
  afterAll(() => model.dispose());

  it('runs whole on the tiny model, extraction included', async () => {
    const before = tf.memory().numTensors;
    const result = await runImageSuite(model, tinySplit(), SUITE, { seed: 1, gradients: true, classes: ['a', 'b', 'c'] });
    expect(result.extraction?.points).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says how many examples extraction needs, the smallest number that runs', async () => {
    const result = await runImageSuite(model, tinySplit(149), { ...SUITE, linfBudgets: [0] }, { seed: 1, gradients: true, classes: ['a', 'b', 'c'] });
    // 150 examples run (the first test): 50 held out, 100 to query.
    expect(result.extraction?.skipped).toBe(
      'Extraction needs at least 150 examples (a third of them, up to 50 and at least 50, held out; 100 to query); the data has 149.',
    );
    const quick = await runImageSuite(
      model,
      tinySplit(298),
      { ...SUITE, linfBudgets: [0], extraction: { budgets: [200, 400], heldOut: 300, epochs: 1 } },
      { seed: 1, gradients: true, classes: ['a', 'b', 'c'] },
    );
    // The quick suite's plan: 299 examples hold out 99 and leave 200 to query.
    expect(quick.extraction?.skipped).toMatch(/^Extraction needs at least 299 examples .*the data has 298\.$/);
    const enough = await runImageSuite(
      model,
      tinySplit(299),
      { ...SUITE, linfBudgets: [0], extraction: { budgets: [200, 400], heldOut: 300, epochs: 1 } },
      { seed: 1, gradients: true, classes: ['a', 'b', 'c'] },
    );
    expect(enough.extraction).toMatchObject({ heldOut: 99, points: [{ queries: 200 }] });
  });

  // Call 1 predicts the clean batch; 2 measures FGSM's first budget; 4 measures PGD's first; a 50-row batch is the
  // extraction's held-out set.
  for (const [stage, fails] of [
    ['measuring the FGSM sweep', (call: number) => call === 2],
    ['measuring a PGD run', (call: number) => call === 4],
    ["labelling the extraction's held-out set", (_: number, x: tf.Tensor4D) => x.shape[0] === 50],
  ] as const) {
    it(`throws and leaks no tensor when it fails ${stage}`, async () => {
      const before = tf.memory().numTensors;
      await expect(runImageSuite(failing(model, fails), tinySplit(), SUITE, { seed: 1, gradients: true, classes: ['a', 'b', 'c'] })).rejects.toThrow(
        'the model failed',
      );
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
