import type { Classifier } from '../models/classifier';
import { readParams } from './common';
import { iterativeAttack } from './iterative';
import type { AttackBatch, AttackContext, AttackDefinition, AttackParams, NormName } from './types';
import { MIM_META } from './catalog';

const params = MIM_META.params;

interface MimParams extends AttackParams {
  norm: NormName;
  eps: number;
  eps_step: number;
  decay: number;
  max_iter: number;
  targeted: boolean;
}

/** Momentum Iterative Method: BIM whose direction accumulates L1-normalised gradients (Dong et al., 2018). */
export const mim: AttackDefinition = {
  meta: MIM_META,
  run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext) {
    const p = readParams<MimParams>([...params], given);
    return iterativeAttack(
      model,
      batch,
      { norm: p.norm, eps: p.eps, epsStep: p.eps_step, maxIter: p.max_iter, targeted: p.targeted, numRandomInit: 0, decay: p.decay },
      context,
    );
  },
};
