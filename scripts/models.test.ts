import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_SPLIT } from '../src/core/data/mnist';
import { countCorrect } from '../src/core/models/train';
import { loadMnistFromDisk, loadModelFromDisk, sha256Hex, useNodeWasm } from './node-tf';
import { MODELS_DIR } from './paths';

const modelIds = readdirSync(MODELS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('bundled models agree with their model cards', () => {
  beforeAll(async () => {
    await useNodeWasm();
  });

  it('bundles both MNIST models', () => {
    expect(modelIds).toEqual(expect.arrayContaining(['mnist-cnn', 'mnist-mlp']));
  });

  describe.each(modelIds)('%s', (id) => {
    it('has weights whose size and sha256 are those on the card', async () => {
      const { card } = await loadModelFromDisk(id).then((m) => (m.model.dispose(), m));
      for (const file of card.weights.files) {
        const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, id, file.path)));
        expect(bytes.length).toBe(file.bytes);
        expect(sha256Hex(bytes)).toBe(file.sha256);
      }
    });

    it('recomputes the test accuracy on the card from the generated split', async () => {
      const { model, card } = await loadModelFromDisk(id);
      const test = loadMnistFromDisk('test');
      expect(card.training.splitSeed).toBe(MNIST_SPLIT.seed);
      expect(card.training.testSize).toBe(test.count);
      expect(card.parameters).toBe(model.countParams());
      const before = tf.memory().numTensors;
      const correct = await countCorrect((x) => model.predict(x) as tf.Tensor2D, test);
      expect(tf.memory().numTensors).toBe(before);
      expect(correct).toBe(card.metrics.testCorrect);
      expect(correct / test.count).toBeCloseTo(card.metrics.testAccuracy, 10);
      model.dispose();
    });
  });

  it('the CNN reaches at least 97% test accuracy', () => {
    const card = JSON.parse(readFileSync(join(MODELS_DIR, 'mnist-cnn', 'card.json'), 'utf8'));
    expect(card.metrics.testAccuracy).toBeGreaterThanOrEqual(0.97);
  });
});
