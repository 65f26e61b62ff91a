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
  return { ...suite, linfBudgets: add(suite.linfBudgets), square: { ...suite.square, budgets: add(suite.square.budgets) }, reference: { ...suite.reference, budget } };
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

export interface AuditCallbacks {
  onProgress?: (fraction: number, message: string) => void;
  shouldStop?: () => boolean;
  yield?: () => Promise<void>;
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
  callbacks: AuditCallbacks,
  keep?: (results: ExampleResult[], x: tf.Tensor4D, adversarial: tf.Tensor4D, offset: number) => Promise<void>,
): Promise<{ results: ExampleResult[]; stopped: boolean }> {
  const attack = getAttack(attackId);
  const rng = createRng(seed);
  const results: ExampleResult[] = [];
  const batchSize = 100;
  for (let start = 0; start < count; start += batchSize) {
    if (callbacks.shouldStop?.()) return { results, stopped: true };
    const part = sliceSplit(data, start, Math.min(batchSize, count - start));
    const x = imagesToTensor(part);
    try {
      const before = await predictions(model, x);
      const context = { rng, clip: [0, 1] as [number, number], shouldStop: callbacks.shouldStop, onStep: callbacks.yield && (() => callbacks.yield!()) };
      const { adversarial, results: batch } = await attackBatch(attack, model, { x, labels: Int32Array.from(part.labels) }, params, context, before);
      await keep?.(batch, x, adversarial, start);
      adversarial.dispose();
      if (callbacks.shouldStop?.()) return { results, stopped: true };
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

/** Runs the suite on a model whose gradients may or may not flow. Attacks that cannot run are reported as skipped. */
export async function runImageSuite(
  model: Classifier,
  data: ImageSplit,
  suite: ImageSuite,
  options: { seed: number; gradients: boolean; classes: readonly string[] },
  callbacks: AuditCallbacks = {},
): Promise<ImageAuditResult> {
  const { seed, gradients, classes } = options;
  const count = Math.min(suite.examples, data.count);
  const squareCount = Math.min(suite.square.examples, count);
  const noGradients = 'The model\'s input gradients do not flow (see the checks), so white-box attacks cannot run.';
  // Stages weighted by their rough cost, for one progress bar over the whole suite.
  const stages = [
    { id: 'sweep', weight: gradients ? suite.linfBudgets.length * (1 + suite.pgdIterations) * count : 0 },
    { id: 'deepfool', weight: gradients ? 20 * count : 0 },
    { id: 'square', weight: (suite.square.queries / 10) * suite.square.budgets.length * squareCount },
    { id: 'extraction', weight: suite.extraction ? suite.extraction.budgets.at(-1)! * suite.extraction.epochs : 0 },
  ];
  const total = stages.reduce((n, s) => n + s.weight, 0) || 1;
  let doneWeight = 0;
  const stageCallbacks = (id: string, label: string): AuditCallbacks => {
    const weight = stages.find((s) => s.id === id)!.weight;
    return {
      ...callbacks,
      onProgress: (fraction, message) => callbacks.onProgress?.((doneWeight + fraction * weight) / total, `${label}: ${message}`),
    };
  };
  const finishStage = (id: string) => {
    doneWeight += stages.find((s) => s.id === id)!.weight;
    callbacks.onProgress?.(doneWeight / total, '');
  };
  const stopped = () => callbacks.shouldStop?.() === true;

  const attacks: ReportAttack[] = [];
  const fgsmParams: AttackParams = { norm: 'inf' };
  const pgdParams: AttackParams = { norm: 'inf', max_iter: suite.pgdIterations, num_random_init: 0 };
  let clean = { accuracy: 0, correct: 0, examples: 0 };
  let partial = false;
  // The per-class table reads the reference attack's own results at the reference budget from its sweep.
  const referenceId = gradients ? suite.reference.attackId : 'square';
  const reference = { attackId: referenceId, budget: suite.reference.budget };
  const referenceResults: ExampleResult[] = [];
  const collectReference = (attackId: string, budget: number, results: readonly ExampleResult[]) => {
    if (attackId === referenceId && Math.abs(budget - reference.budget) < 1e-9) pushAll(referenceResults, results);
  };

  // 1. White-box sweeps: FGSM and PGD over the L∞ budgets.
  if (gradients) {
    const sweep = await runSweep(
      model,
      data,
      { attacks: [{ id: 'fgsm', params: fgsmParams }, { id: 'pgd', params: pgdParams }], budgets: suite.linfBudgets, count, seed, galleryPerPoint: 0 },
      { onProgress: stageCallbacks('sweep', 'FGSM and PGD').onProgress, shouldStop: callbacks.shouldStop, yield: callbacks.yield, onResults: collectReference },
    );
    clean = { accuracy: sweep.cleanAccuracy, correct: sweep.cleanCorrect, examples: sweep.partial ? sweep.points[0]?.examples ?? 0 : count };
    partial ||= sweep.partial;
    for (const [id, name, params] of [['fgsm', 'FGSM', fgsmParams], ['pgd', `PGD-${suite.pgdIterations}`, pgdParams]] as const) {
      attacks.push({ id, name, knowledge: 'white-box', budgetUnit: 'linf', params: { ...params }, points: sweep.points.filter((p) => p.attackId === id).map(toReportPoint) });
    }
  } else {
    for (const [id, name] of [['fgsm', 'FGSM'], ['pgd', `PGD-${suite.pgdIterations}`]]) {
      attacks.push({ id, name, knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [], skipped: noGradients });
    }
  }
  finishStage('sweep');

  // 2. DeepFool: the smallest L2 change that flips each example; the worst examples are those it flips most easily.
  let worstExamples: ReportExample[] = [];
  if (gradients && !stopped()) {
    const candidates: { result: ExampleResult; index: number; original: string; adversarial: string }[] = [];
    const cb = stageCallbacks('deepfool', 'DeepFool');
    const { results, stopped: cut } = await perExample(model, data, count, 'deepfool', { max_iter: suite.deepfoolIterations }, seed + 1, cb, async (batch, x, adversarial, offset) => {
      cb.onProgress?.((offset + batch.length) / count, `${offset + batch.length} / ${count} examples`);
      // The six smallest successful perturbations so far keep their images.
      for (const [i, r] of batch.entries()) {
        if (!(r.success && r.originalLabel === r.trueLabel)) continue;
        const worstKept = candidates.length < 6 ? Infinity : maxOf(candidates.map((c) => c.result.l2));
        if (r.l2 >= worstKept) continue;
        candidates.push({ result: r, index: offset + i, original: await rowAsPng(x, i), adversarial: await rowAsPng(adversarial, i) });
        candidates.sort((a, b) => a.result.l2 - b.result.l2);
        if (candidates.length > 6) candidates.pop();
      }
    });
    partial ||= cut;
    attacks.push({ id: 'deepfool', name: 'DeepFool (minimal L2)', knowledge: 'white-box', budgetUnit: 'l2', params: { max_iter: suite.deepfoolIterations }, points: pointsFromMinimalNorm(results, suite.l2Budgets) });
    worstExamples = candidates.map(({ result: r, index, original, adversarial }) => ({
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
  } else if (!gradients) {
    attacks.push({ id: 'deepfool', name: 'DeepFool (minimal L2)', knowledge: 'white-box', budgetUnit: 'l2', params: {}, points: [], skipped: noGradients });
  }
  finishStage('deepfool');

  // 3. Square attack: what an attacker with only the scores achieves.
  const squareParams: AttackParams = { norm: 'inf', max_iter: suite.square.queries };
  if (!stopped()) {
    const sweep = await runSweep(
      model,
      data,
      { attacks: [{ id: 'square', params: squareParams }], budgets: suite.square.budgets, count: squareCount, seed: seed + 2, galleryPerPoint: 0 },
      { onProgress: stageCallbacks('square', 'Square attack').onProgress, shouldStop: callbacks.shouldStop, yield: callbacks.yield, onResults: collectReference },
    );
    partial ||= sweep.partial;
    if (!gradients) clean = { accuracy: sweep.cleanAccuracy, correct: sweep.cleanCorrect, examples: squareCount };
    attacks.push({ id: 'square', name: `Square (${suite.square.queries} queries)`, knowledge: 'score-based', budgetUnit: 'linf', params: { ...squareParams }, points: sweep.points.map(toReportPoint) });
  }
  finishStage('square');

  // 4. Per class, under the reference attack at the reference budget (the sweeps always include that budget).
  const perClass: ReportPerClass[] = referenceResults.length > 0 ? perClassTable(referenceResults, classes) : [];

  // 5. Extraction: a dense copy trained on the model's answers to examples it draws from the rest of the data.
  let extraction: ReportExtraction | null = null;
  if (suite.extraction && !stopped()) {
    extraction = await extractionStage(model, data, count, suite.extraction, seed + 4, stageCallbacks('extraction', 'Extraction'));
    if (extraction.points.length < suite.extraction.budgets.length && !extraction.skipped) partial ||= stopped();
  }
  finishStage('extraction');

  return { clean, attacks, perClass, worstExamples, extraction, reference: perClass.length ? reference : null, partial: partial || stopped() };
}

async function extractionStage(
  model: Classifier,
  data: ImageSplit,
  audited: number,
  plan: NonNullable<ImageSuite['extraction']>,
  seed: number,
  callbacks: AuditCallbacks,
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
    return { ...base, skipped: `Extraction needs at least ${needed} examples (a third of them, up to ${plan.heldOut} and at least 50, held out; ${first} to query); the data has ${data.count}.` };
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
      shouldStop: callbacks.shouldStop,
      onRound: async (round) => {
        callbacks.onProgress?.(round.queriesUsed / total, `${round.queriesUsed} / ${total} queries, fidelity ${formatPercent(round.fidelity)}`);
        await callbacks.yield?.();
      },
    },
  );
  result.substitute.dispose();
  return { ...base, heldOut, points: result.history.map((r) => ({ queries: r.queriesUsed, fidelity: r.fidelity, accuracy: r.accuracy })) };
}
