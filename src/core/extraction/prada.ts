/**
 * PRADA (Juuti, Szyller, Marchal, Asokan, "PRADA: Protecting against DNN Model Stealing Attacks", EuroS&P 2019).
 * Natural queries lie at distances from each other that look roughly normally distributed; extraction attacks that
 * synthesise queries by small steps from earlier ones (Jacobian augmentation and its kin) add a cluster of small
 * distances. Per predicted class the detector keeps a growing set of queries; each new query's minimum L2 distance
 * to its class's set goes into D; once |D| > 100 it runs a Shapiro-Wilk test on D (outliers beyond 3 standard
 * deviations removed) and fires when W drops below the threshold delta.
 *
 * The Shapiro-Wilk test is written here from Royston's published approximation (Royston 1992, "Approximating the
 * Shapiro-Wilk W-test for non-normality", Statistics and Computing 2; algorithm AS R94, Applied Statistics 44, 1995).
 */
import type { DetectorVerdict } from './types';

/**
 * W below which the stream is flagged. The paper tunes delta per attack between about 0.9 and 0.96; this takes the
 * low end. On the bundled CNN, benign digit streams keep W above about 0.94 once they are tested (the lowest values
 * come right after |D| passes 100, where W is noisiest), while a Jacobian-augmentation stream starts at about 0.9 and
 * falls to about 0.72 within its first augmentation round (measured in oracle.test.ts): 0.95 would fire a few
 * queries earlier but also on some benign streams.
 */
export const PRADA_DEFAULT_THRESHOLD = 0.9;

/** The paper tests D only once it holds more than this many distances. */
export const PRADA_MIN_DISTANCES = 100;

/** Royston's approximation covers samples of 3 to 5,000; beyond that the test runs on the latest 5,000 distances. */
export const SHAPIRO_WILK_MAX_N = 5000;

export interface PradaOptions {
  /** delta: flag when the Shapiro-Wilk W of the distances falls below it. */
  threshold: number;
}

export interface PradaDetector {
  /** Feeds one answered query: its input row, the label the victim gave it, and its 1-based query number. */
  observe(input: Float32Array, label: number, queryIndex: number): void;
  verdict(): DetectorVerdict;
}

// Acklam's rational approximation of the inverse normal CDF (relative error below 1.2e-9).
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** The standard normal quantile: the z with P(Z <= z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`A normal quantile needs a probability strictly between 0 and 1, got ${p}.`);
  const tail = 0.02425;
  if (p < tail || p > 1 - tail) {
    const q = Math.sqrt(-2 * Math.log(p < tail ? p : 1 - p));
    const c = ACKLAM_C;
    const d = ACKLAM_D;
    const z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < tail ? z : -z;
  }
  const u = p - 0.5;
  const r = u * u;
  const a = ACKLAM_A;
  const b = ACKLAM_B;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * u) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** c1 u + c2 u^2 + ... for Royston's corrections of the two outermost coefficients. */
function correction(u: number, coefficients: readonly number[]): number {
  let sum = 0;
  let power = u;
  for (const c of coefficients) {
    sum += c * power;
    power *= u;
  }
  return sum;
}

// Royston (1992): a_n = c_n + 0.221157u - 0.147981u^2 - 2.071190u^3 + 4.434685u^4 - 2.706056u^5, u = 1/sqrt(n),
// and the same form for a_(n-1).
const ROYSTON_LAST = [0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const ROYSTON_SECOND_LAST = [0.042981, -0.293762, -1.752461, 5.682633, -3.582633];

/** Royston's approximation of the Shapiro-Wilk coefficients a_1..a_n (antisymmetric: a_i = -a_(n+1-i)). */
export function shapiroWilkCoefficients(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 3 || n > SHAPIRO_WILK_MAX_N) {
    throw new Error(`The Shapiro-Wilk test needs 3 to ${SHAPIRO_WILK_MAX_N} values, got ${n}.`);
  }
  const a = new Float64Array(n);
  if (n === 3) {
    a[0] = -Math.SQRT1_2;
    a[2] = Math.SQRT1_2;
    return a;
  }
  // m_i = Blom's normal scores Phi^-1((i - 3/8) / (n + 1/4)); computed for the lower half and mirrored.
  const m = new Float64Array(n);
  let sumSquares = 0;
  for (let i = 0; i < Math.floor(n / 2); i++) {
    m[i] = normalQuantile((i + 1 - 0.375) / (n + 0.25));
    m[n - 1 - i] = -m[i];
    sumSquares += 2 * m[i] * m[i];
  }
  const u = 1 / Math.sqrt(n);
  const root = Math.sqrt(sumSquares);
  const last = m[n - 1] / root + correction(u, ROYSTON_LAST);
  if (n > 5) {
    const secondLast = m[n - 2] / root + correction(u, ROYSTON_SECOND_LAST);
    const phi = (sumSquares - 2 * m[n - 1] ** 2 - 2 * m[n - 2] ** 2) / (1 - 2 * last ** 2 - 2 * secondLast ** 2);
    for (let i = 2; i < n - 2; i++) a[i] = m[i] / Math.sqrt(phi);
    a[1] = -secondLast;
    a[n - 2] = secondLast;
  } else {
    const phi = (sumSquares - 2 * m[n - 1] ** 2) / (1 - 2 * last ** 2);
    for (let i = 1; i < n - 1; i++) a[i] = m[i] / Math.sqrt(phi);
  }
  a[0] = -last;
  a[n - 1] = last;
  return a;
}

/**
 * The Shapiro-Wilk W statistic of a sample of 3 to 5,000 finite values: near 1 for a normal sample, smaller the
 * less normal it looks. NaN when every value is the same (W is undefined there).
 */
export function shapiroWilk(sample: ArrayLike<number>): number {
  const n = sample.length;
  const x = Float64Array.from(sample as ArrayLike<number>);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`The Shapiro-Wilk test needs finite values; value ${i + 1} is ${x[i]}.`);
  }
  const a = shapiroWilkCoefficients(n);
  x.sort();
  if (!(x[n - 1] > x[0])) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let sumSquares = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    sumSquares += (x[i] - mean) ** 2;
    weighted += a[i] * x[i];
  }
  return Math.min(1, (weighted * weighted) / sumSquares);
}

/** One class's growing set: its queries, row after row, and the minimum distances with which they joined. */
interface GrowingSet {
  rows: Float32Array;
  size: number;
  joinDistances: number[];
  /** T_c: a query joins the set when its minimum distance to the set exceeds this. */
  threshold: number;
}

function nearestDistance(set: GrowingSet, input: Float32Array): number {
  const dim = input.length;
  let best = Infinity;
  for (let s = 0; s < set.size; s++) {
    const offset = s * dim;
    let sum = 0;
    // Stop summing a member once it is already farther than the best so far.
    for (let k = 0; k < dim && sum < best; k++) {
      const diff = set.rows[offset + k] - input[k];
      sum += diff * diff;
    }
    if (sum < best) best = sum;
  }
  return Math.sqrt(best);
}

function addToSet(set: GrowingSet, input: Float32Array): void {
  const dim = input.length;
  if ((set.size + 1) * dim > set.rows.length) {
    const grown = new Float32Array(Math.max(2 * set.rows.length, (set.size + 1) * dim));
    grown.set(set.rows.subarray(0, set.size * dim));
    set.rows = grown;
  }
  set.rows.set(input, set.size * dim);
  set.size++;
}

function meanAndDeviation(values: ArrayLike<number>, start = 0): { mean: number; deviation: number } {
  const n = values.length - start;
  let mean = 0;
  for (let i = start; i < values.length; i++) mean += values[i];
  mean /= n;
  let variance = 0;
  for (let i = start; i < values.length; i++) variance += (values[i] - mean) ** 2;
  return { mean, deviation: Math.sqrt(variance / n) };
}

export function createPradaDetector({ threshold }: PradaOptions): PradaDetector {
  if (!(threshold > 0 && threshold < 1)) {
    throw new Error(`The PRADA threshold is a Shapiro-Wilk W between 0 and 1 (the paper uses 0.9 to 0.96), got ${threshold}.`);
  }
  const sets = new Map<number, GrowingSet>();
  const distances: number[] = [];
  let dimension: number | undefined;
  let statistic: number | undefined;
  let firedAt: number | undefined;

  function test(queryIndex: number): void {
    const start = Math.max(0, distances.length - SHAPIRO_WILK_MAX_N);
    const { mean, deviation } = meanAndDeviation(distances, start);
    const kept: number[] = [];
    for (let i = start; i < distances.length; i++) {
      if (Math.abs(distances[i] - mean) <= 3 * deviation) kept.push(distances[i]);
    }
    const w = shapiroWilk(kept);
    // Every distance the same is as far from a natural spread as a stream gets: W counts as 0.
    statistic = Number.isNaN(w) ? 0 : w;
    if (statistic < threshold && firedAt === undefined) firedAt = queryIndex;
  }

  return {
    observe(input, label, queryIndex) {
      dimension ??= input.length;
      if (input.length !== dimension) {
        throw new Error(`PRADA compares queries of one size: this one has ${input.length} values, earlier ones ${dimension}.`);
      }
      const set = sets.get(label);
      if (set === undefined) {
        // The class's first query seeds its set; it counts as distance 0 for T_c, as in the authors' reference code.
        const seed: GrowingSet = { rows: new Float32Array(dimension * 16), size: 0, joinDistances: [0], threshold: 0 };
        addToSet(seed, input);
        sets.set(label, seed);
        return;
      }
      const nearest = nearestDistance(set, input);
      distances.push(nearest);
      if (nearest > set.threshold) {
        addToSet(set, input);
        set.joinDistances.push(nearest);
        const { mean, deviation } = meanAndDeviation(set.joinDistances);
        set.threshold = Math.max(set.threshold, mean - deviation);
      }
      if (distances.length > PRADA_MIN_DISTANCES) test(queryIndex);
    },
    verdict: () => ({ flagged: firedAt !== undefined, firedAt, statistic }),
  };
}
