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
