/**
 * A toy attack's catalog entry, the first of the two files that add an attack (the other is its implementation,
 * toyAttack.ts). A test fixture: nothing in the app imports it, so it is not in the shipped list.
 */
import { registerAttackMeta } from '../catalog';
import { COMMON_PARAMS } from '../params';

export const TOY_ATTACK_META = registerAttackMeta({
  id: 'toy-random-corner',
  name: 'Random corner (toy)',
  paper: { authors: 'None', title: 'A baseline: random corners of the L-inf ball', year: 2026, venue: 'test fixture' },
  threatModel: 'Decision-based: tries random corners x ± ε of the L-inf ball and keeps the first the model gets wrong.',
  norm: 'inf',
  knowledge: 'decision-based',
  targeted: 'never',
  params: [COMMON_PARAMS.eps(0.3), { ...COMMON_PARAMS.maxIter(20, 1000), help: 'Random corners tried per image.' }],
  budgetParam: 'eps',
  testParams: { eps: 0.2, max_iter: 6 },
});
