import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { afterStep, attackInSlices, readParams } from './common';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams } from './types';
import { CW_L2_META } from './catalog';

const params = CW_L2_META.params;

interface CarliniWagnerParams extends AttackParams {
  confidence: number;
  targeted: boolean;
  learning_rate: number;
  binary_search_steps: number;
  max_iter: number;
  initial_const: number;
  batch_size: number;
}

/** Pixels at the ends of the range map to atanh(±(1 - 1e-6)) ≈ ±7.25 instead of ±infinity (as in the paper’s code). */
const TANH_LIMIT = 1 - 1e-6;
/** An upper bound on c that no search has reached yet: until one does, c grows tenfold. */
const NO_UPPER_BOUND = 1e10;
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** The mapping w -> image of the paper's change of variables, stretched onto the model's input range [low, high]. */
function imageOf(w: tf.Tensor4D, [low, high]: [number, number]): tf.Tensor4D {
  return tf
    .tanh(w)
    .add(1)
    .mul((high - low) / 2)
    .add(low) as tf.Tensor4D;
}

/** The inverse mapping; pixels at the ends of the range come back within 1e-6 of the half-range of where they were. */
function tanhSpaceOf(x: tf.Tensor4D, [low, high]: [number, number]): tf.Tensor4D {
  return tf.tidy(
    () =>
      tf.atanh(
        x
          .sub(low)
          .div((high - low) / 2)
          .sub(1)
          .clipByValue(-TANH_LIMIT, TANH_LIMIT),
      ) as tf.Tensor4D,
  );
}

async function carliniWagnerSlice(model: Classifier, batch: AttackBatch, p: CarliniWagnerParams, context: AttackContext): Promise<AttackOutput> {
  const n = batch.labels.length;
  const numClasses = model.numClasses;
  const goal = p.targeted ? batch.targets! : batch.labels;
  const goalMask = tf.tidy(() => tf.oneHot(tf.tensor1d(goal, 'int32'), numClasses).toFloat());
  const wStart = tanhSpaceOf(batch.x, context.clip);
  const sign = p.targeted ? -1 : 1;

  const lower = new Float64Array(n);
  const upper = new Float64Array(n).fill(NO_UPPER_BOUND);
  const constant = new Float64Array(n).fill(p.initial_const);
  const bestL2 = new Float64Array(n).fill(Infinity);
  let best = batch.x.clone();
  let iterations = 0;
  let stopped = false;

  try {
    for (let round = 0; round < p.binary_search_steps && !stopped; round++) {
      const succeeded = new Array<boolean>(n).fill(false);
      const c = tf.tensor1d(Float32Array.from(constant));
      // Each round restarts from the original image with a fresh Adam state (the paper's procedure).
      let w = wStart.clone();
      let m = tf.zerosLike(w);
      let v = tf.zerosLike(w);
      let previousLoss = Infinity;
      const checkEvery = Math.max(1, Math.floor(p.max_iter / 10));
      try {
        for (let t = 1; t <= p.max_iter; t++) {
          if (isStopped(context.control)) {
            stopped = true;
            break;
          }
          let kept: tf.Tensor[] = [];
          const gradient = tf.grad((input: tf.Tensor) => {
            const image = imageOf(input as tf.Tensor4D, context.clip);
            const logits = model.logits(image);
            const distance = image.sub(batch.x).square().reshape([n, -1]).sum(1);
            const goalLogit = logits.mul(goalMask).sum(1);
            // Largest logit among the other classes: the goal entry is pushed far below every real logit.
            const otherLogit = logits.sub(goalMask.mul(1e9)).max(1);
            // f6 of the paper: how far the goal class is from losing (untargeted) or winning (targeted) by κ.
            const margin = tf.relu(goalLogit.sub(otherLogit).mul(sign).add(p.confidence));
            const perExample = distance.add(c.mul(margin));
            kept = [image, logits, distance, perExample].map((k) => tf.keep(k));
            return perExample.sum() as tf.Scalar;
          })(w) as tf.Tensor4D;
          const [image, logits, distance, perExample] = kept as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
          let loss: number;
          try {
            const [z, d2, losses] = await Promise.all([logits.data(), distance.data(), perExample.data()]);
            loss = Array.from(losses as Float32Array).reduce((sum, value) => sum + value, 0);
            // The iterate before this step's update is what the loss was measured at: keep it if it is the best so far.
            const improved = new Array<boolean>(n).fill(false);
            for (let i = 0; i < n; i++) {
              let goalValue = 0;
              let other = -Infinity;
              for (let k = 0; k < numClasses; k++) {
                const value = z[i * numClasses + k];
                if (k === goal[i]) goalValue = value;
                else other = Math.max(other, value);
              }
              const success = p.targeted ? goalValue > other + p.confidence : goalValue + p.confidence < other;
              if (!success) continue;
              succeeded[i] = true;
              if (d2[i] < bestL2[i]) {
                bestL2[i] = d2[i];
                improved[i] = true;
              }
            }
            if (improved.some(Boolean)) {
              const mask = tf.tensor1d(improved.map(Number), 'bool');
              const merged = tf.tidy(() => tf.where(mask.reshape([n, 1, 1, 1]).tile([1, ...batch.x.shape.slice(1)]), image, best));
              tf.dispose([mask, best]);
              best = merged as tf.Tensor4D;
            }

            // Adam on w, elementwise, so each image's update is independent of the rest of the batch.
            const [nextW, nextM, nextV] = tf.tidy(() => {
              const m1 = m.mul(ADAM.beta1).add(gradient.mul(1 - ADAM.beta1));
              const v1 = v.mul(ADAM.beta2).add(gradient.square().mul(1 - ADAM.beta2));
              const mHat = m1.div(1 - ADAM.beta1 ** t);
              const vHat = v1.div(1 - ADAM.beta2 ** t);
              return [w.sub(mHat.mul(p.learning_rate).div(vHat.sqrt().add(ADAM.epsilon))), m1, v1] as tf.Tensor4D[];
            });
            tf.dispose([w, m, v]);
            w = nextW;
            m = nextM;
            v = nextV;
            iterations++;
            await afterStep(context, iterations, image);
          } finally {
            // Also when a callback or the model throws mid-iteration: nothing of the iteration outlives it.
            tf.dispose([gradient, image, logits, distance, perExample]);
          }
          // The paper's early abort: stop the round when the batch loss has stalled over a tenth of the iterations.
          if (t % checkEvery === 0) {
            if (loss > previousLoss * 0.9999) break;
            previousLoss = loss;
          }
        }
      } finally {
        tf.dispose([w, m, v, c]);
      }
      // Binary search on c per image: smaller after a success, larger (tenfold until bounded) after a failure.
      for (let i = 0; i < n; i++) {
        if (succeeded[i]) {
          upper[i] = Math.min(upper[i], constant[i]);
          constant[i] = (lower[i] + upper[i]) / 2;
        } else {
          lower[i] = Math.max(lower[i], constant[i]);
          constant[i] = upper[i] < NO_UPPER_BOUND ? (lower[i] + upper[i]) / 2 : constant[i] * 10;
        }
      }
    }
  } catch (error) {
    best.dispose();
    throw error;
  } finally {
    tf.dispose([goalMask, wStart]);
  }
  return { adversarial: best, steps: new Int32Array(n).fill(iterations) };
}

/**
 * Carlini & Wagner L2 (Carlini, Wagner, IEEE S&P 2017): minimise ||x' - x||² + c · f(x') over w with
 * x' = low + (high - low) (tanh(w) + 1) / 2, so x' always lies in the input range; Adam on w, and a binary search on
 * c per image. Each image keeps the successful x' with the smallest L2 over all rounds, or the original if none.
 */
export const carliniWagnerL2: AttackDefinition = {
  meta: CW_L2_META,

  async run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<CarliniWagnerParams>(params, given);
    if (p.targeted && !batch.targets) throw new Error('A targeted Carlini & Wagner attack needs a target class for every image.');
    return attackInSlices(batch, p.batch_size, context, (slice, sliceContext) => carliniWagnerSlice(model, slice, p, sliceContext));
  },
};
