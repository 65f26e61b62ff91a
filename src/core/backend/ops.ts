import * as tf from '@tensorflow/tfjs';

/**
 * sign(t) with no dead zone: +-1 for every non-zero value however small, 0 for 0, the same on every backend.
 * tfjs's wasm `sign` returns 0 for |x| < 1.19e-7 (FLT_EPSILON, tfjs-backend-wasm Sign.cc), which left the FGSM/PGD
 * pixels of confidently classified digits untouched. The caller owns the result.
 */
export function signOf<T extends tf.Tensor>(t: T): T {
  return tf.tidy(() => tf.sub(tf.greater(t, 0).cast('float32'), tf.less(t, 0).cast('float32')) as T);
}

/** Values whose sign a backend must get right: tiny ones on both sides of 0 and 0 itself. */
export const SIGN_PROBES = [1e-8, -1e-8, 1e-30, -1e-30, 0, 0.5, -2] as const;
export const SIGN_EXPECTED = [1, -1, 1, -1, 0, 1, -1] as const;
