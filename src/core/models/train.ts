import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/mnist';
import { imagesToTensor, labelsToTensor } from '../data/tensors';
import { createRng, shuffleInPlace } from '../data/rng';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the order of examples in every epoch. */
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
  /** Checked between batches; training stops early and cleanly when it returns true. */
  shouldStop?: () => boolean;
}

/** Softmax cross-entropy on logits, averaged over the batch. */
export function logitsLoss(labels: tf.Tensor1D, logits: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar;
}

/**
 * Trains a logits model with Adam in mini-batches, with a seeded shuffle (no Math.random anywhere), so the same
 * seed and backend give the same weights.
 */
export async function trainClassifier(model: tf.LayersModel, data: ImageSplit, options: TrainOptions): Promise<number[]> {
  const rng = createRng(options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const xs = imagesToTensor(data);
  const ys = labelsToTensor(data);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = shuffleInPlace(Array.from({ length: data.count }, (_, i) => i), rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        if (options.shouldStop?.()) return losses;
        const indices = tf.tensor1d(order.slice(start, start + options.batchSize), 'int32');
        const loss = optimizer.minimize(
          () => logitsLoss(tf.gather(ys, indices) as tf.Tensor1D, model.apply(tf.gather(xs, indices), { training: true }) as tf.Tensor2D),
          true,
        );
        lossSum += (await loss!.data())[0];
        batches++;
        tf.dispose([loss!, indices]);
      }
      losses.push(lossSum / batches);
      options.onEpoch?.(epoch, lossSum / batches);
    }
    return losses;
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
  }
}

/** Number of examples the model labels correctly, evaluated in batches to bound memory. */
export async function countCorrect(
  predictLogits: (x: tf.Tensor4D) => tf.Tensor2D,
  data: ImageSplit,
  batchSize = 500,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const count = Math.min(batchSize, data.count - start);
    const hits = tf.tidy(() => {
      const logits = predictLogits(imagesToTensor(data, start, count));
      return logits.argMax(1).equal(labelsToTensor(data, start, count)).sum();
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct;
}
