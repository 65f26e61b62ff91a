import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/rng';
import { queryScores } from './blackbox';
import { afterStepOnValues, readParams } from './common';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams, ScoreModel } from './types';
import { SIMBA_META } from './catalog';

const params = SIMBA_META.params;

interface SimbaParams extends AttackParams {
  attack: 'dct' | 'px';
  max_iter: number;
  epsilon: number;
  eps: number;
  order: 'random' | 'diag';
  freq_dim: number;
  stride: number;
  targeted: boolean;
  batch_size: number;
}

/** Index of the largest value in row `row` of a row-major [?, k] array (first one on ties, as argMax). */
function argMaxRow(values: Float32Array, row: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (values[row * k + j] > values[row * k + best]) best = j;
  return best;
}

/**
 * Directions grouped in the order they are tried: every group is shuffled, groups go in order. The index of a
 * direction is a pixel (NHWC offset within an image) for px, and a frequency (fi * w + fj) * c + channel for dct.
 */
function directionGroups(p: SimbaParams, h: number, w: number, c: number): number[][] {
  const rank = (i: number, j: number): number => {
    if (p.attack === 'px') return p.order === 'diag' ? i + j : 0;
    // Low frequencies carry most of what a classifier uses, so SimBA-DCT tries them first (as in the paper).
    if (i < p.freq_dim && j < p.freq_dim) return 0;
    return 1 + Math.floor((Math.max(i, j) - p.freq_dim) / p.stride);
  };
  const groups: number[][] = [];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const r = rank(i, j);
      while (groups.length <= r) groups.push([]);
      for (let ch = 0; ch < c; ch++) groups[r].push((i * w + j) * c + ch);
    }
  }
  return groups.filter((g) => g.length > 0);
}

/** A fresh pass over the basis: the groups in order, each in a new random order (sampling without replacement). */
function shuffledPass(groups: number[][], rng: Rng, out: Int32Array): void {
  let at = 0;
  for (const group of groups) {
    const start = at;
    for (const d of group) out[at++] = d;
    for (let k = at - 1; k > start; k--) {
      const m = start + rng.int(k - start + 1);
      const tmp = out[k];
      out[k] = out[m];
      out[m] = tmp;
    }
  }
}

/** cos table of the orthonormal DCT-II basis: entry [f * n + u] is row u of the inverse transform of frequency f. */
function idctTable(n: number): Float64Array {
  const table = new Float64Array(n * n);
  for (let f = 0; f < n; f++) {
    const scale = Math.sqrt((f === 0 ? 1 : 2) / n);
    for (let u = 0; u < n; u++) table[f * n + u] = scale * Math.cos((Math.PI * (2 * u + 1) * f) / (2 * n));
  }
  return table;
}

/**
 * SimBA, the Simple Black-box Attack (Guo, Gardner, You, Wilson, Weinberger, ICML 2019): pick a random
 * orthonormal direction q (a pixel, or a low-frequency DCT pattern), try x - εq, then x + εq, and keep whichever
 * lowers the true-class probability (raises the target's). Departure from the paper: every candidate is projected
 * into the L-inf ball of radius `eps` and into the input range before it is queried, so the result is bounded.
 */
export const simba: AttackDefinition = {
  meta: SIMBA_META,

  async run(model: ScoreModel, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<SimbaParams>(params, given);
    if (p.targeted && !batch.targets) throw new Error('A targeted SimBA needs a target class for every image.');
    const [n, h, w, c] = batch.x.shape;
    if (p.attack === 'dct' && p.freq_dim > Math.min(h, w)) {
      throw new Error(`First frequencies (freq_dim) must be at most the image side, ${Math.min(h, w)}; got ${p.freq_dim}.`);
    }
    const shape: [number, number, number] = [h, w, c];
    const d = h * w * c;
    const k = model.numClasses;
    const targets = p.targeted ? batch.targets : undefined;
    // The class whose probability is tracked: pushed down (true label) or up (target).
    const tracked = targets ?? batch.labels;
    const improves = (next: number, now: number) => (targets ? next > now : next < now);
    const fooled = (probs: Float32Array, row: number, i: number) => {
      const predicted = argMaxRow(probs, row, k);
      return targets ? predicted === targets[i] : predicted !== batch.labels[i];
    };

    const original = ((await batch.x.data()) as Float32Array).slice();
    const current = original.slice();
    // Per-pixel bounds: the L-inf ball around the original, inside the input range.
    const low = original.map((v) => Math.max(context.clip[0], v - p.eps));
    const high = original.map((v) => Math.min(context.clip[1], v + p.eps));

    const queries = new Int32Array(n);
    const steps = new Int32Array(n);
    const done = new Uint8Array(n);
    const trackedProb = new Float64Array(n);

    const first = await queryScores(model, current, n, shape, p.batch_size);
    for (let i = 0; i < n; i++) {
      queries[i] = 1;
      trackedProb[i] = first[i * k + tracked[i]];
      if (fooled(first, i, i) || queries[i] >= p.max_iter) done[i] = 1;
    }

    const groups = directionGroups(p, h, w, c);
    const basisSize = groups.reduce((sum, g) => sum + g.length, 0);
    const order = new Int32Array(n * basisSize);
    const cursor = new Int32Array(n).fill(basisSize);
    // Directions tried since the example's last query: a whole pass without one means nothing can move any more.
    const idle = new Int32Array(n);
    const cosH = idctTable(h);
    const cosW = idctTable(w);

    /** Writes current + sign * epsilon * q, projected, into `rows` at `slot`; false when that changes nothing. */
    const writeCandidate = (i: number, direction: number, sign: number, rows: Float32Array, slot: number): boolean => {
      const base = i * d;
      const target = rows.subarray(slot * d, (slot + 1) * d);
      target.set(current.subarray(base, base + d));
      const step = sign * p.epsilon;
      let changed = false;
      const update = (offset: number, delta: number) => {
        // Compared as stored (float32): a change that rounds away is no change.
        const value = Math.fround(Math.min(high[base + offset], Math.max(low[base + offset], current[base + offset] + delta)));
        if (value !== target[offset]) {
          target[offset] = value;
          changed = true;
        }
      };
      if (p.attack === 'px') {
        update(direction, step);
      } else {
        const ch = direction % c;
        const fj = Math.floor(direction / c) % w;
        const fi = Math.floor(direction / (c * w));
        for (let u = 0; u < h; u++) {
          const rowScale = step * cosH[fi * h + u];
          for (let v = 0; v < w; v++) update((u * w + v) * c + ch, rowScale * cosW[fj * w + v]);
        }
      }
      return changed;
    };

    const rows = new Float32Array(n * d);
    let step = 0;
    while (!isStopped(context.control)) {
      const active: number[] = [];
      for (let i = 0; i < n; i++) if (!done[i]) active.push(i);
      if (active.length === 0) break;
      step++;
      const directions = new Map<number, number>();
      for (const i of active) {
        if (cursor[i] >= basisSize) {
          shuffledPass(groups, context.rng, order.subarray(i * basisSize, (i + 1) * basisSize));
          cursor[i] = 0;
        }
        directions.set(i, order[i * basisSize + cursor[i]++]);
      }
      const queried = new Set<number>();
      let pending = active;
      // Paper, Algorithm 1: try -εq; only when that does not help, try +εq.
      for (const sign of [-1, 1]) {
        const sent: number[] = [];
        for (const i of pending) {
          if (queries[i] < p.max_iter && writeCandidate(i, directions.get(i)!, sign, rows, sent.length)) sent.push(i);
        }
        if (sent.length === 0) continue;
        const probs = await queryScores(model, rows, sent.length, shape, p.batch_size);
        const accepted = new Set<number>();
        sent.forEach((i, slot) => {
          queries[i]++;
          queried.add(i);
          const prob = probs[slot * k + tracked[i]];
          if (!improves(prob, trackedProb[i])) return;
          current.set(rows.subarray(slot * d, (slot + 1) * d), i * d);
          trackedProb[i] = prob;
          accepted.add(i);
          if (fooled(probs, slot, i)) done[i] = 1;
        });
        pending = pending.filter((i) => !accepted.has(i));
      }
      for (const i of active) {
        steps[i]++;
        idle[i] = queried.has(i) ? 0 : idle[i] + 1;
        if (queries[i] >= p.max_iter || idle[i] >= basisSize) done[i] = 1;
      }
      await afterStepOnValues(context, step, current, [n, h, w, c]);
    }
    return { adversarial: tf.tensor4d(current, [n, h, w, c]), steps, queries };
  },
};
