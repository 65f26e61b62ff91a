/**
 * Output perturbations an oracle applies against model extraction. Each takes row-major [n, numClasses] probability
 * rows, returns new rows (the input is never changed), and keeps each row's argmax: the class that wins a row
 * (its first largest entry, as tf.argMax picks it) still wins it afterwards, strictly unless it tied in the input.
 */
import type { Rng } from '../data/rng';

/** The Adversarial Robustness Toolbox's ReverseSigmoid defaults. */
export const REVERSE_SIGMOID_DEFAULTS = { beta: 1.0, gamma: 0.1 } as const;

/** Index of the first largest entry of row `r` (the tie-break tf.argMax uses). */
export function rowArgmax(rows: ArrayLike<number>, numClasses: number, r: number): number {
  const start = r * numClasses;
  let best = 0;
  for (let j = 1; j < numClasses; j++) {
    if (rows[start + j] > rows[start + best]) best = j;
  }
  return best;
}

/** The argmax of every row. */
export function argmaxRows(rows: ArrayLike<number>, numClasses: number): Int32Array {
  const count = rowCount(rows, numClasses);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) labels[r] = rowArgmax(rows, numClasses, r);
  return labels;
}

function rowCount(rows: ArrayLike<number>, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`A probability row needs at least 2 classes, got ${numClasses}.`);
  }
  if (rows.length % numClasses !== 0) {
    throw new Error(`${rows.length} values do not split into rows of ${numClasses} classes.`);
  }
  return rows.length / numClasses;
}

/**
 * Makes `label` the strict largest entry of the row at `start` again after a perturbation: swap the winning value
 * into the label's place (the row keeps the same values and sum, so the answer stays a distribution), then move a
 * sliver of mass from any class still level with it.
 */
function restoreArgmax(row: Float32Array, start: number, numClasses: number, label: number): void {
  let best = 0;
  for (let j = 1; j < numClasses; j++) {
    if (row[start + j] > row[start + best]) best = j;
  }
  if (best !== label) {
    const top = row[start + best];
    row[start + best] = row[start + label];
    row[start + label] = top;
  }
  const top = row[start + label];
  const sliver = top * 1e-5; // well above float32 resolution, well below anything an attacker could use
  let moved = 0;
  for (let j = 0; j < numClasses; j++) {
    if (j !== label && row[start + j] >= top) {
      row[start + j] = top - sliver;
      moved += sliver;
    }
  }
  row[start + label] = top + moved;
}

/** Divides a row by its sum; a row whose entries all fell to zero becomes one-hot on its label. */
function normaliseRow(row: Float32Array, start: number, numClasses: number, label: number, values: Float64Array): void {
  let sum = 0;
  for (let j = 0; j < numClasses; j++) sum += values[j];
  for (let j = 0; j < numClasses; j++) {
    row[start + j] = sum > 0 ? values[j] / sum : j === label ? 1 : 0;
  }
}

/**
 * Gaussian noise of standard deviation `sigma` on every probability, clipped at 0 and renormalised (as ART's
 * GaussianNoise postprocessor does); where the noise would change the winner, the row's argmax is restored.
 */
export function addGaussianNoise(rows: Float32Array, numClasses: number, sigma: number, rng: Rng): Float32Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new Error(`The Gaussian noise defense needs a standard deviation >= 0, got ${sigma}.`);
  }
  const count = rowCount(rows, numClasses);
  const out = new Float32Array(rows.length);
  const values = new Float64Array(numClasses);
  for (let r = 0; r < count; r++) {
    const start = r * numClasses;
    const label = rowArgmax(rows, numClasses, r);
    for (let j = 0; j < numClasses; j++) values[j] = Math.max(0, rows[start + j] + sigma * rng.normal());
    normaliseRow(out, start, numClasses, label, values);
    restoreArgmax(out, start, numClasses, label);
  }
  return out;
}

/**
 * Reverse sigmoid (Lee et al., "Defending Against NN Model Stealing Attacks Using Deceptive Perturbations", IEEE S&P
 * workshops 2019), as ART's ReverseSigmoid postprocessor computes it: with p clipped to [1e-9, 1 - 1e-9],
 * r = beta * (sigmoid(-gamma * ln((1 - p) / p)) - 1/2), answer p - r clipped to [0, 1] and renormalised.
 * The map is not monotone near p = 0 (tiny probabilities are pushed up towards beta / 2), so an uncertain row's
 * winner can change; there the row's argmax is restored by swapping values, which keeps the sum at 1.
 */
export function reverseSigmoid(rows: Float32Array, numClasses: number, beta: number, gamma: number): Float32Array {
  if (!(beta > 0) || !Number.isFinite(beta) || !(gamma > 0) || !Number.isFinite(gamma)) {
    throw new Error(`Reverse sigmoid needs beta > 0 and gamma > 0 (ART's defaults: beta 1, gamma 0.1), got beta ${beta}, gamma ${gamma}.`);
  }
  const count = rowCount(rows, numClasses);
  const out = new Float32Array(rows.length);
  const values = new Float64Array(numClasses);
  const clipMin = 1e-9;
  for (let r = 0; r < count; r++) {
    const start = r * numClasses;
    const label = rowArgmax(rows, numClasses, r);
    for (let j = 0; j < numClasses; j++) {
      const p = rows[start + j];
      const clipped = Math.min(Math.max(p, clipMin), 1 - clipMin);
      const perturbation = beta * (1 / (1 + Math.exp(gamma * Math.log((1 - clipped) / clipped))) - 0.5);
      values[j] = Math.min(Math.max(p - perturbation, 0), 1);
    }
    normaliseRow(out, start, numClasses, label, values);
    restoreArgmax(out, start, numClasses, label);
  }
  return out;
}

/** The largest number of decimals a rounded answer can ask for: float32 scores carry about 7 significant digits. */
export const MAX_DECIMALS = 6;

/**
 * Probabilities rounded to `decimals` decimals (ART's Rounded postprocessor). Rounding can make the winner level
 * with a runner-up; then the winner is rounded up and any class still level is set one step below it, so every entry
 * stays within 10^-decimals of its probability and the argmax is kept.
 */
export function roundProbabilities(rows: Float32Array, numClasses: number, decimals: number): Float32Array {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new Error(`Rounding needs a whole number of decimals from 0 to ${MAX_DECIMALS}, got ${decimals}.`);
  }
  const count = rowCount(rows, numClasses);
  const scale = 10 ** decimals;
  const out = new Float32Array(rows.length);
  for (let r = 0; r < count; r++) {
    const start = r * numClasses;
    const label = rowArgmax(rows, numClasses, r);
    for (let j = 0; j < numClasses; j++) out[start + j] = Math.round(rows[start + j] * scale) / scale;
    let level = false;
    for (let j = 0; j < numClasses; j++) level ||= j !== label && out[start + j] >= out[start + label];
    if (!level) continue;
    const up = Math.ceil(rows[start + label] * scale);
    out[start + label] = up / scale;
    for (let j = 0; j < numClasses; j++) {
      // The label's probability is the row's largest, so a level class is genuinely tied or just below it.
      if (j !== label && out[start + j] >= out[start + label] && rows[start + j] < rows[start + label]) {
        out[start + j] = Math.max(0, up - 1) / scale;
      }
    }
  }
  return out;
}

/**
 * Only the k largest probabilities of each row, the rest reported as 0 (not renormalised). Ties at the k-th place go
 * to the lower class index, so exactly k entries are kept and the argmax is always among them.
 */
export function topK(rows: Float32Array, numClasses: number, k: number): Float32Array {
  if (!Number.isInteger(k) || k < 1 || k > numClasses) {
    throw new Error(`Top-k needs a whole number k from 1 to ${numClasses} (the number of classes), got ${k}.`);
  }
  const count = rowCount(rows, numClasses);
  const out = new Float32Array(rows.length);
  const order = Array.from({ length: numClasses }, (_, j) => j);
  for (let r = 0; r < count; r++) {
    const start = r * numClasses;
    order.sort((a, b) => rows[start + b] - rows[start + a] || a - b);
    for (let i = 0; i < k; i++) out[start + order[i]] = rows[start + order[i]];
  }
  return out;
}
