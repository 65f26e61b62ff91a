import type { Classifier } from '../models/classifier';
import { COMMON_PARAMS, readParams } from './common';
import { iterativeAttack } from './iterative';
import type { AttackBatch, AttackContext, AttackDefinition, AttackParams, NormName } from './types';

const pgdParams = [
  COMMON_PARAMS.norm(),
  COMMON_PARAMS.eps(0.3),
  COMMON_PARAMS.epsStep(0.1),
  COMMON_PARAMS.maxIter(100, 1000),
  COMMON_PARAMS.targeted(),
  COMMON_PARAMS.numRandomInit(0),
];

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
  meta: {
    id: 'pgd',
    name: 'PGD',
    paper: { authors: 'Madry, Makelov, Schmidt, Tsipras, Vladu', title: 'Towards Deep Learning Models Resistant to Adversarial Attacks', year: 2018, venue: 'ICLR' },
    threatModel: 'White-box: iterated gradient steps projected back into the ε-ball (L-inf or L2), from random starts.',
    norm: 'param',
    knowledge: 'white-box',
    targeted: 'optional',
    params: pgdParams,
    budgetParam: 'eps',
  },
  run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext) {
    const p = readParams<PgdParams>(pgdParams, given);
    return iterativeAttack(model, batch, { ...p, epsStep: p.eps_step, maxIter: p.max_iter, numRandomInit: p.num_random_init }, context);
  },
};

const bimParams = [COMMON_PARAMS.eps(0.3), COMMON_PARAMS.epsStep(0.1), COMMON_PARAMS.maxIter(100, 1000), COMMON_PARAMS.targeted()];

/** Basic Iterative Method: FGSM repeated with a small step, clipped to the L-inf ball (Kurakin et al., 2017). */
export const bim: AttackDefinition = {
  meta: {
    id: 'bim',
    name: 'BIM',
    paper: { authors: 'Kurakin, Goodfellow, Bengio', title: 'Adversarial Examples in the Physical World', year: 2017, venue: 'ICLR workshop' },
    threatModel: 'White-box: iterated FGSM steps, each result clipped back into the L-inf ε-ball, from the image itself.',
    norm: 'inf',
    knowledge: 'white-box',
    targeted: 'optional',
    params: bimParams,
    budgetParam: 'eps',
  },
  run(model: Classifier, batch: AttackBatch, given: AttackParams, context: AttackContext) {
    const p = readParams<PgdParams>(bimParams, given);
    return iterativeAttack(model, batch, { norm: 'inf', eps: p.eps, epsStep: p.eps_step, maxIter: p.max_iter, targeted: p.targeted, numRandomInit: 0 }, context);
  },
};
