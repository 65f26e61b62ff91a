/**
 * The black-box oracle of the model-extraction lab: it wraps a classifier and answers only `query(inputs)`, with
 * plain numbers in and out, a query budget, a log of every query, output perturbations and a PRADA detector.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../data/rng';
import type { Classifier } from '../models/classifier';
import { addGaussianNoise, argmaxRows, MAX_DECIMALS, reverseSigmoid, roundProbabilities, topK } from './defenses';
import { createPradaDetector, type PradaDetector } from './prada';
import { QueryBudgetExceededError, type DetectorVerdict, type Oracle, type OracleAnswer, type OracleConfig, type QueryLogEntry } from './types';

/** Rows per call into the victim, so a large query does not hold one huge activation tensor. */
const VICTIM_BATCH = 256;

/**
 * FNV-1a, 64-bit (Fowler, Noll, Vo), as 16 hex digits. The 64-bit product by the FNV prime 2^40 + 0x1b3 is done on
 * two 32-bit halves: (hi, lo) * 0x1b3 plus lo shifted into the high half by 40 - 32 = 8 bits.
 */
export function fnv1a64Hex(bytes: Uint8Array): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i];
    const loProduct = (lo >>> 0) * 0x1b3;
    const carry = Math.floor(loProduct / 0x100000000);
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loProduct >>> 0;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** The hash a log entry gives an input row: FNV-1a 64 of its float32 bytes. */
export function hashInputRow(row: Float32Array): string {
  return fnv1a64Hex(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
}

/** The log as JSON: an array of entries, one per line, which JSON.parse turns back into the same entries. */
export function queryLogToJson(log: readonly QueryLogEntry[]): string {
  if (log.length === 0) return '[]';
  return `[\n${log.map((entry) => JSON.stringify(entry)).join(',\n')}\n]`;
}

function checkConfig(config: OracleConfig, numClasses: number): void {
  const { output, budget, defenses = {}, seed } = config;
  if (!(numClasses >= 2)) throw new Error(`An oracle needs a classifier with at least 2 classes, this one has ${numClasses}.`);
  if (!Number.isSafeInteger(budget) || budget < 0) {
    throw new Error(`The query budget must be a whole number of queries >= 0, got ${budget}.`);
  }
  if (!Number.isFinite(seed)) throw new Error(`The oracle's seed must be a number, got ${seed}.`);
  if (output.kind === 'top-k' && !(Number.isInteger(output.k) && output.k >= 1 && output.k <= numClasses)) {
    throw new Error(`Top-k output needs a whole number k from 1 to ${numClasses} (the number of classes), got ${output.k}.`);
  }
  if (output.kind === 'rounded' && !(Number.isInteger(output.decimals) && output.decimals >= 0 && output.decimals <= MAX_DECIMALS)) {
    throw new Error(`Rounded output needs a whole number of decimals from 0 to ${MAX_DECIMALS}, got ${output.decimals}.`);
  }
  const sigma = defenses.gaussianNoise;
  if (sigma !== undefined && !(Number.isFinite(sigma) && sigma >= 0)) {
    throw new Error(`The Gaussian noise defense needs a standard deviation >= 0, got ${sigma}.`);
  }
  const rs = defenses.reverseSigmoid;
  if (rs !== undefined && !(Number.isFinite(rs.beta) && rs.beta > 0 && Number.isFinite(rs.gamma) && rs.gamma > 0)) {
    throw new Error(`Reverse sigmoid needs beta > 0 and gamma > 0 (ART's defaults: beta 1, gamma 0.1), got beta ${rs.beta}, gamma ${rs.gamma}.`);
  }
}

/** Why a query's inputs cannot be answered, or undefined when they are fine. */
function inputProblem(inputs: Float32Array, count: number, shape: [number, number, number]): string | undefined {
  const size = shape[0] * shape[1] * shape[2];
  const described = `${shape[0]}x${shape[1]}x${shape[2]} = ${size} values`;
  if (!Number.isSafeInteger(count) || count < 0) return `The number of inputs must be a whole number >= 0, got ${count}.`;
  if (!(inputs instanceof Float32Array)) return 'Inputs must be a Float32Array of pixel values, row after row.';
  if (inputs.length !== count * size) {
    return `Expected ${count} input${count === 1 ? '' : 's'} of ${described} each (${count * size} in all), got ${inputs.length} values.`;
  }
  for (let i = 0; i < inputs.length; i++) {
    if (!Number.isFinite(inputs[i])) {
      return `Input ${Math.floor(i / size) + 1} of ${count} has a value that is not a finite number (${inputs[i]}) at position ${(i % size) + 1}; send pixel values in the model's input range.`;
    }
  }
  return undefined;
}

async function victimProbabilities(classifier: Classifier, inputs: Float32Array, count: number): Promise<Float32Array> {
  const [h, w, c] = classifier.inputShape;
  const size = h * w * c;
  const out = new Float32Array(count * classifier.numClasses);
  for (let start = 0; start < count; start += VICTIM_BATCH) {
    const k = Math.min(VICTIM_BATCH, count - start);
    const probs = tf.tidy(() => classifier.probabilities(tf.tensor4d(inputs.subarray(start * size, (start + k) * size), [k, h, w, c])));
    try {
      out.set((await probs.data()) as Float32Array, start * classifier.numClasses);
    } finally {
      probs.dispose();
    }
  }
  return out;
}

export function createOracle(classifier: Classifier, config: OracleConfig): Oracle {
  const { numClasses } = classifier;
  const inputShape: [number, number, number] = [...classifier.inputShape];
  const size = inputShape[0] * inputShape[1] * inputShape[2];
  checkConfig(config, numClasses);
  const { output, budget, defenses = {} } = config;
  const noiseRng = createRng(config.seed);
  const detector: PradaDetector | undefined = defenses.prada ? createPradaDetector({ threshold: defenses.prada.threshold }) : undefined;
  const created = performance.now();
  const entries: QueryLogEntry[] = [];
  let used = 0;
  // Queries are answered one call at a time, in the order they were made, so the budget check, the log and the
  // detector see a single ordered stream even when an attacker fires several calls without awaiting them.
  let queue: Promise<unknown> = Promise.resolve();

  async function answer(inputs: Float32Array, count: number): Promise<OracleAnswer> {
    // Refused whole (no row answered, nothing counted): the attacker holds exactly what the log shows, and may retry.
    if (count > budget - used) throw new QueryBudgetExceededError(budget, used, count);
    if (count === 0) return { labels: new Int32Array(0), scores: output.kind === 'label' ? undefined : new Float32Array(0) };
    const probabilities = await victimProbabilities(classifier, inputs, count);
    const labels = argmaxRows(probabilities, numClasses);
    let scores = probabilities;
    // In label mode the perturbations could not change what is shown (they keep the argmax), so they are skipped.
    if (output.kind !== 'label' && defenses.gaussianNoise !== undefined && defenses.gaussianNoise > 0) {
      scores = addGaussianNoise(scores, numClasses, defenses.gaussianNoise, noiseRng);
    }
    if (output.kind !== 'label' && defenses.reverseSigmoid !== undefined) {
      scores = reverseSigmoid(scores, numClasses, defenses.reverseSigmoid.beta, defenses.reverseSigmoid.gamma);
    }
    let shown: Float32Array | undefined;
    if (output.kind === 'probabilities') shown = scores;
    else if (output.kind === 'top-k') shown = topK(scores, numClasses, output.k);
    else if (output.kind === 'rounded') shown = roundProbabilities(scores, numClasses, output.decimals);
    else shown = undefined;

    const time = performance.now() - created;
    for (let r = 0; r < count; r++) {
      const row = inputs.subarray(r * size, (r + 1) * size);
      const index = used + r + 1;
      entries.push({
        index,
        time,
        inputHash: hashInputRow(row),
        label: labels[r],
        output: shown ? Array.from(shown.subarray(r * numClasses, (r + 1) * numClasses)) : [labels[r]],
      });
      detector?.observe(row, labels[r], index);
    }
    used += count;
    return shown ? { labels, scores: shown } : { labels };
  }

  return {
    numClasses,
    inputShape,
    budget,
    used: () => used,
    query(inputs, count) {
      const problem = inputProblem(inputs, count, inputShape);
      if (problem) return Promise.reject(new Error(problem));
      // A private copy: the caller may reuse its buffer while this call waits its turn.
      const own = inputs.slice();
      const run = queue.then(() => answer(own, count));
      queue = run.catch(() => undefined);
      return run;
    },
    log: () => entries.slice(),
    detector: (): DetectorVerdict => detector?.verdict() ?? { flagged: false },
  };
}
