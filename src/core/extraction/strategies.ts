/**
 * Query-selection strategies for model extraction: what the attacker sends the oracle next. One entry per strategy
 * in STRATEGIES (like tensorflow/playground's Activations), so adding one is one entry. A strategy sees only its
 * own knowledge (nothing, a seed set, or a pool of unlabeled images), the current substitute, a seeded RNG and the
 * oracle's answers to what it proposed: never the victim.
 */
import * as tf from '@tensorflow/tfjs';
import { signOf } from '../backend/ops';
import type { ImageSplit } from '../data/mnist';
import type { Rng } from '../data/rng';
import type { Classifier } from '../models/classifier';
import type { OracleAnswer } from './types';
import { maxOf } from '../arrays';
import { getStrategyMeta, type StrategyId, type StrategyMeta } from './catalog';

export type { AttackerKnowledge, StrategyId } from './catalog';

export type UncertaintyMeasure = 'margin' | 'entropy';

/** A strategy's parameters; the keys are those of its ParamSpecs in catalog.ts. */
export interface StrategyParams {
  /** Jacobian augmentation step λ (Papernot et al. 2017 use 0.1). */
  lambda?: number;
  /** Jacobian augmentation: flip the sign of λ every τ augmentation rounds (0 or absent: never). */
  tau?: number;
  /** pool-uncertainty: smallest top-1 minus top-2 margin, or highest entropy of the substitute's probabilities. */
  uncertainty?: UncertaintyMeasure;
  /** pool-adaptive: the gradient bandit's step size α. */
  banditStep?: number;
}

export interface StrategyContext {
  inputShape: [number, number, number];
  numClasses: number;
  rng: Rng;
  /** Unlabeled images for the pool strategies (their labels, if any, are never read). */
  pool?: ImageSplit;
  /** The seed set of the Jacobian strategy (labels never read). */
  seeds?: ImageSplit;
  params?: StrategyParams;
}

export interface ProposalRequest {
  round: number;
  /** The substitute trained on all answers so far; absent before the first round. Borrowed. */
  substitute?: Classifier;
  /** Rows the run asks for this round (the Jacobian strategy ignores it: its rounds double the set). */
  size: number;
  /** Queries left in the budget: a proposal never has more rows than this. */
  limit: number;
}

export interface Proposal {
  /** Row-major [count, h, w, c] in [0, 1]. */
  inputs: Float32Array;
  count: number;
  /** For pool strategies: the pool row of each input. */
  poolIndices?: Int32Array;
}

export interface QuerySampler {
  /** The next inputs to send (possibly fewer than asked when the strategy has nothing left; 0 ends the run). */
  propose(request: ProposalRequest): Promise<Proposal>;
  /**
   * The oracle's answers to the first `answered` rows of the last proposal (fewer than proposed when the budget cut
   * the round short). Strategies that learn from the answers (Jacobian, adaptive) update here.
   */
  observe?(proposal: Proposal, answer: OracleAnswer, answered: number): void;
}

/** A strategy: its catalog entry (names, knowledge, parameters) and how to start it. */
export interface QueryStrategy extends StrategyMeta {
  start(context: StrategyContext): QuerySampler;
}

// ---------------------------------------------------------------------------------------------------------------
// Image helpers (plain arrays)

const pixelsOf = (shape: [number, number, number]) => shape[0] * shape[1] * shape[2];

/** Pool rows as floats in [0, 1], row-major. */
export function splitRows(split: ImageSplit, indices: ArrayLike<number>): Float32Array {
  const size = split.height * split.width * split.channels;
  const out = new Float32Array(indices.length * size);
  for (let r = 0; r < indices.length; r++) {
    const offset = indices[r] * size;
    for (let p = 0; p < size; p++) out[r * size + p] = split.images[offset + p] / 255;
  }
  return out;
}

function checkShape(split: ImageSplit, shape: [number, number, number], what: string): void {
  if (split.height !== shape[0] || split.width !== shape[1] || split.channels !== shape[2]) {
    throw new Error(
      `The ${what} holds ${split.height}x${split.width}x${split.channels} images but the oracle takes ${shape.join('x')}: ` +
        `use images of the oracle's input shape.`,
    );
  }
}

/** Uniform noise in [0, 1] per pixel. */
export function uniformNoiseImages(count: number, shape: [number, number, number], rng: Rng): Float32Array {
  const out = new Float32Array(count * pixelsOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.next();
  return out;
}

/**
 * Digit-like scribbles: one to three thick quadratic Bezier strokes, white on black, in the central part of the
 * image (where MNIST digits sit). Crude, but closer to digits than noise, and free of any real data.
 */
export function syntheticStrokeImages(count: number, shape: [number, number, number], rng: Rng): Float32Array {
  const [h, w, c] = shape;
  const size = h * w * c;
  const out = new Float32Array(count * size);
  const margin = 0.2;
  const point = () => [h * (margin + (1 - 2 * margin) * rng.next()), w * (margin + (1 - 2 * margin) * rng.next())];
  for (let n = 0; n < count; n++) {
    const strokes = 1 + rng.int(3);
    const radius = 0.8 + rng.next() * 1.0;
    for (let s = 0; s < strokes; s++) {
      const [p0, p1, p2] = [point(), point(), point()];
      const steps = 48;
      for (let k = 0; k <= steps; k++) {
        const t = k / steps;
        const y = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t ** 2 * p2[0];
        const x = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t ** 2 * p2[1];
        for (let i = Math.max(0, Math.floor(y - radius - 1)); i <= Math.min(h - 1, Math.ceil(y + radius + 1)); i++) {
          for (let j = Math.max(0, Math.floor(x - radius - 1)); j <= Math.min(w - 1, Math.ceil(x + radius + 1)); j++) {
            // Anti-aliased disc: full inside the radius, fading over one pixel.
            const ink = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(i + 0.5 - y, j + 0.5 - x)));
            for (let ch = 0; ch < c; ch++) {
              const at = n * size + (i * w + j) * c + ch;
              if (ink > out[at]) out[at] = ink;
            }
          }
        }
      }
    }
  }
  return out;
}

/** Probabilities of the substitute on pool rows, row-major [indices.length, numClasses], in batches. */
async function substituteProbabilities(substitute: Classifier, split: ImageSplit, indices: Int32Array, batchSize = 1000): Promise<Float32Array> {
  const k = substitute.numClasses;
  const out = new Float32Array(indices.length * k);
  const [h, w, c] = substitute.inputShape;
  for (let start = 0; start < indices.length; start += batchSize) {
    const count = Math.min(batchSize, indices.length - start);
    const rows = splitRows(split, indices.subarray(start, start + count));
    const probs = tf.tidy(() => substitute.probabilities(tf.tensor4d(rows, [count, h, w, c])));
    out.set(await probs.data(), start * k);
    probs.dispose();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Jacobian-based dataset augmentation (Papernot et al. 2017)

/**
 * One Jacobian-based augmentation step (Papernot et al., "Practical Black-Box Attacks against Machine Learning",
 * AsiaCCS 2017): each x moves by λ·sign(∂F_y(x)/∂x), with F the substitute's logit (as in cleverhans) for y, the
 * oracle's label of x, and is clipped to [0, 1]. Returns only the new points, row-major like `inputs`; the
 * augmented set is inputs ∪ new points, twice as large.
 */
export function jacobianAugment(substitute: Classifier, inputs: Float32Array, labels: Int32Array, lambda: number): Float32Array {
  const [h, w, c] = substitute.inputShape;
  const count = labels.length;
  const moved = tf.tidy(() => {
    const x = tf.tensor4d(inputs, [count, h, w, c]);
    const mask = tf.oneHot(tf.tensor1d(labels, 'int32'), substitute.numClasses);
    // The rows are independent, so the gradient of the sum of each row's own-label logit is the per-row Jacobian row.
    const gradient = tf.grad((input: tf.Tensor) =>
      substitute
        .logits(input as tf.Tensor4D)
        .mul(mask)
        .sum(),
    )(x);
    return tf.clipByValue(x.add(signOf(gradient).mul(lambda)), 0, 1);
  });
  const out = moved.dataSync() as Float32Array;
  moved.dispose();
  return Float32Array.from(out);
}

/** λ at augmentation round ρ (0-based) with the paper's periodic step size: λ·(-1)^⌊ρ/τ⌋. */
export const jacobianStep = (lambda: number, round: number, tau?: number) => (tau && tau > 0 && Math.floor(round / tau) % 2 === 1 ? -lambda : lambda);

/** `count` distinct indices from [0, n), in random order (a partial Fisher-Yates shuffle). */
export function sampleIndices(n: number, count: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const take = Math.min(count, n);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    const tmp = all[i];
    all[i] = all[j];
    all[j] = tmp;
  }
  return all.slice(0, take);
}

function jacobianSampler(context: StrategyContext): QuerySampler {
  const seeds = context.seeds;
  if (!seeds || seeds.count === 0) {
    throw new Error('The Jacobian strategy grows a seed set: give it a few unlabeled images (e.g. 100 test digits).');
  }
  checkShape(seeds, context.inputShape, 'seed set');
  const lambda = context.params?.lambda ?? 0.1;
  const tau = context.params?.tau;
  const size = pixelsOf(context.inputShape);
  // The substitute training set S_ρ as the oracle labelled it; grows as answers come in.
  let set = new Float32Array(0);
  let setLabels = new Int32Array(0);
  let augmentations = 0;
  return {
    async propose({ substitute, limit }) {
      let candidates: Float32Array;
      if (set.length === 0 || !substitute) {
        candidates = splitRows(
          seeds,
          Int32Array.from({ length: seeds.count }, (_, i) => i),
        );
      } else {
        candidates = jacobianAugment(substitute, set, setLabels, jacobianStep(lambda, augmentations, tau));
        augmentations++;
      }
      const available = candidates.length / size;
      if (available <= limit) return { inputs: candidates, count: available };
      // The budget cannot take the whole doubling: a random subset of the new points (Papernot et al.'s reservoir idea).
      const picked = sampleIndices(available, limit, context.rng);
      const inputs = new Float32Array(picked.length * size);
      picked.forEach((row, r) => inputs.set(candidates.subarray(row * size, (row + 1) * size), r * size));
      return { inputs, count: picked.length };
    },
    observe(proposal, answer, answered) {
      const grown = new Float32Array(set.length + answered * size);
      grown.set(set);
      grown.set(proposal.inputs.subarray(0, answered * size), set.length);
      const grownLabels = new Int32Array(setLabels.length + answered);
      grownLabels.set(setLabels);
      grownLabels.set(answer.labels.subarray(0, answered), setLabels.length);
      set = grown;
      setLabels = grownLabels;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pool strategies

/** How unsure a probability row is; larger is less sure. Margin: 1 - (top1 - top2). Entropy: -Σ p log p. */
export function uncertainty(probs: Float32Array, numClasses: number, row: number, measure: UncertaintyMeasure): number {
  const p = probs.subarray(row * numClasses, (row + 1) * numClasses);
  if (measure === 'entropy') {
    let h = 0;
    for (const v of p) if (v > 0) h -= v * Math.log(v);
    return h;
  }
  let first = -Infinity;
  let second = -Infinity;
  for (const v of p) {
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) second = v;
  }
  return 1 - (first - second);
}

/**
 * The `count` rows the model is least sure about, most unsure first (ties: lower row first). `probs` is row-major
 * [rows, numClasses]; the result indexes its rows.
 */
export function leastSure(probs: Float32Array, numClasses: number, count: number, measure: UncertaintyMeasure): Int32Array {
  const rows = probs.length / numClasses;
  const scores = Array.from({ length: rows }, (_, r) => uncertainty(probs, numClasses, r, measure));
  const order = Array.from({ length: rows }, (_, r) => r).sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(order.slice(0, Math.min(count, rows)));
}

/** Pool rows not yet queried. */
function unusedRows(used: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < used.length; i++) if (!used[i]) out.push(i);
  return Int32Array.from(out);
}

function requirePool(context: StrategyContext, name: string): ImageSplit {
  const pool = context.pool;
  if (!pool || pool.count === 0) {
    throw new Error(`The ${name} strategy draws from a pool of unlabeled images: give it one (e.g. the training digits, labels unused).`);
  }
  checkShape(pool, context.inputShape, 'pool');
  return pool;
}

/** Proposes the chosen pool rows and marks them used. */
function fromPool(pool: ImageSplit, used: Uint8Array, rows: ArrayLike<number>): Proposal {
  const poolIndices = Int32Array.from(rows);
  for (const i of poolIndices) used[i] = 1;
  return { inputs: splitRows(pool, poolIndices), count: poolIndices.length, poolIndices };
}

function poolRandomSampler(context: StrategyContext): QuerySampler {
  const pool = requirePool(context, 'pool-random');
  const used = new Uint8Array(pool.count);
  return {
    async propose({ size, limit }) {
      const free = unusedRows(used);
      const picked = sampleIndices(free.length, Math.min(size, limit), context.rng);
      return fromPool(
        pool,
        used,
        Array.from(picked, (k) => free[k]),
      );
    },
  };
}

function poolUncertaintySampler(context: StrategyContext): QuerySampler {
  const pool = requirePool(context, 'pool-uncertainty');
  const measure = context.params?.uncertainty ?? 'margin';
  const used = new Uint8Array(pool.count);
  return {
    async propose({ substitute, size, limit }) {
      const free = unusedRows(used);
      const count = Math.min(size, limit);
      // Before the first answer there is no substitute to be unsure: start at random.
      if (!substitute)
        return fromPool(
          pool,
          used,
          Array.from(sampleIndices(free.length, count, context.rng), (k) => free[k]),
        );
      const probs = await substituteProbabilities(substitute, pool, free);
      return fromPool(
        pool,
        used,
        Array.from(leastSure(probs, substitute.numClasses, count, measure), (k) => free[k]),
      );
    },
  };
}

/**
 * KnockoffNets' adaptive sampling (Orekondy et al., "Knockoff Nets: Stealing Functionality of Black-Box Models",
 * CVPR 2019): a gradient bandit over clusters of the pool, here the substitute's predicted class, rewarded per query
 * by how much the oracle's answer surprises the substitute (the cross-entropy of its prediction against the answer).
 */
function poolAdaptiveSampler(context: StrategyContext): QuerySampler {
  const pool = requirePool(context, 'pool-adaptive');
  const k = context.numClasses;
  const step = context.params?.banditStep ?? 0.1;
  const used = new Uint8Array(pool.count);
  const preferences = new Float64Array(k);
  let meanReward = 0;
  let rewards = 0;
  // For the last proposal: the arm each row came from and the substitute's probabilities for it.
  let lastArms: Int32Array | undefined;
  let lastProbs: Float32Array | undefined;

  const policy = () => {
    const top = maxOf(preferences);
    const e = Array.from(preferences, (hv) => Math.exp(hv - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  };

  return {
    async propose({ substitute, size, limit }) {
      const free = unusedRows(used);
      const count = Math.min(size, limit, free.length);
      if (!substitute) {
        lastArms = undefined;
        return fromPool(
          pool,
          used,
          Array.from(sampleIndices(free.length, count, context.rng), (i) => free[i]),
        );
      }
      const probs = await substituteProbabilities(substitute, pool, free);
      const clusters: number[][] = Array.from({ length: k }, () => []);
      for (let r = 0; r < free.length; r++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (probs[r * k + j] > probs[r * k + best]) best = j;
        clusters[best].push(r);
      }
      const pi = policy();
      const rows: number[] = [];
      const arms: number[] = [];
      const chosenProbs = new Float32Array(count * k);
      while (rows.length < count) {
        // Sample an arm from the policy, restricted to clusters with rows left.
        const mass = pi.map((p, a) => (clusters[a].length > 0 ? p : 0));
        const total = mass.reduce((a, b) => a + b, 0);
        let u = context.rng.next() * total;
        let arm = mass.findIndex((m) => m > 0 && (u -= m) < 0);
        // Rounding can leave u just above 0 after the last arm: take the last arm with rows.
        if (arm < 0) for (let a = 0; a < k; a++) if (mass[a] > 0) arm = a;
        const members = clusters[arm];
        const pick = context.rng.int(members.length);
        const r = members[pick];
        members[pick] = members[members.length - 1];
        members.pop();
        chosenProbs.set(probs.subarray(r * k, (r + 1) * k), rows.length * k);
        rows.push(free[r]);
        arms.push(arm);
      }
      lastArms = Int32Array.from(arms);
      lastProbs = chosenProbs;
      return fromPool(pool, used, rows);
    },
    observe(_proposal, answer, answered) {
      if (!lastArms || !lastProbs) return;
      for (let r = 0; r < answered; r++) {
        const target = answerDistribution(answer, r, k);
        let reward = 0;
        for (let j = 0; j < k; j++) if (target[j] > 0) reward -= target[j] * Math.log(Math.max(lastProbs[r * k + j], 1e-12));
        // Gradient bandit update (Sutton & Barto 2.8) with the running mean reward as baseline.
        rewards++;
        meanReward += (reward - meanReward) / rewards;
        const pi = policy();
        const arm = lastArms[r];
        for (let a = 0; a < k; a++) preferences[a] += step * (reward - meanReward) * ((a === arm ? 1 : 0) - pi[a]);
      }
      lastArms = undefined;
    },
  };
}

/**
 * The oracle's answer for one row as a probability distribution: its scores renormalised to sum to 1 (top-k and
 * rounded modes do not), or one-hot on its label when it gives no scores (or scores that sum to 0).
 */
export function answerDistribution(answer: OracleAnswer, row: number, numClasses: number): Float32Array {
  const out = new Float32Array(numClasses);
  if (answer.scores) {
    let total = 0;
    for (let j = 0; j < numClasses; j++) {
      const v = Math.max(0, answer.scores[row * numClasses + j]);
      out[j] = v;
      total += v;
    }
    if (total > 0 && Number.isFinite(total)) {
      for (let j = 0; j < numClasses; j++) out[j] /= total;
      return out;
    }
    out.fill(0);
  }
  out[answer.labels[row]] = 1;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Data-free strategies

function generatorSampler(context: StrategyContext, generate: typeof uniformNoiseImages): QuerySampler {
  return {
    async propose({ size, limit }) {
      const count = Math.min(size, limit);
      return { inputs: generate(count, context.inputShape, context.rng), count };
    },
  };
}

const strategy = (id: StrategyId, start: QueryStrategy['start']): QueryStrategy => ({ ...getStrategyMeta(id), start });

/** The implementations, keyed by the ids of STRATEGY_METAS in catalog.ts (a test checks they agree). */
export const STRATEGIES: Record<StrategyId, QueryStrategy> = {
  'random-noise': strategy('random-noise', (context) => generatorSampler(context, uniformNoiseImages)),
  synthetic: strategy('synthetic', (context) => generatorSampler(context, syntheticStrokeImages)),
  jacobian: strategy('jacobian', jacobianSampler),
  'pool-random': strategy('pool-random', poolRandomSampler),
  'pool-uncertainty': strategy('pool-uncertainty', poolUncertaintySampler),
  'pool-adaptive': strategy('pool-adaptive', poolAdaptiveSampler),
};
