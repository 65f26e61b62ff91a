/**
 * The steps of the robustness report, as plain data: what each measures and which suite settings it reads. No
 * tfjs here, so a page can list and describe them; the implementations (IMAGE_STEPS in imageSuite.ts, TEXT_STEPS in
 * textSuite.ts) carry these entries, in this order, and a test checks they agree with each other and with the suite
 * file's schema. A step's parameters are the scalar settings of a suite, keyed by their path in a suite file's
 * `image` or `text` object, with the quick suite's values as defaults; the budget lists are the suite's own.
 */
import type { AttackParams, ParamSpec } from '../attacks/types';

export interface AuditStepMeta {
  id: string;
  task: 'image' | 'text';
  title: string;
  /** One sentence: what the step measures, and what it needs from the model. */
  measures: string;
  params: ParamSpec[];
  /** Settings small enough for the audit-step contract tests (steps.test.ts) on tiny inputs; required there. */
  testParams?: AttackParams;
}

const count = (key: string, label: string, fallback: number, max: number, help: string): ParamSpec => ({
  key,
  label,
  kind: 'integer',
  default: fallback,
  min: 1,
  max,
  step: 1,
  help,
});

export const LINF_SWEEP_STEP: AuditStepMeta = {
  id: 'linf-sweep',
  task: 'image',
  title: 'FGSM and PGD over L∞ budgets',
  measures: 'Accuracy under white-box attacks at each L∞ budget (budget 0 is the clean accuracy); needs input gradients.',
  params: [count('pgdIterations', 'PGD iterations', 10, 1000, 'Steps of PGD at each budget (step size 2.5 ε / iterations).')],
  testParams: { pgdIterations: 2 },
};

export const DEEPFOOL_STEP: AuditStepMeta = {
  id: 'deepfool',
  task: 'image',
  title: 'DeepFool minimal L2 perturbations',
  measures: 'How large an L2 change flips each example, as accuracy against L2 budget, and the examples flipped most easily; needs input gradients.',
  params: [count('deepfoolIterations', 'DeepFool iterations', 50, 1000, 'Most linearisation steps per example.')],
  testParams: { deepfoolIterations: 3 },
};

export const SQUARE_STEP: AuditStepMeta = {
  id: 'square',
  task: 'image',
  title: 'Square attack (scores only)',
  measures: 'Accuracy under a score-based black-box attack at each L∞ budget, every query counted.',
  params: [
    count('square.examples', 'Examples attacked', 50, 10_000, 'The first examples of those the suite attacks.'),
    count('square.queries', 'Queries per example', 300, 100_000, 'Query budget per example and budget.'),
  ],
  testParams: { 'square.examples': 5, 'square.queries': 5 },
};

export const EXTRACTION_STEP: AuditStepMeta = {
  id: 'extraction',
  task: 'image',
  title: 'Model extraction',
  measures: 'How faithful a copy an attacker trains from the model’s probabilities at each query budget, on held-out examples.',
  params: [
    count('extraction.heldOut', 'Held-out examples', 300, 10_000, 'Examples never queried, on which the copy is compared with the model.'),
    count('extraction.epochs', 'Training epochs', 10, 100, 'Epochs of the copy’s training after each round of queries.'),
  ],
  testParams: { 'extraction.heldOut': 50, 'extraction.epochs': 1 },
};

export const TEXT_ATTACKS_STEP: AuditStepMeta = {
  id: 'text-attacks',
  task: 'text',
  title: 'Character, Unicode and word attacks, with and without the normalizer',
  measures:
    'Accuracy under attack at each share of words changed, for each family of perturbations against no defense, the normalizer, and an attacker who knows it.',
  params: [count('maxQueries', 'Queries per text', 100, 10_000, 'Query budget of each attack on each text.')],
  testParams: { maxQueries: 20 },
};

/** The image suite, in the order it runs. */
export const IMAGE_AUDIT_STEPS: readonly AuditStepMeta[] = [LINF_SWEEP_STEP, DEEPFOOL_STEP, SQUARE_STEP, EXTRACTION_STEP];
/** The text suite. */
export const TEXT_AUDIT_STEPS: readonly AuditStepMeta[] = [TEXT_ATTACKS_STEP];

/** Reads a step's parameters from a suite (`square.queries` is suite.square.queries); missing settings read as undefined. */
export function stepParamsOf(meta: AuditStepMeta, suite: object): AttackParams {
  const read = (path: string): unknown =>
    path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), suite);
  return Object.fromEntries(meta.params.map((p) => [p.key, read(p.key) as number]));
}

/** A copy of the suite with the step's parameters set (for a test, or a form built from the catalog). */
export function withStepParams<S extends object>(suite: S, meta: AuditStepMeta, params: AttackParams): S {
  const copy = structuredClone(suite) as Record<string, unknown>;
  for (const p of meta.params) {
    if (!(p.key in params)) continue;
    const path = p.key.split('.');
    const parent = path
      .slice(0, -1)
      .reduce<Record<string, unknown> | null>((at, key) => (at && typeof at[key] === 'object' ? (at[key] as Record<string, unknown>) : null), copy);
    // A step switched off in the suite (extraction: null) has nowhere to take its settings.
    if (parent) parent[path.at(-1)!] = params[p.key];
  }
  return copy as S;
}
