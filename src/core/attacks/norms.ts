import * as tf from '@tensorflow/tfjs';

/** Pixels whose change is at most this are counted as unchanged by L0 (float noise from clipping). */
export const L0_TOLERANCE = 1e-6;

export interface PerturbationNorms {
  l0: Float32Array;
  l2: Float32Array;
  linf: Float32Array;
}

/** Per-example L0 / L2 / L-inf norms of (adversarial - original). */
export async function perturbationNorms(original: tf.Tensor4D, adversarial: tf.Tensor4D): Promise<PerturbationNorms> {
  const [l0, l2, linf] = tf.tidy(() => {
    const delta = adversarial.sub(original).reshape([original.shape[0], -1]);
    const magnitude = delta.abs();
    return [magnitude.greater(L0_TOLERANCE).sum(1).toFloat(), delta.square().sum(1).sqrt(), magnitude.max(1)];
  });
  const out = { l0: (await l0.data()) as Float32Array, l2: (await l2.data()) as Float32Array, linf: (await linf.data()) as Float32Array };
  tf.dispose([l0, l2, linf]);
  return out;
}
