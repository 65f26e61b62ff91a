import * as tf from '@tensorflow/tfjs';
import type { ModelCard } from './card';

/**
 * The one interface attacks, metrics and the UI see. `logits` is what white-box attacks differentiate;
 * a model whose card says it outputs probabilities is turned into log-probabilities, which have the same
 * softmax and argmax.
 */
export interface Classifier {
  readonly card: ModelCard;
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  logits(x: tf.Tensor4D): tf.Tensor2D;
  probabilities(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

export function classifierFromLayersModel(model: tf.LayersModel, card: ModelCard): Classifier {
  const [h, w, c] = card.input.shape;
  const logits = (x: tf.Tensor4D) =>
    tf.tidy(() => {
      const out = model.apply(x, { training: false }) as tf.Tensor2D;
      return card.output === 'logits' ? out : tf.log(tf.clipByValue(out, 1e-12, 1));
    });
  return {
    card,
    inputShape: [h, w, c],
    numClasses: card.classes.length,
    logits,
    probabilities: (x) => tf.tidy(() => tf.softmax(logits(x))),
    dispose: () => model.dispose(),
  };
}
