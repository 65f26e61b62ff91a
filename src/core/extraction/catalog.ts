/**
 * The model-extraction lab's pluggable pieces as plain data: query strategies, substitute architectures, the
 * oracle's output modes and its defenses, each with its parameters (ParamSpec, with help) and small `testParams`
 * for the contract tests. No tfjs here, so the page builds its forms and texts without loading TensorFlow.js; the
 * implementations (strategies.ts, registry.ts, oracle.ts) are keyed by the same ids and a test checks they agree.
 *
 * Parameter keys are the names of the core options they set (StrategyParams, SubstituteTraining, OutputMode), so
 * values validated by readParams go to the core run unchanged.
 */
import { readParams } from '../attacks/params';
import type { AttackMeta, AttackParams, ParamSpec } from '../attacks/types';
import { REVERSE_SIGMOID_DEFAULTS } from './defenses';
import { PRADA_DEFAULT_THRESHOLD } from './prada';
import type { SubstituteTraining } from './extract';
import type { StrategyParams } from './strategies';
import type { OracleConfig, OracleDefenses, OutputMode } from './types';

/** Parameter values by key, as plain data (for forms, the URL hash and the worker). */
export type Params = AttackParams;

export type StrategyId = 'random-noise' | 'synthetic' | 'jacobian' | 'pool-random' | 'pool-uncertainty' | 'pool-adaptive';

/** What the attacker starts with: no data, a small seed set, or a pool of unlabeled in-distribution images. */
export type AttackerKnowledge = 'none' | 'seed-set' | 'pool';

export type SubstituteId = 'mnist-mlp' | 'mnist-cnn';
export type OutputModeId = OutputMode['kind'];
export type DefenseId = 'gaussian-noise' | 'reverse-sigmoid' | 'prada';

/** What every catalog entry has: an id, a name for lists, one line for the UI, its parameters and test values. */
export interface CatalogEntry<Id extends string = string> {
  id: Id;
  name: string;
  /** One sentence for the UI. */
  description: string;
  paper?: AttackMeta['paper'];
  params: ParamSpec[];
  /**
   * Small, fast values the contract tests run the entry with (merged over the defaults). Required: an entry without
   * them fails the suite.
   */
  testParams: Params;
}

export interface StrategyMeta extends CatalogEntry<StrategyId> {
  knowledge: AttackerKnowledge;
}

// ---------------------------------------------------------------------------------------------------------------
// Query strategies (implementations: STRATEGIES in strategies.ts)

const PAPERNOT_2017: AttackMeta['paper'] = {
  authors: 'Papernot, McDaniel, Goodfellow, Jha, Celik, Swami',
  title: 'Practical Black-Box Attacks against Machine Learning',
  year: 2017,
  venue: 'AsiaCCS',
};

export const STRATEGY_METAS: readonly StrategyMeta[] = [
  {
    id: 'random-noise',
    name: 'Random noise',
    knowledge: 'none',
    description: 'No data: images of uniform random pixels.',
    params: [],
    testParams: {},
  },
  {
    id: 'synthetic',
    name: 'Synthetic strokes',
    knowledge: 'none',
    description: 'No data: random thick pen strokes, white on black, roughly where digits sit.',
    params: [],
    testParams: {},
  },
  {
    id: 'jacobian',
    name: 'Seed set + Jacobian augmentation',
    knowledge: 'seed-set',
    description: "A small seed set, doubled each round by stepping every image λ along the sign of the substitute's gradient for the oracle's label.",
    paper: PAPERNOT_2017,
    params: [
      {
        key: 'lambda',
        label: 'Step λ',
        kind: 'number',
        default: 0.1,
        min: 0,
        max: 1,
        step: 0.01,
        help: "How far each augmentation moves an image along the sign of the substitute's gradient (the paper: 0.1).",
      },
      {
        key: 'tau',
        label: 'Sign flip every τ rounds',
        kind: 'integer',
        default: 0,
        min: 0,
        max: 100,
        step: 1,
        help: "The paper's periodic step: λ changes sign every τ augmentation rounds (0: never).",
      },
    ],
    testParams: { lambda: 0.1, tau: 1 },
  },
  {
    id: 'pool-random',
    name: 'Pool, random',
    knowledge: 'pool',
    description: 'Unlabeled in-distribution images, drawn at random without repetition.',
    params: [],
    testParams: {},
  },
  {
    id: 'pool-uncertainty',
    name: 'Pool, uncertainty',
    knowledge: 'pool',
    description: 'Unlabeled images the substitute is least sure about (smallest margin or highest entropy); random in the first round.',
    params: [
      {
        key: 'uncertainty',
        label: 'Uncertainty measure',
        kind: 'choice',
        default: 'margin',
        choices: ['margin', 'entropy'],
        help: "margin: smallest gap between the substitute's two most likely classes; entropy: the flattest probabilities.",
      },
    ],
    testParams: { uncertainty: 'entropy' },
  },
  {
    id: 'pool-adaptive',
    name: 'Pool, adaptive (KnockoffNets)',
    knowledge: 'pool',
    description: "A bandit over clusters of the pool (the substitute's predicted class), rewarded by how much the oracle's answers surprise the substitute.",
    paper: { authors: 'Orekondy, Schiele, Fritz', title: 'Knockoff Nets: Stealing Functionality of Black-Box Models', year: 2019, venue: 'CVPR' },
    params: [
      {
        key: 'banditStep',
        label: 'Bandit step α',
        kind: 'number',
        default: 0.1,
        min: 0,
        max: 10,
        step: 0.05,
        help: 'Step size of the gradient bandit that learns which clusters of the pool pay off (larger adapts faster).',
      },
    ],
    testParams: { banditStep: 0.5 },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Substitutes (implementations: SUBSTITUTES in registry.ts)

/** Training parameters every substitute has; `epochs` is the one whose default depends on the architecture. */
function trainingParams(epochs: number): ParamSpec[] {
  return [
    {
      key: 'epochs',
      label: 'Epochs per round',
      kind: 'integer',
      default: epochs,
      min: 1,
      max: 200,
      step: 1,
      help: 'Passes over all answers so far, after every round of queries.',
    },
    { key: 'batchSize', label: 'Training batch size', kind: 'integer', default: 64, min: 1, max: 2000, step: 1, help: 'Answers per Adam step.' },
    { key: 'learningRate', label: 'Learning rate', kind: 'number', default: 0.001, min: 0.00001, max: 1, step: 0.0005, help: "Adam's step size." },
    {
      key: 'restart',
      label: 'Each round',
      kind: 'choice',
      default: 'continue',
      choices: ['continue', 'fresh'],
      help: 'continue: keep training the same weights on the grown set; fresh: start from the same random weights every round.',
    },
    {
      key: 'temperature',
      label: 'Distillation temperature T',
      kind: 'number',
      default: 1,
      min: 0.1,
      max: 20,
      step: 0.5,
      help: "Softens the oracle's probabilities to p^(1/T) to reveal more of its ranking (Hinton et al. 2015); 1: plain soft labels.",
    },
    {
      key: 'augmentShift',
      label: 'Random shift (px)',
      kind: 'integer',
      default: 0,
      min: 0,
      max: 4,
      step: 1,
      help: 'Shifts every training image by up to this many pixels, as the bundled models were trained (0: none).',
    },
  ];
}

export const SUBSTITUTE_METAS: readonly CatalogEntry<SubstituteId>[] = [
  {
    id: 'mnist-mlp',
    name: 'dense (fast)',
    description: 'A dense network, 256 then 128 ReLU units: quick to train on a few thousand answers.',
    params: trainingParams(10),
    testParams: { epochs: 1, batchSize: 32 },
  },
  {
    id: 'mnist-cnn',
    name: 'small CNN',
    description: "The bundled CNN's architecture (two 3×3 convolutions with max-pooling, a dense head): closer to the victim, slower.",
    params: trainingParams(3),
    testParams: { epochs: 1, batchSize: 32 },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// The oracle's output modes and defenses (implementations: createOracle in oracle.ts, by OutputMode kind and
// OracleDefenses key; see toOutputMode and toDefenses)

export const OUTPUT_MODE_METAS: readonly CatalogEntry<OutputModeId>[] = [
  { id: 'probabilities', name: 'all probabilities', description: 'Every class probability, as the victim computed it.', params: [], testParams: {} },
  {
    id: 'top-k',
    name: 'top-k probabilities',
    description: 'Only the k largest probabilities; the others are reported as 0.',
    params: [{ key: 'k', label: 'k', kind: 'integer', default: 3, min: 1, max: 9, step: 1, help: 'How many of the largest probabilities each answer shows.' }],
    testParams: { k: 2 },
  },
  {
    id: 'rounded',
    name: 'rounded probabilities',
    description: 'Every probability, rounded to a few decimals.',
    params: [{ key: 'decimals', label: 'Decimals', kind: 'integer', default: 2, min: 0, max: 6, step: 1, help: 'Decimals kept in each probability.' }],
    testParams: { decimals: 1 },
  },
  { id: 'label', name: 'label only', description: 'Only the predicted class.', params: [], testParams: {} },
];

export const DEFENSE_METAS: readonly CatalogEntry<DefenseId>[] = [
  {
    id: 'gaussian-noise',
    name: 'Gaussian noise',
    description: 'Noise added to every probability, then renormalised; the top class is kept.',
    params: [
      {
        key: 'sigma',
        label: 'Noise σ',
        kind: 'number',
        default: 0.05,
        min: 0,
        max: 1,
        step: 0.01,
        help: 'Standard deviation of the noise added to each probability.',
      },
    ],
    testParams: { sigma: 0.1 },
  },
  {
    id: 'reverse-sigmoid',
    name: 'Reverse sigmoid',
    description: 'Perturbs the probabilities so that a copy trained on them learns the wrong logits; the top class is kept.',
    paper: {
      authors: 'Lee, Edwards, Molloy, Srivastava',
      title: 'Defending Against NN Model Stealing Attacks Using Deceptive Perturbations',
      year: 2019,
      venue: 'IEEE S&P Workshops',
    },
    params: [
      {
        key: 'beta',
        label: 'β',
        kind: 'number',
        default: REVERSE_SIGMOID_DEFAULTS.beta,
        min: 0.01,
        max: 100,
        step: 0.1,
        help: 'Size of the perturbation (ART: 1).',
      },
      {
        key: 'gamma',
        label: 'γ',
        kind: 'number',
        default: REVERSE_SIGMOID_DEFAULTS.gamma,
        min: 0.01,
        max: 100,
        step: 0.01,
        help: 'Slope of the reverse sigmoid (ART: 0.1).',
      },
    ],
    testParams: {},
  },
  {
    id: 'prada',
    name: 'PRADA detector',
    description: 'Watches the distances between queries and flags the stream when they stop looking like natural images (it changes no answer).',
    paper: { authors: 'Juuti, Szyller, Marchal, Asokan', title: 'PRADA: Protecting Against DNN Model Stealing Attacks', year: 2019, venue: 'IEEE EuroS&P' },
    params: [
      {
        key: 'threshold',
        label: 'Threshold δ',
        kind: 'number',
        default: PRADA_DEFAULT_THRESHOLD,
        min: 0,
        max: 1,
        step: 0.01,
        help: 'The stream is flagged when the Shapiro-Wilk statistic W of the distances falls below δ.',
      },
    ],
    testParams: { threshold: 0.9 },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Look-ups

function findEntry<E extends CatalogEntry>(entries: readonly E[], id: string, what: string): E {
  const entry = entries.find((e) => e.id === id);
  if (!entry) throw new Error(`There is no ${what} called "${id}". Choose one of: ${entries.map((e) => e.id).join(', ')}.`);
  return entry;
}

export const getStrategyMeta = (id: string): StrategyMeta => findEntry(STRATEGY_METAS, id, 'query strategy');
export const getSubstituteMeta = (id: string): CatalogEntry<SubstituteId> => findEntry(SUBSTITUTE_METAS, id, 'substitute architecture');
export const getOutputModeMeta = (id: string): CatalogEntry<OutputModeId> => findEntry(OUTPUT_MODE_METAS, id, 'output mode');
export const getDefenseMeta = (id: string): CatalogEntry<DefenseId> => findEntry(DEFENSE_METAS, id, 'defense');

// ---------------------------------------------------------------------------------------------------------------
// The lab's setup

/** A choice from a catalog and its parameters (missing keys take the entry's defaults). */
export interface Chosen<Id extends string> {
  id: Id;
  params: Params;
}

/**
 * Everything that defines an extraction run, as one plain serialisable object: what the page's form edits, what a
 * link or a saved setup would hold. `victimId` and `seed` are optional: absent, the app's chosen model and seed.
 */
export interface ExtractionSetup {
  victimId?: string;
  strategy: Chosen<StrategyId>;
  substitute: Chosen<SubstituteId>;
  /** Total oracle queries. */
  budget: number;
  queriesPerRound: number;
  output: Chosen<OutputModeId>;
  /** The defenses switched on, in the order they apply. */
  defenses: Chosen<DefenseId>[];
  seed?: number;
}

/** Largest budget the page offers. */
export const MAX_EXTRACTION_BUDGET = 20_000;

export const DEFAULT_EXTRACTION_SETUP: ExtractionSetup = {
  strategy: { id: 'pool-uncertainty', params: {} },
  substitute: { id: 'mnist-mlp', params: {} },
  budget: 1000,
  queriesPerRound: 250,
  output: { id: 'probabilities', params: {} },
  defenses: [{ id: 'prada', params: {} }],
};

/** The entry's parameters with its defaults filled in and every value checked (readParams' messages name the field). */
export const readEntryParams = <T extends Params = Params>(entry: CatalogEntry, given: Params = {}): T => readParams<T>(entry.params, given);

/** The oracle's OutputMode for a chosen output mode (parameters checked). */
export function toOutputMode(chosen: Chosen<OutputModeId>): OutputMode {
  return { ...readEntryParams(getOutputModeMeta(chosen.id), chosen.params), kind: chosen.id } as OutputMode;
}

/** The oracle's OracleDefenses for the chosen defenses (parameters checked). */
export function toDefenses(chosen: readonly Chosen<DefenseId>[]): OracleDefenses {
  const out: OracleDefenses = {};
  for (const { id, params } of chosen) {
    const p = readEntryParams<Record<string, number>>(getDefenseMeta(id), params);
    if (id === 'gaussian-noise') out.gaussianNoise = p.sigma;
    else if (id === 'reverse-sigmoid') out.reverseSigmoid = { beta: p.beta, gamma: p.gamma };
    else out.prada = { threshold: p.threshold };
  }
  return out;
}

/** The oracle's configuration for a setup. */
export function oracleConfigOf(setup: ExtractionSetup, seed: number): OracleConfig {
  return { output: toOutputMode(setup.output), budget: setup.budget, seed, defenses: toDefenses(setup.defenses) };
}

/** What is wrong with a setup's budget and rounds, in words for the page, or undefined. */
export function setupProblem(setup: ExtractionSetup): string | undefined {
  const { budget, queriesPerRound } = setup;
  if (!(Number.isInteger(budget) && budget >= 1 && budget <= MAX_EXTRACTION_BUDGET && Number.isInteger(queriesPerRound) && queriesPerRound >= 1)) {
    return 'Choose a budget between 1 and 20,000 queries and at least 1 query per round.';
  }
  return undefined;
}

/** The core's StrategyParams for a chosen strategy (parameters checked; the keys are the same). */
export const toStrategyParams = (chosen: Chosen<StrategyId>): StrategyParams =>
  readEntryParams<StrategyParams & Params>(getStrategyMeta(chosen.id), chosen.params);

/** The core's SubstituteTraining for a chosen substitute (parameters checked; the keys are the same). */
export const toTraining = (chosen: Chosen<SubstituteId>): SubstituteTraining => ({
  architecture: chosen.id,
  ...readEntryParams<Omit<SubstituteTraining, 'architecture'> & Params>(getSubstituteMeta(chosen.id), chosen.params),
});
