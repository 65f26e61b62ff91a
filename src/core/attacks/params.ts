import type { AttackParams, NormName, ParamSpec } from './types';

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
    key: 'eps',
    label: 'Budget ε',
    kind: 'number',
    default: fallback,
    min: 0,
    max: 10,
    step: 0.01,
    help: 'Largest perturbation allowed, in the chosen norm (pixels are in [0, 1]).',
  }),
  epsStep: (fallback = 0.1): ParamSpec => ({
    key: 'eps_step',
    label: 'Step size',
    kind: 'number',
    default: fallback,
    min: 0,
    max: 10,
    step: 0.005,
    help: 'Size of each iteration’s step, in the chosen norm.',
  }),
  maxIter: (fallback = 100, max = 10000): ParamSpec => ({
    key: 'max_iter',
    label: 'Iterations',
    kind: 'integer',
    default: fallback,
    min: 1,
    max,
    step: 1,
    help: 'Number of iterations (more is stronger and slower).',
  }),
  norm: (choices: readonly NormName[] = ['inf', '2']): ParamSpec => ({
    key: 'norm',
    label: 'Norm',
    kind: 'choice',
    default: choices[0],
    choices,
    help: 'L-inf bounds every pixel’s change; L2 bounds the total Euclidean change.',
  }),
  targeted: (fallback = false): ParamSpec => ({
    key: 'targeted',
    label: 'Targeted',
    kind: 'boolean',
    default: fallback,
    help: 'Aim for a chosen class instead of any wrong class.',
  }),
  numRandomInit: (fallback = 0): ParamSpec => ({
    key: 'num_random_init',
    label: 'Random restarts',
    kind: 'integer',
    default: fallback,
    min: 0,
    max: 20,
    step: 1,
    help: 'Start from this many random points in the ball and keep the best (0: start at the image).',
  }),
  batchSize: (fallback = 32): ParamSpec => ({
    key: 'batch_size',
    label: 'Batch size',
    kind: 'integer',
    default: fallback,
    min: 1,
    max: 2000,
    step: 1,
    help: 'Images per model call; larger is faster, up to memory.',
  }),
};
