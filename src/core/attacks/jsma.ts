import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { afterStepOnValues, attackInSlices, logitsAndGradient, readParams } from './common';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams } from './types';
import { JSMA_META } from './catalog';

const params = JSMA_META.params;

interface JsmaParams extends AttackParams {
  theta: number;
  gamma: number;
  batch_size: number;
}

/** The L0 budget in pixels; the tolerance keeps float error in gamma * features from adding a pixel. */
export const jsmaBudget = (gamma: number, features: number) => Math.ceil(gamma * features - 1e-9);

/**
 * The paper's pairwise saliency map: among pairs (p, q) of searchable features, with alpha = the summed derivatives
 * of the target logit and beta = those of all other logits, the pair where alpha pushes the way theta moves, beta the
 * other way, and |alpha * beta| is largest. With one pixel of budget left, the same rule over single features.
 * When no pair meets the sign conditions, falls back to the largest alpha alone (ART's rule). Returns [] if nothing
 * is searchable.
 */
export function mostSalient(alpha: Float32Array, beta: Float32Array, searchable: number[], direction: 1 | -1, pairs: boolean): number[] {
  // Signs right means alpha * direction > 0 and beta * direction < 0; the score -alpha * beta is then positive.
  let bestScore = 0;
  let best: number[] = [];
  const count = searchable.length;
  if (pairs) {
    for (let i = 0; i < count; i++) {
      const p = searchable[i];
      const alphaP = alpha[p];
      const betaP = beta[p];
      for (let j = i + 1; j < count; j++) {
        const q = searchable[j];
        const a = alphaP + alpha[q];
        const b = betaP + beta[q];
        if (a * direction > 0 && b * direction < 0 && -a * b > bestScore) {
          bestScore = -a * b;
          best = [p, q];
        }
      }
    }
  } else {
    for (const p of searchable) {
      if (alpha[p] * direction > 0 && beta[p] * direction < 0 && -alpha[p] * beta[p] > bestScore) {
        bestScore = -alpha[p] * beta[p];
        best = [p];
      }
    }
  }
  if (best.length > 0) return best;
  // Fallback: the features whose target derivative points most strongly the way theta moves.
  const ranked = [...searchable].sort((p, q) => (alpha[q] - alpha[p]) * direction);
  return ranked.slice(0, pairs ? 2 : 1);
}

async function jsmaSlice(model: Classifier, batch: AttackBatch, p: JsmaParams, context: AttackContext): Promise<AttackOutput> {
  const n = batch.labels.length;
  const numClasses = model.numClasses;
  const imageShape = batch.x.shape.slice(1) as [number, number, number];
  const features = imageShape[0] * imageShape[1] * imageShape[2];
  const [low, high] = context.clip;
  const targets = batch.targets!;
  const direction: 1 | -1 = p.theta > 0 ? 1 : -1;
  const budget = jsmaBudget(p.gamma, features);
  const values = Float32Array.from(await batch.x.data());
  // A feature can move only if it is not already at the end of the range theta pushes towards, and only once.
  const searchable = new Uint8Array(n * features);
  for (let k = 0; k < n * features; k++) searchable[k] = direction > 0 ? Number(values[k] < high) : Number(values[k] > low);
  const changed = new Int32Array(n);
  const steps = new Int32Array(n);
  const active = new Array<boolean>(n).fill(budget > 0);

  for (let step = 1; ; step++) {
    if (isStopped(context.control)) break;
    const rows = active.flatMap((on, i) => (on ? [i] : []));
    if (rows.length === 0) break;
    const a = rows.length;
    const x = tf.tensor4d(rows.length === n ? values : concatRows(values, rows, features), [a, ...imageShape]);
    // Jacobian of the logits (JSMA-Z), not of the softmax: its derivatives do not vanish on confident predictions.
    // Copy 1 differentiates the target logit (alpha), copy 2 the sum of all logits (alpha + beta).
    const selector = tf.tidy(() =>
      tf.concat([
        tf
          .oneHot(
            tf.tensor1d(
              rows.map((row) => targets[row]),
              'int32',
            ),
            numClasses,
          )
          .toFloat(),
        tf.ones([a, numClasses]),
      ]),
    );
    const doubled = tf.concat([x, x]) as tf.Tensor4D;
    let labelsNow: Int32Array;
    let jacobian: Float32Array;
    try {
      const { logits, gradient } = logitsAndGradient(model, doubled, (z) => z.mul(selector).sum() as tf.Scalar);
      const predicted = tf.tidy(() => logits.slice([0, 0], [a, numClasses]).argMax(1));
      try {
        [labelsNow, jacobian] = await Promise.all([predicted.data() as Promise<Int32Array>, gradient.data() as Promise<Float32Array>]);
      } finally {
        tf.dispose([logits, gradient, predicted]);
      }
    } finally {
      tf.dispose([x, selector, doubled]);
    }

    let moved = false;
    rows.forEach((row, i) => {
      const remaining = budget - changed[row];
      const domain: number[] = [];
      for (let f = 0; f < features; f++) if (searchable[row * features + f]) domain.push(f);
      if (labelsNow[i] === targets[row] || remaining <= 0 || domain.length === 0) {
        active[row] = false;
        return;
      }
      const alpha = jacobian.subarray(i * features, (i + 1) * features);
      const total = jacobian.subarray((a + i) * features, (a + i + 1) * features);
      const beta = new Float32Array(features);
      for (let f = 0; f < features; f++) beta[f] = total[f] - alpha[f];
      for (const f of mostSalient(alpha, beta, domain, direction, remaining >= 2)) {
        const k = row * features + f;
        values[k] = Math.min(high, Math.max(low, values[k] + p.theta));
        searchable[k] = 0;
        changed[row]++;
      }
      steps[row]++;
      moved = true;
    });
    if (!moved) break;
    await afterStepOnValues(context, step, values, [n, ...imageShape]);
  }
  return { adversarial: tf.tensor4d(values, [n, ...imageShape]), steps };
}

/** The rows' features, one after another. */
function concatRows(values: Float32Array, rows: number[], features: number): Float32Array {
  const out = new Float32Array(rows.length * features);
  rows.forEach((row, i) => out.set(values.subarray(row * features, (row + 1) * features), i * features));
  return out;
}

/**
 * Jacobian-based Saliency Map Attack (Papernot, McDaniel, Jha, Fredrikson, Berkay Celik, Swami, EuroS&P 2016):
 * repeatedly picks the pair of pixels whose forward derivatives most raise the target class and lower the others,
 * and moves both by theta, until the model says the target or the L0 budget gamma is spent. Always targeted.
 */
export const jsma: AttackDefinition = {
  meta: JSMA_META,

  async run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<JsmaParams>(params, given);
    if (p.theta === 0) throw new Error('Change per pixel θ (theta) must not be 0: use a positive value to turn pixels on, a negative one to turn them off.');
    if (!batch.targets) throw new Error('JSMA is a targeted attack: choose a target class for every image.');
    return attackInSlices(batch, p.batch_size, context, (slice, sliceContext) => jsmaSlice(model, slice, p, sliceContext));
  },
};
