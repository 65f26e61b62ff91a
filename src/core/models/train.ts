import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/mnist';
import { imagesToTensor, labelsToTensor } from '../data/tensors';
import { createRng, shuffleInPlace, type Rng } from '../data/rng';
import { isStopped, type RunControl } from '../run/control';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs from which the learning rate is divided by 10 (a step schedule), e.g. [9] for the last epochs. */
  decayEpochs?: number[];
  /** Seeds the order of examples in every epoch. */
  seed: number;
  /** Random translations of up to this many pixels per example and batch (seeded), a cheap regulariser. */
  augmentShift?: number;
  onEpoch?: (epoch: number, loss: number) => void;
  /** Its signal is checked between batches (training stops early and cleanly, with the losses of whole epochs), its onStep awaited after each batch, its progress is the share of batches done. */
  control?: RunControl;
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
      const decays = (options.decayEpochs ?? []).filter((e) => e <= epoch).length;
      // Adam reads its learningRate field at every step; changing it keeps the moment estimates.
      (optimizer as unknown as { learningRate: number }).learningRate = options.learningRate / 10 ** decays;
      const order = shuffleInPlace(Array.from({ length: data.count }, (_, i) => i), rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        if (isStopped(options.control)) return losses;
        const batch = order.slice(start, start + options.batchSize);
        const indices = tf.tensor1d(batch, 'int32');
        try {
          const loss = optimizer.minimize(() => {
            let inputs = tf.gather(xs, indices) as tf.Tensor4D;
            if (options.augmentShift) inputs = randomShift(inputs, options.augmentShift, rng);
            return logitsLoss(tf.gather(ys, indices) as tf.Tensor1D, model.apply(inputs, { training: true }) as tf.Tensor2D);
          }, true)!;
          try {
            lossSum += (await loss.data())[0];
          } finally {
            loss.dispose();
          }
        } finally {
          indices.dispose();
        }
        batches++;
        await options.control?.onStep?.();
        options.control?.onProgress?.((epoch + Math.min(1, (start + options.batchSize) / order.length)) / options.epochs, `epoch ${epoch + 1} of ${options.epochs}`);
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

/** Translates each image by a random whole number of pixels in [-maxShift, maxShift], filling with zeros. */
export function randomShift(images: tf.Tensor4D, maxShift: number, rng: Rng): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = images.shape;
    const padded = tf.pad(images, [[0, 0], [maxShift, maxShift], [maxShift, maxShift], [0, 0]]);
    const ph = h + 2 * maxShift - 1;
    const pw = w + 2 * maxShift - 1;
    // A box of exactly h x w pixels at an integer offset: cropAndResize then copies pixels without interpolation.
    const boxes: number[] = [];
    for (let i = 0; i < n; i++) {
      const dy = rng.int(2 * maxShift + 1);
      const dx = rng.int(2 * maxShift + 1);
      boxes.push(dy / ph, dx / pw, (dy + h - 1) / ph, (dx + w - 1) / pw);
    }
    const boxIndices = Array.from({ length: n }, (_, i) => i);
    return tf.image.cropAndResize(padded, tf.tensor2d(boxes, [n, 4]), tf.tensor1d(boxIndices, 'int32'), [h, w]);
  });
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
