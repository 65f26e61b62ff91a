import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { afterStep, attackInSlices, clipToRange, logitsAndGradient, readParams } from './common';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams } from './types';
import { DEEPFOOL_META } from './catalog';

const params = DEEPFOOL_META.params;

interface DeepFoolParams extends AttackParams {
  max_iter: number;
  epsilon: number;
  nb_grads: number;
  batch_size: number;
}

/** Added to the distance of each step, as in ART, so a step on a linear model lands strictly past the boundary. */
const STEP_MARGIN = 1e-4;

/**
 * One DeepFool step for the active rows (Algorithm 2 of the paper): towards the closest linearised boundary
 * between the original class (candidate 0) and each other candidate, by its distance plus STEP_MARGIN.
 * `logits` and `gradient` come from `grads` stacked copies of the active rows; the result is the whole batch.
 */
function deepfoolStep(
  current: tf.Tensor4D,
  rows: number[],
  moving: boolean[],
  logits: tf.Tensor2D,
  gradient: tf.Tensor4D,
  selector: tf.Tensor2D,
  grads: number,
  clip: [number, number],
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ...imageShape] = current.shape;
    const a = rows.length;
    const dims = imageShape[0] * imageShape[1] * imageShape[2];
    const g = gradient.reshape([grads, a, dims]);
    // Row g * a + i holds image i's logits: its selected entry is f of its g-th candidate class.
    const fCandidates = logits.mul(selector).sum(1).reshape([grads, a]);
    // Boundary k against the original class: w_k = grad f_k - grad f_0, f'_k = f_k - f_0 (< 0 while unchanged).
    const w = g.slice([1, 0, 0], [grads - 1, a, dims]).sub(g.slice([0, 0, 0], [1, a, dims]));
    const fDiff = fCandidates.slice([1, 0], [grads - 1, a]).sub(fCandidates.slice([0, 0], [1, a]));
    const wNorm = w.square().sum(2).sqrt();
    // The linearised distance to each boundary; the closest one is crossed.
    const distance = fDiff.abs().div(wNorm.add(1e-12));
    const closest = tf
      .oneHot(distance.argMin(0), grads - 1)
      .transpose()
      .toFloat();
    const wClosest = w.mul(closest.expandDims(2)).sum(0);
    const scale = fDiff.abs().add(STEP_MARGIN).div(wNorm.square().add(1e-12)).mul(closest).sum(0);
    const movingMask = tf.tensor1d(moving.map(Number), 'float32');
    const r = wClosest.mul(scale.mul(movingMask).expandDims(1)).reshape([a, ...imageShape]);
    // Spread the active rows' steps back to the whole batch: rows not attacked pick the appended zero row.
    const position = new Int32Array(n).fill(a);
    rows.forEach((row, i) => (position[row] = i));
    const spread = tf.concat([r, tf.zeros([1, ...imageShape])]).gather(tf.tensor1d(position, 'int32'));
    return clipToRange(current.add(spread) as tf.Tensor4D, clip);
  });
}

async function deepfoolSlice(model: Classifier, batch: AttackBatch, p: DeepFoolParams, context: AttackContext): Promise<AttackOutput> {
  const n = batch.labels.length;
  const numClasses = model.numClasses;
  const grads = Math.min(p.nb_grads, numClasses);
  // Candidate classes per example: the top logits at the original image, the predicted class first.
  const topIndices = tf.tidy(() => tf.topk(model.logits(batch.x), grads).indices);
  const candidates = (await topIndices.data()) as Int32Array;
  topIndices.dispose();
  // An image the model already gets wrong is already adversarial: it does not move (judged against the true label).
  const active = Array.from(batch.labels, (label, i) => candidates[i * grads] === label);
  const steps = new Int32Array(n);
  let current = batch.x.clone();

  // The current batch is released if a callback or the model throws, so nothing leaks.
  try {
    for (let step = 1; step <= p.max_iter; step++) {
      if (isStopped(context.control)) break;
      const rows = active.flatMap((on, i) => (on ? [i] : []));
      if (rows.length === 0) break;
      const a = rows.length;
      // Copy g of the active images differentiates each one's g-th candidate logit: one backward pass for all classes.
      const classOfRow = new Int32Array(grads * a);
      for (let g = 0; g < grads; g++) for (let i = 0; i < a; i++) classOfRow[g * a + i] = candidates[rows[i] * grads + g];
      const rowIndex = tf.tensor1d(rows, 'int32');
      const selector = tf.tidy(() => tf.oneHot(tf.tensor1d(classOfRow, 'int32'), numClasses).toFloat() as tf.Tensor2D);
      const tiled = tf.tidy(() => tf.gather(current, rowIndex).tile([grads, 1, 1, 1]) as tf.Tensor4D);
      let moving: boolean[];
      let next: tf.Tensor4D | undefined;
      try {
        const { logits, gradient } = logitsAndGradient(model, tiled, (z) => z.mul(selector).sum() as tf.Scalar);
        try {
          const predicted = tf.tidy(() => logits.slice([0, 0], [a, numClasses]).argMax(1));
          const predictedNow = (await predicted.data()) as Int32Array;
          predicted.dispose();
          // Images whose label has changed stop here; the rest take one DeepFool step.
          moving = rows.map((row, i) => predictedNow[i] === candidates[row * grads]);
          if (moving.some(Boolean)) next = deepfoolStep(current, rows, moving, logits, gradient, selector, grads, context.clip);
        } finally {
          tf.dispose([logits, gradient]);
        }
      } finally {
        tf.dispose([rowIndex, selector, tiled]);
      }
      rows.forEach((row, i) => {
        active[row] = moving[i];
        steps[row] += moving[i] ? 1 : 0;
      });
      if (!next) break;
      current.dispose();
      current = next;
      await afterStep(context, step, current);
    }
  } catch (error) {
    current.dispose();
    throw error;
  }

  // ART's final overshoot: scale the whole perturbation by (1 + epsilon), then clip.
  const adversarial = tf.tidy(() => clipToRange(batch.x.add(current.sub(batch.x).mul(1 + p.epsilon)) as tf.Tensor4D, context.clip));
  current.dispose();
  return { adversarial, steps };
}

/**
 * DeepFool (Moosavi-Dezfooli, Fawzi, Frossard, CVPR 2016): linearise the classifier around the current image and
 * step onto the nearest linearised class boundary, until the label changes; the result is close to the minimal L2
 * perturbation. Untargeted, batched, with the candidate classes, step margin and final overshoot of ART.
 */
export const deepfool: AttackDefinition = {
  meta: DEEPFOOL_META,

  async run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<DeepFoolParams>(params, given);
    return attackInSlices(batch, p.batch_size, context, (slice, sliceContext) => deepfoolSlice(model, slice, p, sliceContext));
  },
};
