/**
 * What every attack is, as plain data: names, papers, threat models, parameters with their defaults. No tfjs
 * here, so the page can list attacks and build their forms without loading TensorFlow.js on the main thread; the
 * attack files (in the worker) take their meta from here.
 */
import { COMMON_PARAMS } from './params';
import type { AttackMeta, ParamSpec } from './types';

const whiteBox = (meta: AttackMeta & { knowledge: 'white-box' }) => meta;
const scoreBased = (meta: AttackMeta & { knowledge: 'score-based' }) => meta;
const decisionBased = (meta: AttackMeta & { knowledge: 'decision-based' }) => meta;

const FGSM_PARAMS = [COMMON_PARAMS.norm(), COMMON_PARAMS.eps(0.3), COMMON_PARAMS.targeted()];

export const FGSM_META = whiteBox({
  id: 'fgsm',
  name: 'FGSM / FGM',
  paper: { authors: 'Goodfellow, Shlens, Szegedy', title: 'Explaining and Harnessing Adversarial Examples', year: 2015, venue: 'ICLR' },
  threatModel: 'White-box: one gradient step of size ε in L-inf (FGSM) or L2 (FGM).',
  norm: 'param',
  knowledge: 'white-box',
  targeted: 'optional',
  params: FGSM_PARAMS,
  budgetParam: 'eps',
  testParams: { norm: '2', eps: 0.5 },
});

const PGD_PARAMS = [
  COMMON_PARAMS.norm(),
  COMMON_PARAMS.eps(0.3),
  COMMON_PARAMS.epsStep(0.1),
  COMMON_PARAMS.maxIter(100, 1000),
  COMMON_PARAMS.targeted(),
  COMMON_PARAMS.numRandomInit(0),
];

export const PGD_META = whiteBox({
  id: 'pgd',
  name: 'PGD',
  paper: {
    authors: 'Madry, Makelov, Schmidt, Tsipras, Vladu',
    title: 'Towards Deep Learning Models Resistant to Adversarial Attacks',
    year: 2018,
    venue: 'ICLR',
  },
  threatModel: 'White-box: iterated gradient steps projected back into the ε-ball (L-inf or L2), from random starts.',
  norm: 'param',
  knowledge: 'white-box',
  targeted: 'optional',
  params: PGD_PARAMS,
  budgetParam: 'eps',
  testParams: { norm: 'inf', eps: 0.1, eps_step: 0.04, max_iter: 5, num_random_init: 2 },
});

const BIM_PARAMS = [COMMON_PARAMS.eps(0.3), COMMON_PARAMS.epsStep(0.1), COMMON_PARAMS.maxIter(100, 1000), COMMON_PARAMS.targeted()];

export const BIM_META = whiteBox({
  id: 'bim',
  name: 'BIM',
  paper: { authors: 'Kurakin, Goodfellow, Bengio', title: 'Adversarial Examples in the Physical World', year: 2017, venue: 'ICLR workshop' },
  threatModel: 'White-box: iterated FGSM steps, each result clipped back into the L-inf ε-ball, from the image itself.',
  norm: 'inf',
  knowledge: 'white-box',
  targeted: 'optional',
  params: BIM_PARAMS,
  budgetParam: 'eps',
  testParams: { eps: 0.1, eps_step: 0.04, max_iter: 5 },
});

const MIM_PARAMS = [
  COMMON_PARAMS.norm(),
  COMMON_PARAMS.eps(0.3),
  COMMON_PARAMS.epsStep(0.1),
  {
    key: 'decay',
    label: 'Momentum decay',
    kind: 'number',
    default: 1.0,
    min: 0,
    max: 2,
    step: 0.1,
    help: 'How much of the previous direction each step keeps (μ in the paper).',
  } as const,
  COMMON_PARAMS.maxIter(100, 1000),
  COMMON_PARAMS.targeted(),
];

export const MIM_META = whiteBox({
  id: 'mim',
  name: 'MIM (momentum)',
  paper: { authors: 'Dong, Liao, Pang, Su, Zhu, Hu, Li', title: 'Boosting Adversarial Attacks with Momentum', year: 2018, venue: 'CVPR' },
  threatModel: 'White-box: iterated steps along a momentum of normalised gradients, projected into the ε-ball.',
  norm: 'param',
  knowledge: 'white-box',
  targeted: 'optional',
  params: MIM_PARAMS,
  budgetParam: 'eps',
  testParams: { norm: '2', eps: 0.5, eps_step: 0.2, max_iter: 5 },
});

const DEEPFOOL_PARAMS: ParamSpec[] = [
  {
    key: 'max_iter',
    label: 'Iterations',
    kind: 'integer',
    default: 100,
    min: 1,
    max: 1000,
    step: 1,
    help: 'Most linearisation steps per image; an image stops as soon as its label changes (5 to 15 on the MNIST CNN).',
  },
  {
    key: 'epsilon',
    label: 'Overshoot',
    kind: 'number',
    default: 1e-6,
    min: 0,
    max: 1,
    step: 0.01,
    help: 'The final perturbation is scaled by (1 + epsilon) to land past the boundary (ART: 1e-6; the paper: 0.02).',
  },
  {
    key: 'nb_grads',
    label: 'Classes considered',
    kind: 'integer',
    default: 10,
    min: 2,
    max: 1000,
    step: 1,
    help: 'Only the classes with the highest logits on the original image are candidate boundaries (10: all of MNIST).',
  },
  COMMON_PARAMS.batchSize(32),
];

export const DEEPFOOL_META = whiteBox({
  id: 'deepfool',
  name: 'DeepFool',
  paper: {
    authors: 'Moosavi-Dezfooli, Fawzi, Frossard',
    title: 'DeepFool: a simple and accurate method to fool deep neural networks',
    year: 2016,
    venue: 'CVPR',
  },
  threatModel: 'White-box: steps to the nearest linearised decision boundary until the label changes, approximating the smallest L2 change.',
  norm: '2',
  knowledge: 'white-box',
  targeted: 'never',
  params: DEEPFOOL_PARAMS,
  testParams: { max_iter: 10, batch_size: 2 },
});

const CW_L2_PARAMS: ParamSpec[] = [
  {
    key: 'confidence',
    label: 'Confidence κ',
    kind: 'number',
    default: 0,
    min: 0,
    max: 100,
    step: 0.5,
    help: 'How far the adversarial logit must win by: higher transfers better and costs a larger L2.',
  },
  COMMON_PARAMS.targeted(false),
  {
    key: 'learning_rate',
    label: 'Learning rate',
    kind: 'number',
    default: 0.1,
    min: 0.0001,
    max: 10,
    step: 0.005,
    help: 'Adam step in tanh space (ART: 0.01, too small to move pixels at 0 or 1, which sit at atanh ≈ ±7.25).',
  },
  {
    key: 'binary_search_steps',
    label: 'Binary search steps',
    kind: 'integer',
    default: 5,
    min: 1,
    max: 50,
    step: 1,
    help: 'Rounds of the search over the constant c per image (ART: 10; on MNIST, 3 and 5 rounds give the same L2 within 2%).',
  },
  {
    key: 'max_iter',
    label: 'Iterations',
    kind: 'integer',
    default: 100,
    min: 1,
    max: 1000,
    step: 1,
    help: 'Adam steps per round (ART: 10, which fools 38% of MNIST digits, 3% with ART’s learning rate; 100 fools all).',
  },
  {
    key: 'initial_const',
    label: 'Initial constant c',
    kind: 'number',
    default: 0.01,
    min: 1e-6,
    max: 1e6,
    step: 0.01,
    help: 'Starting trade-off between distance and misclassification; the search multiplies it by 10 until it succeeds.',
  },
  COMMON_PARAMS.batchSize(32),
];

export const CW_L2_META = whiteBox({
  id: 'cw-l2',
  name: 'Carlini & Wagner L2',
  paper: { authors: 'Carlini, Wagner', title: 'Towards Evaluating the Robustness of Neural Networks', year: 2017, venue: 'IEEE S&P' },
  threatModel: 'White-box: optimises the smallest L2 change that makes the model’s logits miss the label (or hit the target) by a margin κ.',
  norm: '2',
  knowledge: 'white-box',
  targeted: 'optional',
  params: CW_L2_PARAMS,
  testParams: { binary_search_steps: 2, max_iter: 8, batch_size: 2 },
});

const JSMA_PARAMS: ParamSpec[] = [
  {
    key: 'theta',
    label: 'Change per pixel θ',
    kind: 'number',
    default: 1,
    min: -1,
    max: 1,
    step: 0.05,
    help: 'Added once to each chosen pixel, then clipped: +1 turns pixels on, negative values turn them off (ART: 0.1; the paper: +1).',
  },
  {
    key: 'gamma',
    label: 'Max pixels changed γ',
    kind: 'number',
    default: 1,
    min: 0,
    max: 1,
    step: 0.01,
    help: 'Largest fraction of the pixels the attack may change (the L0 budget; the paper uses 0.145 on MNIST).',
  },
  COMMON_PARAMS.batchSize(32),
];

export const JSMA_META = whiteBox({
  id: 'jsma',
  name: 'JSMA',
  paper: {
    authors: 'Papernot, McDaniel, Jha, Fredrikson, Celik, Swami',
    title: 'The Limitations of Deep Learning in Adversarial Settings',
    year: 2016,
    venue: 'IEEE EuroS&P',
  },
  threatModel: 'White-box: changes as few pixels as it can (L0), chosen pairwise from the Jacobian, to reach a target class.',
  norm: '0',
  knowledge: 'white-box',
  targeted: 'always',
  params: JSMA_PARAMS,
  budgetParam: 'gamma',
  testParams: { gamma: 0.25, batch_size: 2 },
});

const SIMBA_PARAMS: ParamSpec[] = [
  {
    key: 'attack',
    label: 'Basis',
    kind: 'choice',
    default: 'dct',
    choices: ['dct', 'px'],
    help: 'dct: low-frequency cosine patterns, lowest first (SimBA-DCT); px: one pixel at a time (SimBA).',
  },
  {
    key: 'max_iter',
    label: 'Queries per image',
    kind: 'integer',
    default: 3000,
    min: 1,
    max: 100_000,
    step: 100,
    help: 'Query budget per image, the first query included (ART counts iterations of two queries; here every query counts).',
  },
  // 0.5, not ART's 0.1: on the bundled MNIST CNN (1,000 queries, ε 0.3), steps of 0.1, 0.2, 0.5 and 1 fooled 45, 74,
  // 89 and 91 of the first 100 test digits; 0.5 is nearly as strong as 1 with a smaller L2 (median 2.7 against 3.7).
  {
    key: 'epsilon',
    label: 'Step size',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 10,
    step: 0.05,
    help: 'Each step adds ±epsilon times one unit-L2 basis vector (ART: 0.1; 0.5 suits 28×28 digits).',
  },
  {
    key: 'eps',
    label: 'Budget ε (L-inf)',
    kind: 'number',
    default: 0.3,
    min: 0,
    max: 10,
    step: 0.01,
    help: 'L-inf bound on the total change, enforced on every candidate (the paper bounds nothing; this lab bounds it).',
  },
  {
    key: 'order',
    label: 'Pixel order',
    kind: 'choice',
    default: 'random',
    choices: ['random', 'diag'],
    help: 'px only: pixels in random order, or by diagonals from the top-left corner (dct always goes low to high).',
  },
  {
    key: 'freq_dim',
    label: 'First frequencies',
    kind: 'integer',
    default: 4,
    min: 1,
    max: 1024,
    step: 1,
    help: 'dct only: the first freq_dim × freq_dim lowest frequencies are tried first, in random order.',
  },
  {
    key: 'stride',
    label: 'Frequency stride',
    kind: 'integer',
    default: 1,
    min: 1,
    max: 1024,
    step: 1,
    help: 'dct only: each later block adds stride more frequencies in each direction.',
  },
  COMMON_PARAMS.targeted(),
  {
    key: 'batch_size',
    label: 'Batch size',
    kind: 'integer',
    default: 32,
    min: 1,
    max: 2000,
    step: 1,
    help: 'Most images sent to the model in one call; larger is faster, up to memory.',
  },
];

export const SIMBA_META = scoreBased({
  id: 'simba',
  name: 'SimBA',
  paper: { authors: 'Guo, Gardner, You, Wilson, Weinberger', title: 'Simple Black-box Adversarial Attacks', year: 2019, venue: 'ICML' },
  threatModel:
    'Score-based: sees only output probabilities and adds ±ε along random pixel or low-frequency DCT directions, kept when the true-class probability drops, within an L-inf ε-ball.',
  norm: 'inf',
  knowledge: 'score-based',
  targeted: 'optional',
  params: SIMBA_PARAMS,
  budgetParam: 'eps',
  testParams: { max_iter: 60, eps: 0.1 },
});

const SQUARE_PARAMS: ParamSpec[] = [
  COMMON_PARAMS.norm(['inf', '2']),
  { ...COMMON_PARAMS.eps(0.3), help: 'Largest perturbation, in the chosen norm (MNIST in [0, 1]: about 0.3 for L-inf, 2 for L2).' },
  {
    key: 'max_iter',
    label: 'Queries per image',
    kind: 'integer',
    default: 1000,
    min: 1,
    max: 100_000,
    step: 100,
    help: 'Query budget per image and restart, the initial query included (ART counts iterations; one iteration is one query).',
  },
  // 0.5: on the bundled MNIST CNN with 1,000 queries, 0.3 to 0.8 fooled more digits than 0.05 or 0.1 at ε = 0.1 and 0.15.
  {
    key: 'p_init',
    label: 'Initial square fraction',
    kind: 'number',
    default: 0.5,
    min: 0.001,
    max: 1,
    step: 0.01,
    help: 'Fraction of pixels the first squares cover, then halved on schedule (authors: 0.05 on ImageNet, 0.3 to 0.8 on MNIST).',
  },
  {
    key: 'nb_restarts',
    label: 'Restarts',
    kind: 'integer',
    default: 1,
    min: 1,
    max: 20,
    step: 1,
    help: 'Runs from a new random start for the images not yet fooled, each with its own query budget.',
  },
  COMMON_PARAMS.targeted(),
  {
    key: 'batch_size',
    label: 'Batch size',
    kind: 'integer',
    default: 32,
    min: 1,
    max: 2000,
    step: 1,
    help: 'Most images sent to the model in one call; larger is faster, up to memory.',
  },
];

export const SQUARE_META = scoreBased({
  id: 'square',
  name: 'Square Attack',
  paper: {
    authors: 'Andriushchenko, Croce, Flammarion, Hein',
    title: 'Square Attack: a query-efficient black-box adversarial attack via random search',
    year: 2020,
    venue: 'ECCV',
  },
  threatModel:
    'Score-based: sees only output probabilities and random-searches square-shaped updates on the boundary of the ε-ball (L-inf or L2), keeping those that lower the margin loss.',
  norm: 'param',
  knowledge: 'score-based',
  targeted: 'optional',
  params: SQUARE_PARAMS,
  budgetParam: 'eps',
  testParams: { norm: '2', eps: 0.5, max_iter: 60 },
});

const HOPSKIPJUMP_PARAMS: ParamSpec[] = [
  {
    ...COMMON_PARAMS.norm(['2', 'inf']),
    help: 'L2: Gaussian probes and normalised steps; L-inf: uniform probes and sign steps. The perturbation minimised.',
  },
  {
    key: 'max_iter',
    label: 'Iterations',
    kind: 'integer',
    default: 50,
    min: 0,
    max: 1000,
    step: 1,
    help: 'Rounds of gradient estimate, jump and binary search per image (the query budget usually ends it first).',
  },
  {
    key: 'max_eval',
    label: 'Most probes per estimate',
    kind: 'integer',
    default: 10_000,
    min: 1,
    max: 100_000,
    step: 100,
    help: 'Cap on the label queries one gradient estimate may use.',
  },
  {
    key: 'init_eval',
    label: 'First probes',
    kind: 'integer',
    default: 100,
    min: 1,
    max: 100_000,
    step: 10,
    help: 'Label queries of the first gradient estimate; iteration t uses init_eval × √t.',
  },
  {
    key: 'init_size',
    label: 'Starting tries',
    kind: 'integer',
    default: 100,
    min: 1,
    max: 10_000,
    step: 10,
    help: 'Most tries to find a starting point the model gets wrong: uniform noise (targeted: batch images of the target class first).',
  },
  {
    key: 'max_queries',
    label: 'Queries per image',
    kind: 'integer',
    default: 1000,
    min: 1,
    max: 1_000_000,
    step: 100,
    help: 'Query budget per image, every label query counted, the first one on the clean image included (not in ART).',
  },
  COMMON_PARAMS.targeted(),
  {
    key: 'batch_size',
    label: 'Batch size',
    kind: 'integer',
    default: 64,
    min: 1,
    max: 2000,
    step: 1,
    help: 'Most images sent to the model in one call; larger is faster, up to memory.',
  },
];

export const HOPSKIPJUMP_META = decisionBased({
  id: 'hopskipjump',
  name: 'HopSkipJump',
  paper: {
    authors: 'Chen, Jordan, Wainwright',
    title: 'HopSkipJumpAttack: A Query-Efficient Decision-Based Attack',
    year: 2020,
    venue: 'IEEE Symposium on Security and Privacy',
  },
  threatModel:
    'Decision-based: sees only the predicted label and walks along the decision boundary to shrink the perturbation (L2 or L-inf) of a misclassified point.',
  norm: 'param',
  knowledge: 'decision-based',
  // Targeted runs start from a batch image of the target class (or noise the model assigns to it).
  targeted: 'optional',
  params: HOPSKIPJUMP_PARAMS,
  testParams: { max_iter: 4, max_queries: 300, init_eval: 10, max_eval: 40, init_size: 20 },
});

/**
 * Every attack the labs offer, in the order the UI lists them: the shipped ones, then any added with
 * registerAttackMeta. A live list on purpose (the one piece of module state here): an attack added from its own
 * catalog-entry file appears in every list, form and URL check that reads this, without an edit here.
 */
const catalog: AttackMeta[] = [FGSM_META, BIM_META, PGD_META, MIM_META, DEEPFOOL_META, CW_L2_META, JSMA_META, SIMBA_META, SQUARE_META, HOPSKIPJUMP_META];
export const ATTACK_METAS: readonly AttackMeta[] = catalog;

/**
 * Adds an attack to the catalog from its own catalog-entry file (tfjs-free, so the page can import it); its
 * implementation file then calls registerAttack (registry.ts). Adding it twice is a no-op, a different attack under
 * a taken id an error.
 */
export function registerAttackMeta<M extends AttackMeta>(meta: M): M {
  const taken = catalog.find((m) => m.id === meta.id);
  if (taken && taken !== meta) throw new Error(`An attack called "${meta.id}" is already in the catalog (${taken.name}); choose another id.`);
  if (!taken) catalog.push(meta);
  return meta;
}

export function getAttackMeta(id: string): AttackMeta {
  const meta = ATTACK_METAS.find((m) => m.id === id);
  if (!meta) throw new Error(`There is no attack called "${id}". Choose one of: ${ATTACK_METAS.map((m) => m.id).join(', ')}.`);
  return meta;
}
