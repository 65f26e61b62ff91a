/** Models and data for attack tests: a tiny seeded classifier, and a wrapper that forbids gradients. */
import * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../models/card';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import type { ImageSplit } from '../data/mnist';
import { createRng } from '../data/rng';

export function cardFor(shape: [number, number, number], classes: number): ModelCard {
  return {
    id: 'tiny',
    name: 'tiny test model',
    task: 'image-classification',
    description: '',
    architecture: { summary: '', layers: [] },
    parameters: 0,
    input: { shape, range: [0, 1], description: '' },
    output: 'logits',
    classes: Array.from({ length: classes }, (_, k) => String(k)),
    training: {
      data: '',
      splitSeed: 0,
      trainSize: 0,
      testSize: 0,
      epochs: 0,
      batchSize: 0,
      optimizer: '',
      augmentation: '',
      learningRate: 0,
      schedule: '',
      seed: 0,
      backend: '',
      seconds: 0,
      command: '',
    },
    metrics: { trainAccuracy: 0, testAccuracy: 0, testCorrect: 0 },
    weights: { files: [] },
    created: '',
  };
}

/** A small dense network with seeded random weights on [h, w, 1] inputs: smooth, cheap, deterministic. */
export function tinyClassifier(seed = 1, shape: [number, number, number] = [4, 4, 1], classes = 3): Classifier {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: shape }),
      tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
      tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
  return classifierFromLayersModel(model, cardFor(shape, classes));
}

/**
 * The same classifier, but any gradient through it throws: running a score- or decision-based attack on it
 * proves the attack never differentiates the model.
 */
export function gradientFree(classifier: Classifier): Classifier {
  const guarded = tf.customGrad(((x: tf.Tensor) => ({
    value: classifier.logits(x as tf.Tensor4D),
    gradFunc: () => {
      throw new Error('gradient used on a black-box model');
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return { ...classifier, logits: (x) => guarded(x) as tf.Tensor2D, probabilities: (x) => tf.tidy(() => tf.softmax(guarded(x) as tf.Tensor2D)) };
}

/** `count` seeded 4x4 gray images in three classes (150: enough for the audit's extraction, 50 held out, 100 to query). */
export function tinySplit(count = 150): ImageSplit {
  const rng = createRng(9);
  const images = Uint8Array.from({ length: count * 16 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  return { images, labels, count, height: 4, width: 4, channels: 1, numClasses: 3 };
}
