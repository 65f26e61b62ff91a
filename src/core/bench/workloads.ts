import * as tf from '@tensorflow/tfjs';
import { lossAscentDirection } from '../attacks/common';
import { fgsm } from '../attacks/fgsm';
import { isWhiteBox, type AttackParams } from '../attacks/types';
import type { ImageSplit } from '../data/mnist';
import { sliceSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import { runExtraction } from '../extraction/extract';
import { createOracle } from '../extraction/oracle';
import { runSweep } from '../metrics/sweep';
import type { Classifier } from '../models/classifier';

/** The ten budgets of the sweep benchmarks (L-inf, pixels in [0, 1]). */
export const BENCH_BUDGETS = [0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4];

/** Benchmark workloads: the same code runs in Node, in the browser's worker, on every backend. */
export const WORKLOADS = {
  forward: 'forward pass over the test digits (items: images)',
  inputGradient: 'gradient of the loss with respect to the input, over the test digits (items: images)',
  fgsmSweep: 'FGSM accuracy sweep at 10 budgets, batches of 500 (items: image x budget)',
  fgsmOneByOne: 'the same FGSM sweep, one image per call, as browser demos do (items: image x budget)',
  pgd10Sweep: 'PGD-10 accuracy sweep at 10 budgets, batches of 500 (items: image x budget)',
  oracleQueries: 'extraction oracle answering probabilities with the PRADA detector on, 100 rows per call (items: queries)',
  substituteRound: 'one extraction round: 500 pool queries, then 10 epochs of the dense substitute (items: rounds)',
} as const;
export type WorkloadId = keyof typeof WORKLOADS;

/** Items a workload processes on `count` images, for items per second. */
export function workloadItems(workload: WorkloadId, count: number): number {
  if (workload === 'substituteRound') return 1;
  return workload === 'forward' || workload === 'inputGradient' || workload === 'oracleQueries' ? count : count * BENCH_BUDGETS.length;
}

/** Queries through an in-process oracle (the browser lab adds one message hop per call on top). */
async function oracleQueries(classifier: Classifier, split: ImageSplit) {
  const oracle = createOracle(classifier, { output: { kind: 'probabilities' }, budget: split.count, seed: 1, defenses: { prada: { threshold: 0.9 } } });
  const size = split.height * split.width * split.channels;
  const rows = Float32Array.from(split.images, (v) => v / 255);
  for (let start = 0; start < split.count; start += 100) {
    const count = Math.min(100, split.count - start);
    await oracle.query(rows.subarray(start * size, (start + count) * size), count);
  }
}

/** One round of pool-random extraction on `split` (used as the pool), timed from the first query to the trained copy. */
async function substituteRound(classifier: Classifier, split: ImageSplit) {
  const evaluation = sliceSplit(split, 0, Math.min(200, split.count));
  const labels = tf.tidy(() => classifier.logits(imagesToTensor(evaluation)).argMax(1));
  const victimLabels = Int32Array.from(await labels.data());
  labels.dispose();
  const oracle = createOracle(classifier, { output: { kind: 'probabilities' }, budget: 500, seed: 1 });
  const result = await runExtraction(oracle, {
    strategy: 'pool-random',
    pool: split,
    queriesPerRound: 500,
    maxRounds: 1,
    training: { architecture: 'mnist-mlp', epochs: 10, batchSize: 64, learningRate: 0.001 },
    evaluation: { data: evaluation, victimLabels },
    seed: 1,
  });
  result.substitute.dispose();
}

async function batchedPass(workload: 'forward' | 'inputGradient', classifier: Classifier, split: ImageSplit, batchSize: number) {
  for (let first = 0; first < split.count; first += batchSize) {
    const part = sliceSplit(split, first, Math.min(batchSize, split.count - first));
    const out = tf.tidy(() => {
      const x = imagesToTensor(part);
      return workload === 'forward' ? classifier.logits(x) : lossAscentDirection(classifier, x, Int32Array.from(part.labels));
    });
    await out.data();
    out.dispose();
  }
}

/** FGSM at every budget, one image per call: the gradient and each budget's prediction for a single image. */
async function fgsmOneByOne(classifier: Classifier, split: ImageSplit) {
  if (!isWhiteBox(fgsm) || !fgsm.sweep) throw new Error('FGSM has a sweep path');
  const context = { rng: createRng(1), clip: classifier.card.input.range };
  for (let i = 0; i < split.count; i++) {
    const part = sliceSplit(split, i, 1);
    const x = imagesToTensor(part);
    const outputs = await fgsm.sweep(classifier, { x, labels: Int32Array.from(part.labels) }, { norm: 'inf' }, BENCH_BUDGETS, context);
    for (const output of outputs) {
      const label = tf.tidy(() => classifier.logits(output.adversarial).argMax(1));
      await label.data();
      tf.dispose([label, output.adversarial]);
    }
    x.dispose();
  }
}

/** Runs one workload over `split` and waits for the backend to finish; returns milliseconds. */
export async function runWorkload(workload: WorkloadId, classifier: Classifier, split: ImageSplit): Promise<number> {
  const start = performance.now();
  if (workload === 'forward' || workload === 'inputGradient') await batchedPass(workload, classifier, split, 500);
  else if (workload === 'fgsmOneByOne') await fgsmOneByOne(classifier, split);
  else if (workload === 'oracleQueries') await oracleQueries(classifier, split);
  else if (workload === 'substituteRound') await substituteRound(classifier, split);
  else {
    const attack: { id: string; params: AttackParams } =
      workload === 'fgsmSweep' ? { id: 'fgsm', params: { norm: 'inf' } } : { id: 'pgd', params: { norm: 'inf', max_iter: 10 } };
    await runSweep(classifier, split, { attacks: [attack], budgets: BENCH_BUDGETS, count: split.count, seed: 1, batchSize: 500, galleryPerPoint: 0 });
  }
  return performance.now() - start;
}

/** A warm-up run on a few images (shader compilation, caches), then `repeats` timed runs. */
export async function timeWorkload(workload: WorkloadId, classifier: Classifier, split: ImageSplit, repeats: number): Promise<number[]> {
  await runWorkload(workload, classifier, sliceSplit(split, 0, Math.min(split.count, 50)));
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) times.push(await runWorkload(workload, classifier, split));
  return times;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
