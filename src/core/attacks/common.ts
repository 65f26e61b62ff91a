import * as tf from '@tensorflow/tfjs';
import { signOf } from '../backend/ops';
import type { Rng } from '../data/rng';
import type { Classifier } from '../models/classifier';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackOutput, NormName } from './types';

/**
 * Per-example sum of cross-entropy on logits, through logSoftmax. Summed, not averaged, so a gradient does not
 * shrink with batch size. For a value only: attacks differentiate `lossAscentDirection`, whose gradient is exact.
 */
export function crossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.logSoftmax(logits).mul(tf.oneHot(labels, logits.shape[1])).sum().neg() as tf.Scalar);
}

/** Stands in for minus infinity in a softmax: exp of it underflows to exactly 0, with no inf - inf anywhere. */
const MASKED_LOGIT = -1e30;

/**
 * The gradient of the cross-entropy on `labels` with respect to the logits, divided per example by 1 - p_y (a
 * positive factor, so the input gradient's direction, sign and L1/L2-normalised size are unchanged): the softmax
 * over the other classes, and -1 at y. tf.losses computes z - (max + log Σ exp z) in float32, so p_y - 1 is
 * quantised in steps of about 2e-6 and is 0 for confident examples; here 1 - p_y = Σ_{j≠y} p_j is never formed,
 * and no term underflows however confident the model is.
 */
export function crossEntropyLogitDirection(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const isLabel = tf.oneHot(labels, logits.shape[1]);
    const others = tf.softmax(tf.where(isLabel.cast('bool'), tf.fill(logits.shape, MASKED_LOGIT), logits));
    return others.sub(isLabel) as tf.Tensor2D;
  });
}

/**
 * The direction an attack ascends, as a positive per-example multiple of the loss gradient with respect to x: of
 * the cross-entropy on the true label (untargeted: push away from it), or of minus the cross-entropy on the target
 * (targeted: pull towards it). Exact in float32 for confident examples (see crossEntropyLogitDirection); every
 * consumer takes its sign or normalises it per example. The caller owns the result.
 */
export function lossAscentDirection(model: Classifier, x: tf.Tensor4D, labels: Int32Array, targets?: Int32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const towards = tf.tensor1d(targets ?? labels, 'int32');
    const sign = targets ? -1 : 1;
    // The forward value is unused; the backward pass starts from the exact logit gradient.
    const forward = (z: tf.Tensor, save: tf.GradSaveFunc) => {
      const direction = crossEntropyLogitDirection(z as tf.Tensor2D, towards).mul(sign);
      save([direction]);
      return { value: tf.scalar(0), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => saved[0].mul(dy) };
    };
    const ascent = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
    return tf.grad((input: tf.Tensor) => ascent(model.logits(input as tf.Tensor4D)))(x) as tf.Tensor4D;
  });
}

/** Reshapes a per-example column [n] to broadcast over images [n, 1, 1, 1]. */
export const perExample = (v: tf.Tensor1D): tf.Tensor4D => v.reshape([-1, 1, 1, 1]);

/** L2 norm of each example, [n]. */
export function l2PerExample(t: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => t.reshape([t.shape[0], -1]).square().sum(1).sqrt() as tf.Tensor1D);
}

/** Each example divided by its L2 norm (zero stays zero). */
export function normalizeL2(t: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => t.div(perExample(l2PerExample(t)).add(1e-12)));
}

/** The steepest-ascent direction of unit size in the norm: sign(g) for L-inf, g / ||g||2 for L2. */
export function steepestDirection(g: tf.Tensor4D, norm: NormName): tf.Tensor4D {
  if (norm === 'inf') return signOf(g);
  if (norm === '2') return normalizeL2(g);
  throw new Error(`No steepest-ascent step is defined here for the L${norm} norm.`);
}

/** Budgets below this are zero: float32 cannot hold them, and wasm's clip mishandles subnormal bounds. */
const SMALLEST_BUDGET = 1e-12;

export function projectToLinfBall(delta: tf.Tensor4D, eps: number): tf.Tensor4D {
  if (eps < SMALLEST_BUDGET) return tf.zerosLike(delta);
  return tf.clipByValue(delta, -eps, eps);
}

/** Scales down each example whose L2 norm exceeds eps onto the sphere of radius eps. */
export function projectToL2Ball(delta: tf.Tensor4D, eps: number): tf.Tensor4D {
  if (eps < SMALLEST_BUDGET) return tf.zerosLike(delta);
  return tf.tidy(() => {
    const norms = perExample(l2PerExample(delta));
    return delta.mul(tf.minimum(1, tf.scalar(eps).div(norms.add(1e-12))));
  });
}

export function projectToBall(delta: tf.Tensor4D, eps: number, norm: NormName): tf.Tensor4D {
  return norm === 'inf' ? projectToLinfBall(delta, eps) : projectToL2Ball(delta, eps);
}

/** Clips into the model's input range. */
export function clipToRange(x: tf.Tensor4D, [low, high]: [number, number]): tf.Tensor4D {
  return tf.clipByValue(x, low, high);
}

/** A seed for tfjs's random ops drawn from the attack's generator, so a run is reproducible from its seed. */
export const tfSeed = (rng: Rng) => rng.int(2 ** 31 - 1);

/** A uniformly random point in the eps-ball of the norm (L-inf: uniform per pixel; L2: uniform in the ball). */
export function randomPointInBall(shape: [number, number, number, number], eps: number, norm: NormName, rng: Rng): tf.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'inf') return tf.randomUniform(shape, -eps, eps, 'float32', tfSeed(rng)) as tf.Tensor4D;
    const direction = normalizeL2(tf.randomNormal(shape, 0, 1, 'float32', tfSeed(rng)) as tf.Tensor4D);
    const dims = shape[1] * shape[2] * shape[3];
    const radius = tf
      .randomUniform([shape[0]], 0, 1, 'float32', tfSeed(rng))
      .pow(1 / dims)
      .mul(eps) as tf.Tensor1D;
    return direction.mul(perExample(radius));
  });
}

/** Predicted labels for a batch (a plain array; the model's outputs are disposed). */
export async function predictLabels(model: Classifier, x: tf.Tensor4D): Promise<Int32Array> {
  const labels = tf.tidy(() => model.logits(x).argMax(1));
  const out = (await labels.data()) as Int32Array;
  labels.dispose();
  return out;
}

/** Whether each prediction counts as a success: a changed label, or the target label when targeted. */
export function successes(predicted: Int32Array, labels: Int32Array, targets?: Int32Array): boolean[] {
  return Array.from(predicted, (p, i) => (targets ? p === targets[i] : p !== labels[i]));
}

/** After iteration `step`: awaits the run's step callback (a worker lets a cancel in), then shows `current` to onFrame. */
export async function afterStep(context: AttackContext, step: number, current: tf.Tensor4D): Promise<void> {
  await context.control?.onStep?.();
  await context.onFrame?.(step, current);
}

/** The same for an attack that holds its batch as numbers: a tensor is made only when onFrame watches, then disposed. */
export async function afterStepOnValues(context: AttackContext, step: number, values: Float32Array, shape: [number, number, number, number]): Promise<void> {
  await context.control?.onStep?.();
  if (!context.onFrame) return;
  const frame = tf.tensor4d(values.slice(), shape);
  try {
    await context.onFrame(step, frame);
  } finally {
    frame.dispose();
  }
}

/**
 * Runs an attack on consecutive slices of at most `batchSize` examples (ART's batch_size) and joins the outputs.
 * `onFrame` still sees the whole batch: finished slices, the slice in progress, then the untouched originals. Once
 * the run is stopped, the slices not started are returned as they were (0 steps).
 */
export async function attackInSlices(
  batch: AttackBatch,
  batchSize: number,
  context: AttackContext,
  attackSlice: (slice: AttackBatch, context: AttackContext) => Promise<AttackOutput>,
): Promise<AttackOutput> {
  const n = batch.labels.length;
  if (n <= batchSize) return attackSlice(batch, context);
  const outputs: AttackOutput[] = [];
  let stepOffset = 0;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const x = batch.x.slice([start], [count]) as tf.Tensor4D;
      if (isStopped(context.control)) {
        outputs.push({ adversarial: x, steps: new Int32Array(count) });
        continue;
      }
      let lastStep = 0;
      const onFrame = context.onFrame;
      const sliceContext: AttackContext = {
        ...context,
        onFrame: onFrame
          ? async (step, current) => {
              lastStep = step;
              const whole = tf.tidy(() => {
                const parts = [...outputs.map((o) => o.adversarial), current];
                if (start + count < n) parts.push(batch.x.slice([start + count]));
                return tf.concat(parts) as tf.Tensor4D;
              });
              try {
                await onFrame(stepOffset + step, whole);
              } finally {
                whole.dispose();
              }
            }
          : undefined,
      };
      try {
        const slice = { x, labels: batch.labels.subarray(start, start + count), targets: batch.targets?.subarray(start, start + count) };
        outputs.push(await attackSlice(slice, sliceContext));
      } finally {
        x.dispose();
      }
      stepOffset += lastStep;
    }
    const adversarial = tf.concat(outputs.map((o) => o.adversarial)) as tf.Tensor4D;
    const joinInts = (arrays: Int32Array[]) => Int32Array.from(arrays.flatMap((a) => Array.from(a)));
    const queries = outputs.every((o) => o.queries) ? joinInts(outputs.map((o) => o.queries!)) : undefined;
    return { adversarial, steps: joinInts(outputs.map((o) => o.steps)), ...(queries ? { queries } : {}) };
  } finally {
    tf.dispose(outputs.map((o) => o.adversarial));
  }
}

/**
 * The logits at x and the gradient of objective(logits) with respect to x, from one forward and one backward pass.
 * The caller owns both tensors.
 */
export function logitsAndGradient(
  model: Classifier,
  x: tf.Tensor4D,
  objective: (logits: tf.Tensor2D) => tf.Scalar,
): { logits: tf.Tensor2D; gradient: tf.Tensor4D } {
  let logits: tf.Tensor2D | undefined;
  const gradient = tf.grad((input: tf.Tensor) => {
    const z = model.logits(input as tf.Tensor4D);
    // Kept so the gradient's scope does not dispose it: the caller reads the logits the gradient was taken at.
    logits = tf.keep(z);
    return objective(z);
  })(x) as tf.Tensor4D;
  return { logits: logits!, gradient };
}

// Parameter specs and their reading live in params.ts (no tfjs there: the UI imports them).
export { COMMON_PARAMS, readParams } from './params';
