import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { afterStep, clipToRange, lossAscentDirection, readParams, steepestDirection } from './common';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams, NormName } from './types';
import { FGSM_META } from './catalog';

const params = FGSM_META.params;

interface FgmParams extends AttackParams {
  norm: NormName;
  eps: number;
  targeted: boolean;
}

/** One step of size eps along the steepest-ascent direction of the loss, clipped to the input range. */
function fgmStep(x: tf.Tensor4D, direction: tf.Tensor4D, eps: number, clip: [number, number]): tf.Tensor4D {
  return tf.tidy(() => clipToRange(x.add(direction.mul(eps)), clip));
}

function direction(model: Classifier, batch: AttackBatch, p: FgmParams): tf.Tensor4D {
  if (p.targeted && !batch.targets) throw new Error('A targeted FGSM needs a target class for every image.');
  return tf.tidy(() => steepestDirection(lossAscentDirection(model, batch.x, batch.labels, p.targeted ? batch.targets : undefined), p.norm));
}

/**
 * Fast Gradient Sign Method (L-inf) and Fast Gradient Method (L2): x' = clip(x + eps * sign(grad)) or
 * clip(x + eps * grad / ||grad||2), with the gradient of the loss at x (Goodfellow et al., 2015).
 */
export const fgsm: AttackDefinition = {
  meta: FGSM_META,

  async run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<FgmParams>(params, given);
    const d = direction(model, batch, p);
    const adversarial = fgmStep(batch.x, d, p.eps, context.clip);
    d.dispose();
    try {
      await afterStep(context, 1, adversarial);
    } catch (error) {
      adversarial.dispose();
      throw error;
    }
    return { adversarial, steps: new Int32Array(batch.labels.length).fill(1) };
  },

  /** The gradient does not depend on eps: compute it once, then one cheap step per budget. */
  async sweep(model: Classifier, batch: AttackBatch, given: AttackParams, budgets: number[], context: AttackContext) {
    const p = readParams<FgmParams>(params, given);
    const d = direction(model, batch, p);
    const outputs = budgets.map((eps) => ({
      adversarial: fgmStep(batch.x, d, eps, context.clip),
      steps: new Int32Array(batch.labels.length).fill(1),
    }));
    d.dispose();
    return outputs;
  },
};
