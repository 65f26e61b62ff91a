import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/rng';
import type { Classifier } from '../models/classifier';
import type { AttackParams, NormName, ParamSpec } from './types';

/** Per-example sum of cross-entropy on logits. Summed, not averaged, so a gradient does not shrink with batch size. */
export function crossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits, undefined, undefined, tf.Reduction.SUM) as tf.Scalar;
}

/**
 * The gradient an attack ascends: of the loss on the true label (untargeted: push away from it), or of minus the
 * loss on the target label (targeted: pull towards it). The caller owns the result.
 */
export function objectiveGradient(model: Classifier, x: tf.Tensor4D, labels: Int32Array, targets?: Int32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const towards = targets ? tf.tensor1d(targets, 'int32') : tf.tensor1d(labels, 'int32');
    const sign = targets ? -1 : 1;
    return tf.grad((input: tf.Tensor) => crossEntropySum(model.logits(input as tf.Tensor4D), towards).mul(sign))(x) as tf.Tensor4D;
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
  if (norm === 'inf') return tf.sign(g);
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
    const radius = tf.randomUniform([shape[0]], 0, 1, 'float32', tfSeed(rng)).pow(1 / dims).mul(eps) as tf.Tensor1D;
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

/** Reads the parameters an attack declares, with their defaults, and checks ranges with a plain message. */
export function readParams<T extends AttackParams>(specs: ParamSpec[], given: AttackParams): T {
  const out: AttackParams = {};
  for (const spec of specs) {
    const value = given[spec.key] ?? spec.default;
    if (spec.kind === 'number' || spec.kind === 'integer') {
      const n = Number(value);
      if (!Number.isFinite(n) || (spec.kind === 'integer' && !Number.isInteger(n))) {
        throw new Error(`${spec.label} (${spec.key}) must be ${spec.kind === 'integer' ? 'a whole number' : 'a number'}; got "${value}".`);
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new Error(`${spec.label} (${spec.key}) must be between ${spec.min} and ${spec.max}; got ${n}.`);
      }
      out[spec.key] = n;
    } else if (spec.kind === 'boolean') {
      out[spec.key] = value === true || value === 'true';
    } else {
      if (!spec.choices?.includes(String(value))) {
        throw new Error(`${spec.label} (${spec.key}) must be one of ${spec.choices?.join(', ')}; got "${value}".`);
      }
      out[spec.key] = String(value);
    }
  }
  return out as T;
}

/** Parameters several attacks share, with the Adversarial Robustness Toolbox's names and defaults. */
export const COMMON_PARAMS = {
  eps: (fallback = 0.3): ParamSpec => ({
    key: 'eps', label: 'Budget ε', kind: 'number', default: fallback, min: 0, max: 10, step: 0.01,
    help: 'Largest perturbation allowed, in the chosen norm (pixels are in [0, 1]).',
  }),
  epsStep: (fallback = 0.1): ParamSpec => ({
    key: 'eps_step', label: 'Step size', kind: 'number', default: fallback, min: 0, max: 10, step: 0.005,
    help: 'Size of each iteration’s step, in the chosen norm.',
  }),
  maxIter: (fallback = 100, max = 10000): ParamSpec => ({
    key: 'max_iter', label: 'Iterations', kind: 'integer', default: fallback, min: 1, max, step: 1,
    help: 'Number of iterations (more is stronger and slower).',
  }),
  norm: (choices: readonly NormName[] = ['inf', '2']): ParamSpec => ({
    key: 'norm', label: 'Norm', kind: 'choice', default: choices[0], choices,
    help: 'L-inf bounds every pixel’s change; L2 bounds the total Euclidean change.',
  }),
  targeted: (fallback = false): ParamSpec => ({
    key: 'targeted', label: 'Targeted', kind: 'boolean', default: fallback,
    help: 'Aim for a chosen class instead of any wrong class.',
  }),
  numRandomInit: (fallback = 0): ParamSpec => ({
    key: 'num_random_init', label: 'Random restarts', kind: 'integer', default: fallback, min: 0, max: 20, step: 1,
    help: 'Start from this many random points in the ball and keep the best (0: start at the image).',
  }),
  batchSize: (fallback = 32): ParamSpec => ({
    key: 'batch_size', label: 'Batch size', kind: 'integer', default: fallback, min: 1, max: 2000, step: 1,
    help: 'Images attacked together; larger is faster, up to memory.',
  }),
};
