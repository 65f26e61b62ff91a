import * as tf from '@tensorflow/tfjs';
import { perturbationNorms } from './norms';
import type { Classifier } from '../models/classifier';
import { labelModelOf, scoreModelOf } from './blackbox';
import {
  isDecisionBased,
  isScoreBased,
  isWhiteBox,
  type AttackBatch,
  type AttackContext,
  type AttackDefinition,
  type AttackOutput,
  type AttackParams,
} from './types';

/** What the lab and the reports show for each attacked example. */
export interface ExampleResult {
  trueLabel: number;
  target?: number;
  originalLabel: number;
  originalConfidence: number;
  adversarialLabel: number;
  adversarialConfidence: number;
  /** Untargeted: the adversarial label differs from the true label; targeted: it is the target. */
  success: boolean;
  l0: number;
  l2: number;
  linf: number;
  steps: number;
  queries?: number;
}

export interface Predictions {
  labels: Int32Array;
  confidence: Float32Array;
}

/** Predicted labels and their probabilities for a batch. */
export async function predictions(model: Classifier, x: tf.Tensor4D): Promise<Predictions> {
  const [labels, confidence] = tf.tidy(() => {
    const probs = model.probabilities(x);
    return [probs.argMax(1), probs.max(1)];
  });
  const out = { labels: (await labels.data()) as Int32Array, confidence: (await confidence.data()) as Float32Array };
  tf.dispose([labels, confidence]);
  return out;
}

/**
 * Runs an attack on a batch through the view its threat model allows (the classifier, its scores, or its labels)
 * and measures the outcome per example. The caller owns `adversarial`.
 */
export async function attackBatch(
  attack: AttackDefinition,
  model: Classifier,
  batch: AttackBatch,
  params: AttackParams,
  context: AttackContext,
  before?: Predictions,
): Promise<{ adversarial: tf.Tensor4D; results: ExampleResult[] }> {
  // Targets matter only to a targeted run: an untargeted one is judged against the true labels.
  const isTargeted = attack.meta.targeted === 'always' || (attack.meta.targeted === 'optional' && params.targeted === true);
  if (isTargeted && !batch.targets) throw new Error(`${attack.meta.name} is targeted here: choose a target class for every image.`);
  batch = isTargeted ? batch : { ...batch, targets: undefined };
  let output: AttackOutput;
  if (isWhiteBox(attack)) output = await attack.run(model, batch, params, context);
  else if (isScoreBased(attack)) output = await attack.run(scoreModelOf(model).model, batch, params, context);
  else if (isDecisionBased(attack)) output = await attack.run(labelModelOf(model).model, batch, params, context);
  else throw new Error(`Unknown threat model for ${(attack as AttackDefinition).meta.name}.`);
  let results: ExampleResult[];
  try {
    results = await measure(model, batch, output, before);
  } catch (error) {
    output.adversarial.dispose();
    throw error;
  }
  return { adversarial: output.adversarial, results };
}

/**
 * Per-example labels, confidences, success and norms of an attack's output. `before`, the predictions on the
 * originals, can be passed in when several outputs share one batch (a sweep), to predict them once.
 */
export async function measure(model: Classifier, batch: AttackBatch, output: AttackOutput, before?: Predictions): Promise<ExampleResult[]> {
  before ??= await predictions(model, batch.x);
  const after = await predictions(model, output.adversarial);
  const norms = await perturbationNorms(batch.x, output.adversarial);
  return Array.from(batch.labels, (trueLabel, i) => {
    const target = batch.targets?.[i];
    return {
      trueLabel,
      target,
      originalLabel: before.labels[i],
      originalConfidence: before.confidence[i],
      adversarialLabel: after.labels[i],
      adversarialConfidence: after.confidence[i],
      success: target !== undefined ? after.labels[i] === target : after.labels[i] !== trueLabel,
      l0: norms.l0[i],
      l2: norms.l2[i],
      linf: norms.linf[i],
      steps: output.steps[i],
      queries: output.queries?.[i],
    };
  });
}
