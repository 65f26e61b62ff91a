import type { Classifier } from '../models/classifier';
import { BIM_META, PGD_META } from './catalog';
import { readParams } from './common';
import { iterativeAttack } from './iterative';
import type { AttackBatch, AttackContext, AttackDefinition, AttackParams, NormName } from './types';

const pgdParams = PGD_META.params;

interface PgdParams extends AttackParams {
  norm: NormName;
  eps: number;
  eps_step: number;
  max_iter: number;
  targeted: boolean;
  num_random_init: number;
}

/** Projected Gradient Descent, L-inf or L2, with optional random starts (Madry et al., 2018). */
export const pgd: AttackDefinition = {
  meta: PGD_META,
  run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext) {
    const p = readParams<PgdParams>(pgdParams, given);
    return iterativeAttack(model, batch, { ...p, epsStep: p.eps_step, maxIter: p.max_iter, numRandomInit: p.num_random_init }, context);
  },
};

const bimParams = BIM_META.params;

/** Basic Iterative Method: FGSM repeated with a small step, clipped to the L-inf ball (Kurakin et al., 2017). */
export const bim: AttackDefinition = {
  meta: BIM_META,
  run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext) {
    const p = readParams<PgdParams>(bimParams, given);
    return iterativeAttack(
      model,
      batch,
      { norm: 'inf', eps: p.eps, epsStep: p.eps_step, maxIter: p.max_iter, targeted: p.targeted, numRandomInit: 0 },
      context,
    );
  },
};
