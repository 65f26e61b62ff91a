import type { Classifier } from '../models/classifier';
import { COMMON_PARAMS, readParams } from './common';
import { iterativeAttack } from './iterative';
import type { AttackBatch, AttackContext, AttackDefinition, AttackParams, NormName } from './types';

const params = [
  COMMON_PARAMS.norm(),
  COMMON_PARAMS.eps(0.3),
  COMMON_PARAMS.epsStep(0.1),
  { key: 'decay', label: 'Momentum decay', kind: 'number', default: 1.0, min: 0, max: 2, step: 0.1, help: 'How much of the previous direction each step keeps (μ in the paper).' } as const,
  COMMON_PARAMS.maxIter(100, 1000),
  COMMON_PARAMS.targeted(),
];

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
  meta: {
    id: 'mim',
    name: 'MIM (momentum)',
    paper: { authors: 'Dong, Liao, Pang, Su, Zhu, Hu, Li', title: 'Boosting Adversarial Attacks with Momentum', year: 2018, venue: 'CVPR' },
    threatModel: 'White-box: iterated steps along a momentum of normalised gradients, projected into the ε-ball.',
    norm: 'param',
    knowledge: 'white-box',
    targeted: 'optional',
    params: [...params],
    budgetParam: 'eps',
  },
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
