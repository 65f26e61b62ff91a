import * as tf from '@tensorflow/tfjs';
import { attackBatch, measure, predictions, type ExampleResult } from '../attacks/run';
import { readParams } from '../attacks/params';
import { getAttack } from '../attacks/registry';
import { isWhiteBox, type AttackDefinition, type AttackParams, type NormName } from '../attacks/types';
import type { ImageSplit } from '../data/mnist';
import { sliceSplit } from '../data/mnist';
import { createRng, type Rng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import type { Classifier } from '../models/classifier';
import { pushAll } from '../arrays';
import { isStopped, type RunControl } from '../run/control';

/** One accuracy-vs-budget experiment: attacks with their parameters, a list of budgets, the first `count` digits. */
export interface SweepSpec {
  attacks: { id: string; params: AttackParams }[];
  budgets: number[];
  count: number;
  /** The first digit of the split to use (default 0). */
  start?: number;
  seed: number;
  batchSize?: number;
  /** Fooled examples kept per (attack, budget) for the gallery. */
  galleryPerPoint?: number;
  /**
   * For attacks with a step size: set eps_step = 2.5 * eps / max_iter at each budget (Madry et al.'s rule), so
   * one step size does not suit one budget and fail another. Default true.
   */
  scaleStepWithBudget?: boolean;
  /**
   * Keep every adversarial image (as bytes) for download: count x pixels bytes per (attack, budget); a
   * minimal-perturbation attack's image counts at a budget only when it is within it, else the original is kept.
   */
  keepAdversarial?: boolean;
}

export interface SweepPoint {
  attackId: string;
  /** The norm the budget is measured in, for this attack. */
  norm: NormName;
  budget: number;
  examples: number;
  /** Share of all examples still classified correctly. */
  accuracy: number;
  /** Share of the originally correct examples whose label the attack changed (or sent to the target). */
  successRate: number;
  /** Mean perturbation norms over the successful examples (null when none succeeded). */
  meanL0: number | null;
  meanL2: number | null;
  meanLinf: number | null;
  meanQueries: number | null;
}

export interface GalleryItem {
  attackId: string;
  budget: number;
  index: number;
  trueLabel: number;
  adversarialLabel: number;
  adversarialConfidence: number;
  /** The adversarial image as bytes 0..255, like the dataset. */
  pixels: Uint8Array;
}

export interface SweepResult {
  spec: SweepSpec;
  modelId: string;
  /** The weights the sweep ran on (sha256 of each file, from the model card), so a result names its exact model. */
  weightsSha256: string[];
  /**
   * Every parameter of each attack as the run used it, defaults included (the spec lists only what was changed);
   * iterative attacks also scale eps_step with the budget when `spec.scaleStepWithBudget` is not false.
   */
  resolvedParams: Record<string, AttackParams>;
  cleanAccuracy: number;
  cleanCorrect: number;
  points: SweepPoint[];
  gallery: GalleryItem[];
  seconds: number;
  /** True when the run was cancelled: the points cover the batches done so far. */
  partial: boolean;
  /** With `spec.keepAdversarial`: the images each (attack, budget) produced, row-major bytes of the examples done. */
  adversarial?: AdversarialSet[];
  /** With `spec.keepAdversarial`: the true labels of the examples done, in the same order. */
  adversarialLabels?: Uint8Array;
}

export interface AdversarialSet {
  attackId: string;
  budget: number;
  /** [examples, height, width, channels] bytes (0..255), in the order of the test split from `spec.start`. */
  pixels: Uint8Array;
}

/**
 * How a sweep is run: its RunControl (a stopped sweep returns the batches every attack finished, marked partial;
 * onStep is awaited between units of work and at every attack step, so a worker can receive a cancel) and, for a
 * caller that wants them, the per-example results.
 */
export interface SweepRun extends Omit<RunControl, 'onProgress'> {
  /** The sweep always says where it is (examples done, time left). */
  onProgress?: (fraction: number, message: string) => void;
  /** Per-example results of each (attack, budget), a whole batch at a time, once every attack finished it. */
  onResults?: (attackId: string, budget: number, results: readonly ExampleResult[]) => void;
}

/** The norm an attack's budget is counted in for the chart. */
export function budgetNorm(attack: AttackDefinition, params: AttackParams): NormName {
  if (attack.meta.norm !== 'param') return attack.meta.norm;
  return (params.norm as NormName | undefined) ?? (attack.meta.params.find((p) => p.key === 'norm')?.default as NormName) ?? 'inf';
}

const normOf = (r: ExampleResult, norm: NormName) => (norm === 'inf' ? r.linf : norm === '2' ? r.l2 : r.l0);

interface Tally {
  examples: number;
  correct: number;
  successes: number;
  originallyCorrect: number;
  sums: { l0: number; l2: number; linf: number; queries: number; withQueries: number };
}

const emptyTally = (): Tally => ({ examples: 0, correct: 0, successes: 0, originallyCorrect: 0, sums: { l0: 0, l2: 0, linf: 0, queries: 0, withQueries: 0 } });

/**
 * `withinBudget` says whether the attack's output counts at this budget: always for budgeted attacks; for a
 * minimal-perturbation attack, only a success no larger than the budget (otherwise the image stays the original).
 */
function addToTally(tally: Tally, results: ExampleResult[], withinBudget: (r: ExampleResult) => boolean): void {
  for (const r of results) {
    const counted = withinBudget(r);
    const finalLabel = counted ? r.adversarialLabel : r.originalLabel;
    tally.examples++;
    if (finalLabel === r.trueLabel) tally.correct++;
    if (r.originalLabel === r.trueLabel) {
      tally.originallyCorrect++;
      if (r.success && counted) {
        tally.successes++;
        tally.sums.l0 += r.l0;
        tally.sums.l2 += r.l2;
        tally.sums.linf += r.linf;
      }
    }
    if (r.queries !== undefined) {
      tally.sums.queries += r.queries;
      tally.sums.withQueries++;
    }
  }
}

function mergeTallies(a: Tally, b: Tally): Tally {
  return {
    examples: a.examples + b.examples,
    correct: a.correct + b.correct,
    successes: a.successes + b.successes,
    originallyCorrect: a.originallyCorrect + b.originallyCorrect,
    sums: {
      l0: a.sums.l0 + b.sums.l0,
      l2: a.sums.l2 + b.sums.l2,
      linf: a.sums.linf + b.sums.linf,
      queries: a.sums.queries + b.sums.queries,
      withQueries: a.sums.withQueries + b.sums.withQueries,
    },
  };
}

function toPoint(attackId: string, norm: NormName, budget: number, t: Tally): SweepPoint {
  const mean = (sum: number) => (t.successes ? sum / t.successes : null);
  return {
    attackId,
    norm,
    budget,
    examples: t.examples,
    accuracy: t.examples ? t.correct / t.examples : 0,
    successRate: t.originallyCorrect ? t.successes / t.originallyCorrect : 0,
    meanL0: mean(t.sums.l0),
    meanL2: mean(t.sums.l2),
    meanLinf: mean(t.sums.linf),
    meanQueries: t.sums.withQueries ? t.sums.queries / t.sums.withQueries : null,
  };
}

function randomTargets(labels: Int32Array, numClasses: number, rng: Rng): Int32Array {
  return labels.map((label) => (label + 1 + rng.int(numClasses - 1)) % numClasses);
}

/** Pixels in [0, 1] as bytes (value x 255, rounded): of the whole batch, or of one image when `index` is given. */
async function toBytes(x: tf.Tensor4D, index?: number): Promise<Uint8Array> {
  const bytes = tf.tidy(() => (index === undefined ? x : x.slice([index], [1])).mul(255).round().clipByValue(0, 255).flatten());
  const values = await bytes.data();
  bytes.dispose();
  return Uint8Array.from(values);
}

/**
 * Every parameter of an attack as a sweep runs it: defaults filled in, without the budget (it is each point's own)
 * nor, when the sweep scales it, eps_step (2.5 ε / max_iter at each budget).
 */
function resolvedForSweep(attack: AttackDefinition, params: AttackParams, spec: SweepSpec): AttackParams {
  const resolved = readParams(attack.meta.params, params);
  if (attack.meta.budgetParam) delete resolved[attack.meta.budgetParam];
  if (attack.meta.budgetParam && (spec.scaleStepWithBudget ?? true)) delete resolved.eps_step;
  return resolved;
}

/**
 * Runs each attack over the first `count` digits at every budget, in batches, and tallies accuracy, success rate
 * and mean norms per (attack, budget). Budgeted attacks are run once per budget (or once for all, when they have
 * a sweep fast path); minimal-perturbation attacks run once, and at budget ε an example counts as fooled when the
 * attack succeeded with a perturbation of at most ε in its norm.
 */
export async function runSweep(model: Classifier, data: ImageSplit, spec: SweepSpec, run: SweepRun = {}): Promise<SweepResult> {
  const started = performance.now();
  const first = spec.start ?? 0;
  const count = Math.min(spec.count, data.count - first);
  const batchSize = spec.batchSize ?? 100;
  const rng = createRng(spec.seed);
  // What the attacks get: the stop and the step; the progress is the sweep's own.
  const stepControl: RunControl = { signal: run.signal, onStep: run.onStep };
  const attacks = spec.attacks.map(({ id, params }) => ({ id, params, attack: getAttack(id) }));
  const hasSweep = (a: AttackDefinition) => isWhiteBox(a) && a.sweep !== undefined;
  const unitsPerBatch = attacks.reduce((n, a) => n + (a.attack.meta.budgetParam && !hasSweep(a.attack) ? spec.budgets.length : 1), 0);
  const totalUnits = unitsPerBatch * Math.ceil(count / batchSize);
  let unitsDone = 0;
  const tallies = new Map<string, Tally>();
  const key = (id: string, budget: number) => `${id}@${budget}`;
  const gallery: GalleryItem[] = [];
  const galleryLimit = spec.galleryPerPoint ?? 8;
  let cleanCorrect = 0;
  let examplesDone = 0;
  // A batch's tallies and gallery are merged only once every attack finished it: a cancelled batch leaves no trace.
  let batchTallies = new Map<string, Tally>();
  let batchGallery: GalleryItem[] = [];
  let batchResults: { attackId: string; budget: number; results: ExampleResult[] }[] = [];

  // The time left, from the measured time of each attack's runs: attacks differ in cost by 100 times (FGSM against
  // PGD-100), so counting their runs as equal said "8 s left" of a 73 s run. NaN until every attack with runs left has
  // been timed once.
  const batchesTotal = Math.ceil(count / batchSize);
  const unitsOf = (a: (typeof attacks)[number]) => (a.attack.meta.budgetParam && !hasSweep(a.attack) ? spec.budgets.length : 1);
  const timing = new Map<string, { seconds: number; runs: number }>(attacks.map((a) => [a.id, { seconds: 0, runs: 0 }]));
  let unitStarted = performance.now();
  const unitDone = (id: string) => {
    const now = performance.now();
    const t = timing.get(id)!;
    t.seconds += (now - unitStarted) / 1000;
    t.runs++;
    unitStarted = now;
    unitsDone++;
  };
  const secondsLeft = () => {
    let total = 0;
    for (const a of attacks) {
      const t = timing.get(a.id)!;
      const left = unitsOf(a) * batchesTotal - t.runs;
      if (left <= 0) continue;
      if (t.runs === 0) return NaN;
      total += (t.seconds / t.runs) * left;
    }
    return total;
  };

  const report = async () => {
    await run.onStep?.();
    const remaining = secondsLeft();
    // Whole batches count as done; within one, the attacks finished so far say the run is moving.
    const within =
      totalUnits > unitsPerBatch && examplesDone < count ? ` (batch ${Math.floor(examplesDone / batchSize) + 1} of ${Math.ceil(count / batchSize)})` : '';
    const stage = totalUnits <= unitsPerBatch && unitsDone < totalUnits ? ` (${unitsDone} of ${totalUnits} attack runs)` : within;
    const timeLeft = unitsDone >= totalUnits ? '' : Number.isFinite(remaining) ? `, about ${Math.ceil(remaining)} s left` : ', estimating the time left…';
    run.onProgress?.(unitsDone / totalUnits, `${examplesDone} / ${count} examples done${stage}${timeLeft}`);
  };

  const pixelsPerImage = data.height * data.width * data.channels;
  const kept = new Map<string, AdversarialSet>();
  const keepImages = async (
    attackId: string,
    budget: number,
    adversarial: tf.Tensor4D,
    results: ExampleResult[],
    withinBudget: (r: ExampleResult) => boolean,
    offset: number,
  ) => {
    const k = key(attackId, budget);
    let set = kept.get(k);
    if (!set) kept.set(k, (set = { attackId, budget, pixels: new Uint8Array(count * pixelsPerImage) }));
    const values = await toBytes(adversarial);
    const into = (offset - first) * pixelsPerImage;
    for (let i = 0; i < results.length; i++) {
      const from = i * pixelsPerImage;
      if (withinBudget(results[i])) set.pixels.set(values.subarray(from, from + pixelsPerImage), into + from);
      else set.pixels.set(data.images.subarray((offset + i) * pixelsPerImage, (offset + i + 1) * pixelsPerImage), into + from);
    }
  };

  const record = async (
    attackId: string,
    budget: number,
    adversarial: tf.Tensor4D,
    results: ExampleResult[],
    withinBudget: (r: ExampleResult) => boolean,
    offset: number,
  ) => {
    if (spec.keepAdversarial) await keepImages(attackId, budget, adversarial, results, withinBudget, offset);
    const k = key(attackId, budget);
    const tally = batchTallies.get(k) ?? emptyTally();
    addToTally(tally, results, withinBudget);
    batchTallies.set(k, tally);
    if (run.onResults) batchResults.push({ attackId, budget, results });
    let kept = [...gallery, ...batchGallery].filter((g) => g.attackId === attackId && g.budget === budget).length;
    for (let i = 0; i < results.length && kept < galleryLimit; i++) {
      const r = results[i];
      if (r.success && withinBudget(r) && r.originalLabel === r.trueLabel) {
        batchGallery.push({
          attackId,
          budget,
          index: offset + i,
          trueLabel: r.trueLabel,
          adversarialLabel: r.adversarialLabel,
          adversarialConfidence: r.adversarialConfidence,
          pixels: await toBytes(adversarial, i),
        });
        kept++;
      }
    }
  };

  await report();
  outer: for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const part = sliceSplit(data, first + start, n);
    const x = imagesToTensor(part);
    const labels = Int32Array.from(part.labels);
    const targets = randomTargets(labels, model.numClasses, rng);
    batchTallies = new Map();
    batchGallery = [];
    batchResults = [];
    try {
      const before = await predictions(model, x);
      for (const [attackIndex, { id, params, attack }] of attacks.entries()) {
        unitStarted = performance.now();
        const targeted = attack.meta.targeted === 'always' || (attack.meta.targeted === 'optional' && params.targeted === true);
        const batch = { x, labels, targets: targeted ? targets : undefined };
        // Yielding at every attack step lets a cancel reach the worker in the middle of a long attack.
        const context = { rng, clip: model.card.input.range, control: stepControl };
        const budgetKey = attack.meta.budgetParam;
        if (budgetKey && isWhiteBox(attack) && attack.sweep) {
          const outputs = await attack.sweep(model, batch, params, spec.budgets, context);
          try {
            for (let b = 0; b < spec.budgets.length; b++) {
              const results = await measure(model, batch, outputs[b], before);
              await record(id, spec.budgets[b], outputs[b].adversarial, results, () => true, first + start);
            }
          } finally {
            tf.dispose(outputs.map((o) => o.adversarial));
          }
          unitDone(id);
        } else if (budgetKey) {
          for (const budget of spec.budgets) {
            if (isStopped(stepControl)) break outer;
            const atBudget: AttackParams = { ...params, [budgetKey]: budget };
            if ((spec.scaleStepWithBudget ?? true) && attack.meta.params.some((p) => p.key === 'eps_step')) {
              const iterations = Number(params.max_iter ?? attack.meta.params.find((p) => p.key === 'max_iter')?.default ?? 1);
              atBudget.eps_step = (2.5 * budget) / iterations;
            }
            const { adversarial, results } = await attackBatch(attack, model, batch, atBudget, context, before);
            try {
              await record(id, budget, adversarial, results, () => true, first + start);
            } finally {
              adversarial.dispose();
            }
            unitDone(id);
            await report();
          }
        } else {
          const norm = budgetNorm(attack, params);
          const { adversarial, results } = await attackBatch(attack, model, batch, params, context, before);
          try {
            for (const budget of spec.budgets) {
              await record(id, budget, adversarial, results, (r) => r.success && normOf(r, norm) <= budget + 1e-6, first + start);
            }
          } finally {
            adversarial.dispose();
          }
          unitDone(id);
        }
        // A stop after the batch's last attack keeps the batch: every attack finished it, as the progress bar said.
        if (isStopped(stepControl) && attackIndex < attacks.length - 1) break outer;
        await report();
      }
      for (const [k, t] of batchTallies) tallies.set(k, mergeTallies(tallies.get(k) ?? emptyTally(), t));
      pushAll(gallery, batchGallery);
      for (const r of batchResults) run.onResults?.(r.attackId, r.budget, r.results);
      cleanCorrect += labels.filter((label, i) => before.labels[i] === label).length;
      examplesDone += n;
      await report();
    } finally {
      x.dispose();
    }
    if (isStopped(stepControl)) break;
  }

  const points: SweepPoint[] = [];
  for (const { id, params, attack } of attacks) {
    for (const budget of spec.budgets) {
      const tally = tallies.get(key(id, budget));
      if (tally) points.push(toPoint(id, budgetNorm(attack, params), budget, tally));
    }
  }
  return {
    spec,
    modelId: model.card.id,
    weightsSha256: model.card.weights.files.map((f) => f.sha256),
    resolvedParams: Object.fromEntries(attacks.map(({ id, params, attack }) => [id, resolvedForSweep(attack, params, spec)])),
    cleanAccuracy: examplesDone ? cleanCorrect / examplesDone : 0,
    cleanCorrect,
    points,
    gallery,
    seconds: (performance.now() - started) / 1000,
    partial: examplesDone < count,
    ...(spec.keepAdversarial
      ? {
          adversarial: [...kept.values()].map((a) => ({ ...a, pixels: a.pixels.slice(0, examplesDone * pixelsPerImage) })),
          adversarialLabels: data.labels.slice(first, first + examplesDone),
        }
      : {}),
  };
}
