import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_SPLIT } from '../src/core/data/mnist';
import { SPAM_SPLIT, parseSpamSplit } from '../src/core/data/spam';
import type { ModelCard } from '../src/core/models/card';
import { countCorrectTexts, encodeTexts } from '../src/core/models/textClassifier';
import { countCorrect } from '../src/core/models/train';
import { vocabularySize, type Vocabulary } from '../src/core/text/tokenizer';
import { loadMnistFromDisk, loadModelFromDisk, sha256Hex, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';

const modelIds = readdirSync(MODELS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const taskOf = (id: string) => (JSON.parse(readFileSync(join(MODELS_DIR, id, 'card.json'), 'utf8')) as ModelCard).task;
const imageModelIds = modelIds.filter((id) => taskOf(id) === 'image-classification');
const textModelIds = modelIds.filter((id) => taskOf(id) === 'text-classification');

describe('bundled models agree with their model cards', () => {
  beforeAll(async () => {
    await useNodeWasm();
  });

  it('bundles both MNIST models', () => {
    expect(modelIds).toEqual(expect.arrayContaining(['mnist-cnn', 'mnist-mlp']));
  });

  it('knows the task of every bundled model', () => {
    expect([...imageModelIds, ...textModelIds].sort()).toEqual([...modelIds].sort());
  });

  describe.each(imageModelIds)('%s', (id) => {
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

  describe.each(textModelIds)('%s', (id) => {
    it('has weights and a vocabulary whose size and sha256 are those on the card', async () => {
      const { card } = await loadModelFromDisk(id).then((m) => (m.model.dispose(), m));
      expect(card.weights.files.map((f) => f.path)).toEqual(expect.arrayContaining(['weights.bin', 'vocabulary.json']));
      for (const file of card.weights.files) {
        const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, id, file.path)));
        expect(bytes.length).toBe(file.bytes);
        expect(sha256Hex(bytes)).toBe(file.sha256);
      }
    });

    it('recomputes the test accuracy on the card with the shipped vocabulary and the core tokenizer', async () => {
      const { model, card } = await loadModelFromDisk(id);
      const vocabulary = JSON.parse(readFileSync(join(MODELS_DIR, id, 'vocabulary.json'), 'utf8')) as Vocabulary;
      const testPath = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files.test);
      const test = parseSpamSplit(JSON.parse(readFileSync(testPath, 'utf8')), testPath);
      expect(card.classes).toEqual(['ham', 'spam']);
      expect(card.training.splitSeed).toBe(SPAM_SPLIT.seed);
      expect(card.training.testSize).toBe(test.length);
      expect(card.parameters).toBe(model.countParams());
      const [maxLength] = card.input.shape;
      expect(card.input.range).toEqual([0, vocabularySize(vocabulary) - 1]);
      const before = tf.memory().numTensors;
      const ids = encodeTexts(
        test.map((e) => e.text),
        vocabulary,
        maxLength,
      );
      const correct = await countCorrectTexts(
        (x) => model.predict(x) as tf.Tensor2D,
        ids,
        test.map((e) => e.label),
      );
      ids.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(correct).toBe(card.metrics.testCorrect);
      expect(correct / test.length).toBeCloseTo(card.metrics.testAccuracy, 10);
      expect(correct / test.length).toBeGreaterThanOrEqual(0.97);
      model.dispose();
    });
  });

  it('the CNN reaches at least 97% test accuracy', () => {
    const card = JSON.parse(readFileSync(join(MODELS_DIR, 'mnist-cnn', 'card.json'), 'utf8'));
    expect(card.metrics.testAccuracy).toBeGreaterThanOrEqual(0.97);
  });
});
