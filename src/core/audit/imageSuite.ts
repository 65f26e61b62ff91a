/**
 * The image robustness suite: clean accuracy; FGSM and PGD swept over L∞ budgets (white-box); DeepFool's minimal
 * L2 perturbations (how large a change must be); the Square attack (score-based black-box, every query counted);
 * and how faithful a copy an attacker can train from a few hundred queries. Budgets are in [0, 1] pixels, whatever
 * the model's own value range (see imageClassifier in ./userModel.ts).
 *
 * Everything is seeded: the same model, data, suite and seed give the same report in Node and in the browser.
 */
import * as tf from '@tensorflow/tfjs';
import { getAttack } from '../attacks/registry';
import { attackBatch, predictions, type ExampleResult } from '../attacks/run';
import type { AttackParams } from '../attacks/types';
import { sliceSplit, type ImageSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import { runExtraction } from '../extraction/extract';
import { createOracle } from '../extraction/oracle';
import { runSweep, type SweepPoint } from '../metrics/sweep';
import type { Classifier } from '../models/classifier';
import { pngDataUrl } from './png';
import type { ReportAttack, ReportExample, ReportExtraction, ReportPerClass, ReportPoint } from './report';
import { maxOf, pushAll } from '../arrays';
import { isStopped, stageOf, type RunControl } from '../run/control';
import { DEEPFOOL_STEP, EXTRACTION_STEP, LINF_SWEEP_STEP, SQUARE_STEP, type AuditStepMeta } from './steps';
import { formatPercent } from '../format';

export interface ImageSuite {
  id: string;
  label: string;
  /** Examples attacked (the first ones of the data). */
  examples: number;
  /** L∞ budgets of the FGSM and PGD sweeps, in [0, 1] pixels; 0 gives the clean accuracy. */
  linfBudgets: number[];
  /** L2 budgets at which DeepFool's minimal perturbations are counted. */
  l2Budgets: number[];
  pgdIterations: number;
  deepfoolIterations: number;
  /** The score-based black-box attack: examples, queries per example and its L∞ budgets. */
  square: { examples: number; queries: number; budgets: number[] };
  /** The attack and budget behind the per-class table and the threshold; the budget must be one its sweep runs. */
  reference: { attackId: 'pgd' | 'square'; budget: number };
  /** Cumulative query budgets at which the stolen copy is measured; the held-out examples are the first ones of the data (the attacked ones too: extraction never queries them). */
  extraction: { budgets: number[]; heldOut: number; epochs: number } | null;
}

export const IMAGE_SUITES: Readonly<Record<string, ImageSuite>> = {
  quick: {
    id: 'quick',
    label: 'Quick (100 examples, about half a minute)',
    examples: 100,
    linfBudgets: [0, 2 / 255, 4 / 255, 8 / 255, 0.1, 0.2, 0.3],
    l2Budgets: [0, 0.5, 1, 1.5, 2, 3],
    pgdIterations: 10,
    deepfoolIterations: 50,
    square: { examples: 50, queries: 300, budgets: [8 / 255, 0.1, 0.3] },
    reference: { attackId: 'pgd', budget: 0.1 },
    extraction: { budgets: [200, 400], heldOut: 300, epochs: 10 },
  },
  standard: {
    id: 'standard',
    label: 'Standard (500 examples, a few minutes)',
    examples: 500,
    linfBudgets: [0, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255, 0.1, 0.2, 0.3],
    l2Budgets: [0, 0.25, 0.5, 1, 1.5, 2, 3, 4],
    pgdIterations: 20,
    deepfoolIterations: 50,
    square: { examples: 200, queries: 1000, budgets: [8 / 255, 0.1, 0.2, 0.3] },
    reference: { attackId: 'pgd', budget: 0.1 },
    extraction: { budgets: [250, 500, 1000], heldOut: 500, epochs: 10 },
  },
};

/** The suite with the threshold's budget added to the sweeps and made the reference, as the command line asks. */
export function withReferenceBudget(suite: ImageSuite, budget: number): ImageSuite {
  const add = (list: number[]) => (list.some((b) => Math.abs(b - budget) < 1e-9) ? list : [...list, budget].sort((a, b) => a - b));
  return {
    ...suite,
    linfBudgets: add(suite.linfBudgets),
    square: { ...suite.square, budgets: add(suite.square.budgets) },
    reference: { ...suite.reference, budget },
  };
}

export interface ImageAuditResult {
  clean: { accuracy: number; correct: number; examples: number };
  attacks: ReportAttack[];
  perClass: ReportPerClass[];
  worstExamples: ReportExample[];
  extraction: ReportExtraction | null;
  reference: { attackId: string; budget: number } | null;
  partial: boolean;
}

const toReportPoint = (p: SweepPoint): ReportPoint => ({
  budget: p.budget,
  examples: p.examples,
  accuracy: p.accuracy,
  successRate: p.successRate,
  meanL2: p.meanL2,
  meanLinf: p.meanLinf,
  meanQueries: p.meanQueries,
});

/** Accuracy against budget from one minimal-perturbation run: at budget b, the successes of norm at most b count. */
export function pointsFromMinimalNorm(results: readonly ExampleResult[], budgets: readonly number[]): ReportPoint[] {
  return budgets.map((budget) => {
    const fooled = (r: ExampleResult) => r.originalLabel === r.trueLabel && r.success && r.l2 <= budget + 1e-6;
    const correct = results.filter((r) => (fooled(r) ? r.adversarialLabel : r.originalLabel) === r.trueLabel).length;
    const originallyCorrect = results.filter((r) => r.originalLabel === r.trueLabel).length;
    const successes = results.filter(fooled);
    const mean = (f: (r: ExampleResult) => number) => (successes.length ? successes.reduce((s, r) => s + f(r), 0) / successes.length : null);
    return {
      budget,
      examples: results.length,
      accuracy: results.length ? correct / results.length : 0,
      successRate: originallyCorrect ? successes.length / originallyCorrect : 0,
      meanL2: mean((r) => r.l2),
      meanLinf: mean((r) => r.linf),
      meanQueries: null,
    };
  });
}

/** Per class: clean accuracy, and accuracy under the reference attack. */
export function perClassTable(results: readonly ExampleResult[], classes: readonly string[]): ReportPerClass[] {
  return classes.map((name, classIndex) => {
    const mine = results.filter((r) => r.trueLabel === classIndex);
    const share = (f: (r: ExampleResult) => boolean) => (mine.length ? mine.filter(f).length / mine.length : 0);
    return {
      classIndex,
      name,
      examples: mine.length,
      cleanAccuracy: share((r) => r.originalLabel === r.trueLabel),
      robustAccuracy: share((r) => r.adversarialLabel === r.trueLabel),
    };
  });
}

/** Runs `attack` over the first `count` examples in batches, keeping per-example results and what `keep` asks for. */
async function perExample(
  model: Classifier,
  data: ImageSplit,
  count: number,
  attackId: string,
  params: AttackParams,
  seed: number,
  control: RunControl,
  keep?: (results: ExampleResult[], x: tf.Tensor4D, adversarial: tf.Tensor4D, offset: number) => Promise<void>,
): Promise<{ results: ExampleResult[]; stopped: boolean }> {
  const attack = getAttack(attackId);
  const rng = createRng(seed);
  const results: ExampleResult[] = [];
  const batchSize = 100;
  for (let start = 0; start < count; start += batchSize) {
    if (isStopped(control)) return { results, stopped: true };
    const part = sliceSplit(data, start, Math.min(batchSize, count - start));
    const x = imagesToTensor(part);
    try {
      const before = await predictions(model, x);
      const context = { rng, clip: [0, 1] as [number, number], control: { signal: control.signal, onStep: control.onStep } };
      const { adversarial, results: batch } = await attackBatch(attack, model, { x, labels: Int32Array.from(part.labels) }, params, context, before);
      try {
        await keep?.(batch, x, adversarial, start);
      } finally {
        adversarial.dispose();
      }
      if (isStopped(control)) return { results, stopped: true };
      pushAll(results, batch);
    } finally {
      x.dispose();
    }
  }
  return { results, stopped: false };
}

async function rowAsPng(x: tf.Tensor4D, index: number): Promise<string> {
  const [, h, w, c] = x.shape;
  const row = tf.tidy(() => x.slice([index], [1]).mul(255).round().clipByValue(0, 255).flatten());
  const bytes = Uint8Array.from(await row.data());
  row.dispose();
  return pngDataUrl(bytes, w, h, c as 1 | 3);
}

/** What the image steps share while the suite runs: its inputs, and the parts of the report they fill in. */
export interface ImageSuiteRun {
  readonly model: Classifier;
  readonly data: ImageSplit;
  readonly suite: ImageSuite;
  readonly seed: number;
  readonly gradients: boolean;
  /** Examples attacked: the suite's count, at most the data's. */
  readonly count: number;
  clean: { accuracy: number; correct: number; examples: number };
  attacks: ReportAttack[];
  worstExamples: ReportExample[];
  extraction: ReportExtraction | null;
  partial: boolean;
  /** Keeps the reference attack's per-example results at the reference budget, for the per-class table. */
  collectReference(attackId: string, budget: number, results: readonly ExampleResult[]): void;
}

/** A step of the image suite: its catalog entry (steps.ts), its rough cost and its run. */
export interface ImageAuditStep {
  meta: AuditStepMeta;
  /** The stage's name in progress messages. */
  progressLabel: string;
  /** Rough cost, so that one progress bar covers the whole suite. */
  weight(run: ImageSuiteRun): number;
  /** Fills in its part of the report; a stopped run marks the report partial and returns. */
  run(run: ImageSuiteRun, control: RunControl): Promise<void>;
}

const NO_GRADIENTS = "The model's input gradients do not flow (see the checks), so white-box attacks cannot run.";

/** 1. White-box sweeps: FGSM and PGD over the L∞ budgets. */
const linfSweepStep: ImageAuditStep = {
  meta: LINF_SWEEP_STEP,
  progressLabel: 'FGSM and PGD',
  weight: ({ gradients, suite, count }) => (gradients ? suite.linfBudgets.length * (1 + suite.pgdIterations) * count : 0),
  async run(run, control) {
    const { suite, count } = run;
    const fgsmParams: AttackParams = { norm: 'inf' };
    const pgdParams: AttackParams = { norm: 'inf', max_iter: suite.pgdIterations, num_random_init: 0 };
    if (!run.gradients) {
      for (const [id, name] of [
        ['fgsm', 'FGSM'],
        ['pgd', `PGD-${suite.pgdIterations}`],
      ]) {
        run.attacks.push({ id, name, knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [], skipped: NO_GRADIENTS });
      }
      return;
    }
    const sweep = await runSweep(
      run.model,
      run.data,
      {
        attacks: [
          { id: 'fgsm', params: fgsmParams },
          { id: 'pgd', params: pgdParams },
        ],
        budgets: suite.linfBudgets,
        count,
        seed: run.seed,
        galleryPerPoint: 0,
      },
      { ...control, onResults: run.collectReference },
    );
    run.clean = { accuracy: sweep.cleanAccuracy, correct: sweep.cleanCorrect, examples: sweep.partial ? (sweep.points[0]?.examples ?? 0) : count };
    run.partial ||= sweep.partial;
    for (const [id, name, params] of [
      ['fgsm', 'FGSM', fgsmParams],
      ['pgd', `PGD-${suite.pgdIterations}`, pgdParams],
    ] as const) {
      run.attacks.push({
        id,
        name,
        knowledge: 'white-box',
        budgetUnit: 'linf',
        params: { ...params },
        points: sweep.points.filter((p) => p.attackId === id).map(toReportPoint),
      });
    }
  },
};

/** 2. DeepFool: the smallest L2 change that flips each example; the worst examples are those it flips most easily. */
const deepfoolStep: ImageAuditStep = {
  meta: DEEPFOOL_STEP,
  progressLabel: 'DeepFool',
  weight: ({ gradients, count }) => (gradients ? 20 * count : 0),
  async run(run, control) {
    const { suite, count } = run;
    if (!run.gradients) {
      run.attacks.push({
        id: 'deepfool',
        name: 'DeepFool (minimal L2)',
        knowledge: 'white-box',
        budgetUnit: 'l2',
        params: {},
        points: [],
        skipped: NO_GRADIENTS,
      });
      return;
    }
    if (isStopped(control)) return;
    const candidates: { result: ExampleResult; index: number; original: string; adversarial: string }[] = [];
    const { results, stopped: cut } = await perExample(
      run.model,
      run.data,
      count,
      'deepfool',
      { max_iter: suite.deepfoolIterations },
      run.seed + 1,
      control,
      async (batch, x, adversarial, offset) => {
        control.onProgress?.((offset + batch.length) / count, `${offset + batch.length} / ${count} examples`);
        // The six smallest successful perturbations so far keep their images.
        for (const [i, r] of batch.entries()) {
          if (!(r.success && r.originalLabel === r.trueLabel)) continue;
          const worstKept = candidates.length < 6 ? Infinity : maxOf(candidates.map((c) => c.result.l2));
          if (r.l2 >= worstKept) continue;
          candidates.push({ result: r, index: offset + i, original: await rowAsPng(x, i), adversarial: await rowAsPng(adversarial, i) });
          candidates.sort((a, b) => a.result.l2 - b.result.l2);
          if (candidates.length > 6) candidates.pop();
        }
      },
    );
    run.partial ||= cut;
    run.attacks.push({
      id: 'deepfool',
      name: 'DeepFool (minimal L2)',
      knowledge: 'white-box',
      budgetUnit: 'l2',
      params: { max_iter: suite.deepfoolIterations },
      points: pointsFromMinimalNorm(results, suite.l2Budgets),
    });
    run.worstExamples = candidates.map(({ result: r, index, original, adversarial }) => ({
      index,
      trueLabel: r.trueLabel,
      originalLabel: r.originalLabel,
      adversarialLabel: r.adversarialLabel,
      adversarialConfidence: r.adversarialConfidence,
      attackId: 'deepfool',
      size: r.l2,
      originalImage: original,
      adversarialImage: adversarial,
    }));
  },
};

/** 3. Square attack: what an attacker with only the scores achieves. */
const squareStep: ImageAuditStep = {
  meta: SQUARE_STEP,
  progressLabel: 'Square attack',
  weight: ({ suite, count }) => (suite.square.queries / 10) * suite.square.budgets.length * Math.min(suite.square.examples, count),
  async run(run, control) {
    if (isStopped(control)) return;
    const { suite } = run;
    const squareCount = Math.min(suite.square.examples, run.count);
    const squareParams: AttackParams = { norm: 'inf', max_iter: suite.square.queries };
    const sweep = await runSweep(
      run.model,
      run.data,
      { attacks: [{ id: 'square', params: squareParams }], budgets: suite.square.budgets, count: squareCount, seed: run.seed + 2, galleryPerPoint: 0 },
      { ...control, onResults: run.collectReference },
    );
    run.partial ||= sweep.partial;
    if (!run.gradients) run.clean = { accuracy: sweep.cleanAccuracy, correct: sweep.cleanCorrect, examples: squareCount };
    run.attacks.push({
      id: 'square',
      name: `Square (${suite.square.queries} queries)`,
      knowledge: 'score-based',
      budgetUnit: 'linf',
      params: { ...squareParams },
      points: sweep.points.map(toReportPoint),
    });
  },
};

/** 4. Extraction: a dense copy trained on the model's answers to examples it draws from the rest of the data. */
const extractionStep: ImageAuditStep = {
  meta: EXTRACTION_STEP,
  progressLabel: 'Extraction',
  weight: ({ suite }) => (suite.extraction ? suite.extraction.budgets.at(-1)! * suite.extraction.epochs : 0),
  async run(run, control) {
    const plan = run.suite.extraction;
    if (!plan || isStopped(control)) return;
    run.extraction = await extractionStage(run.model, run.data, run.count, plan, run.seed + 4, control);
    if (run.extraction.points.length < plan.budgets.length && !run.extraction.skipped) run.partial ||= isStopped(control);
  },
};

/** The image suite's steps, in the order of their catalog (IMAGE_AUDIT_STEPS in steps.ts), which a test checks. */
export const IMAGE_STEPS: readonly ImageAuditStep[] = [linfSweepStep, deepfoolStep, squareStep, extractionStep];

/** The shared state of a run of the image suite, before any step. */
export function imageSuiteRun(
  model: Classifier,
  data: ImageSplit,
  suite: ImageSuite,
  options: { seed: number; gradients: boolean },
  referenceResults: ExampleResult[] = [],
): ImageSuiteRun {
  // The per-class table reads the reference attack's own results at the reference budget from its sweep.
  const referenceId = options.gradients ? suite.reference.attackId : 'square';
  return {
    model,
    data,
    suite,
    seed: options.seed,
    gradients: options.gradients,
    count: Math.min(suite.examples, data.count),
    clean: { accuracy: 0, correct: 0, examples: 0 },
    attacks: [],
    worstExamples: [],
    extraction: null,
    partial: false,
    collectReference: (attackId, budget, results) => {
      if (attackId === referenceId && Math.abs(budget - suite.reference.budget) < 1e-9) pushAll(referenceResults, results);
    },
  };
}

/** Runs the suite on a model whose gradients may or may not flow. Attacks that cannot run are reported as skipped. */
export async function runImageSuite(
  model: Classifier,
  data: ImageSplit,
  suite: ImageSuite,
  options: { seed: number; gradients: boolean; classes: readonly string[] },
  control: RunControl = {},
): Promise<ImageAuditResult> {
  const referenceResults: ExampleResult[] = [];
  const run = imageSuiteRun(model, data, suite, options, referenceResults);
  // Steps weighted by their rough cost, for one progress bar over the whole suite.
  const weights = IMAGE_STEPS.map((step) => step.weight(run));
  const total = weights.reduce((n, w) => n + w, 0) || 1;
  let doneWeight = 0;
  for (const [i, step] of IMAGE_STEPS.entries()) {
    await step.run(run, stageOf(control, doneWeight / total, (doneWeight + weights[i]) / total, step.progressLabel));
    doneWeight += weights[i];
    control.onProgress?.(doneWeight / total, '');
  }
  // Per class, under the reference attack at the reference budget (the sweeps always include that budget).
  const perClass: ReportPerClass[] = referenceResults.length > 0 ? perClassTable(referenceResults, options.classes) : [];
  const reference = { attackId: options.gradients ? suite.reference.attackId : 'square', budget: suite.reference.budget };
  const { clean, attacks, worstExamples, extraction, partial } = run;
  return { clean, attacks, perClass, worstExamples, extraction, reference: perClass.length ? reference : null, partial: partial || isStopped(control) };
}

async function extractionStage(
  model: Classifier,
  data: ImageSplit,
  audited: number,
  plan: NonNullable<ImageSuite['extraction']>,
  seed: number,
  control: RunControl,
): Promise<ReportExtraction> {
  const base = { strategy: 'pool-uncertainty', output: 'probabilities', substitute: 'dense 256-128 (mnist-mlp architecture)', heldOut: 0, points: [] };
  // Held-out examples first (never queried), then the pool the attacker draws from.
  const heldOut = Math.min(plan.heldOut, Math.floor(data.count / 3));
  const poolSize = data.count - heldOut;
  const budgets = plan.budgets.filter((b) => b <= poolSize);
  if (heldOut < 50 || budgets.length === 0) {
    // The smallest data set that passes both tests above for the first budget.
    const first = plan.budgets[0] ?? 0;
    let needed = 150;
    while (needed - Math.min(plan.heldOut, Math.floor(needed / 3)) < first) needed++;
    return {
      ...base,
      skipped: `Extraction needs at least ${needed} examples (a third of them, up to ${plan.heldOut} and at least 50, held out; ${first} to query); the data has ${data.count}.`,
    };
  }
  void audited;
  const evaluation = sliceSplit(data, 0, heldOut);
  const pool = sliceSplit(data, heldOut, poolSize);
  const x = imagesToTensor(evaluation);
  let victimLabels: Int32Array;
  try {
    victimLabels = Int32Array.from((await predictions(model, x)).labels);
  } finally {
    x.dispose();
  }
  const oracle = createOracle(model, { output: { kind: 'probabilities' }, budget: budgets.at(-1)!, seed });
  const rounds = budgets.map((b, i) => b - (budgets[i - 1] ?? 0));
  const total = budgets.at(-1)!;
  const result = await runExtraction(
    oracle,
    {
      strategy: 'pool-uncertainty',
      pool,
      queriesPerRound: rounds,
      maxRounds: rounds.length,
      training: { architecture: 'mnist-mlp', epochs: plan.epochs, batchSize: 64, learningRate: 0.001 },
      evaluation: { data: evaluation, victimLabels },
      seed,
    },
    {
      control: { signal: control.signal, onStep: control.onStep },
      onRound: async (round) => {
        control.onProgress?.(round.queriesUsed / total, `${round.queriesUsed} / ${total} queries, fidelity ${formatPercent(round.fidelity)}`);
        await control.onStep?.();
      },
    },
  );
  result.substitute.dispose();
  return { ...base, heldOut, points: result.history.map((r) => ({ queries: r.queriesUsed, fidelity: r.fidelity, accuracy: r.accuracy })) };
}
