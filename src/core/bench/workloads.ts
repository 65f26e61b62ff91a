import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/mnist';
import { sliceSplit } from '../data/mnist';
import { imagesToTensor, labelsToTensor } from '../data/tensors';
import type { Classifier } from '../models/classifier';

/** Benchmark workloads: the same code runs in Node, in the browser's worker, on every backend. */
export const WORKLOADS = {
  forward: 'forward pass over the test digits',
  inputGradient: 'gradient of the loss with respect to the input, over the test digits',
} as const;
export type WorkloadId = keyof typeof WORKLOADS;

function lossGradient(classifier: Classifier, x: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor4D {
  return tf.grad((input: tf.Tensor) =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classifier.numClasses), classifier.logits(input as tf.Tensor4D)),
  )(x) as tf.Tensor4D;
}

/** Runs one workload over `split` in batches and waits for the backend to finish; returns milliseconds. */
export async function runWorkload(workload: WorkloadId, classifier: Classifier, split: ImageSplit, batchSize = 500): Promise<number> {
  const start = performance.now();
  for (let first = 0; first < split.count; first += batchSize) {
    const part = sliceSplit(split, first, Math.min(batchSize, split.count - first));
    const out = tf.tidy(() => {
      const x = imagesToTensor(part);
      return workload === 'forward' ? classifier.logits(x) : lossGradient(classifier, x, labelsToTensor(part));
    });
    await out.data();
    out.dispose();
  }
  return performance.now() - start;
}

/** Warm-up run (shader compilation, caches), then `repeats` timed runs. */
export async function timeWorkload(
  workload: WorkloadId,
  classifier: Classifier,
  split: ImageSplit,
  repeats: number,
): Promise<number[]> {
  await runWorkload(workload, classifier, split);
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) times.push(await runWorkload(workload, classifier, split));
  return times;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
