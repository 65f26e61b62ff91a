import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import type { LabelModel, ScoreModel } from './types';

/** A model seen only through its outputs, with a count of the queries (rows) it answered. */
export interface CountingModel<M> {
  model: M;
  queries(): number;
}

/** Probabilities as plain numbers: an attack holding this cannot differentiate the model. */
export function scoreModelOf(classifier: Classifier): CountingModel<ScoreModel> {
  let queries = 0;
  return {
    model: {
      numClasses: classifier.numClasses,
      async scores(x: tf.Tensor4D) {
        const probs = tf.tidy(() => classifier.probabilities(x));
        const values = (await probs.data()) as Float32Array;
        probs.dispose();
        queries += x.shape[0];
        return values;
      },
    },
    queries: () => queries,
  };
}

/** Predicted labels only. */
export function labelModelOf(classifier: Classifier): CountingModel<LabelModel> {
  let queries = 0;
  return {
    model: {
      numClasses: classifier.numClasses,
      async labels(x: tf.Tensor4D) {
        const labels = tf.tidy(() => classifier.logits(x).argMax(1));
        const values = (await labels.data()) as Int32Array;
        labels.dispose();
        queries += x.shape[0];
        return values;
      },
    },
    queries: () => queries,
  };
}

/** Probabilities for `count` row-major images, in model calls of at most `batchSize` rows (each row one query). */
export async function queryScores(
  model: ScoreModel,
  rows: Float32Array,
  count: number,
  shape: [number, number, number],
  batchSize: number,
): Promise<Float32Array> {
  const size = shape[0] * shape[1] * shape[2];
  const out = new Float32Array(count * model.numClasses);
  for (let start = 0; start < count; start += batchSize) {
    const k = Math.min(batchSize, count - start);
    const x = tf.tensor4d(rows.subarray(start * size, (start + k) * size), [k, ...shape]);
    try {
      out.set(await model.scores(x), start * model.numClasses);
    } finally {
      x.dispose();
    }
  }
  return out;
}

/** Predicted labels for `count` row-major images, in model calls of at most `batchSize` rows (each row one query). */
export async function queryLabels(
  model: LabelModel,
  rows: Float32Array,
  count: number,
  shape: [number, number, number],
  batchSize: number,
): Promise<Int32Array> {
  const size = shape[0] * shape[1] * shape[2];
  const out = new Int32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const k = Math.min(batchSize, count - start);
    const x = tf.tensor4d(rows.subarray(start * size, (start + k) * size), [k, ...shape]);
    try {
      out.set(await model.labels(x), start);
    } finally {
      x.dispose();
    }
  }
  return out;
}
