import * as tf from '@tensorflow/tfjs';
import { afterStepOnValues, readParams } from './common';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams, ScoreModel } from './types';
import { SQUARE_META } from './catalog';
import { queryScores } from './blackbox';

const params = SQUARE_META.params;

interface SquareParams extends AttackParams {
  norm: 'inf' | '2';
  eps: number;
  max_iter: number;
  p_init: number;
  nb_restarts: number;
  targeted: boolean;
  batch_size: number;
}

/** Below this a probability is treated as this (float32 softmax underflows; log(0) would be -Infinity). */
const SMALLEST_PROBABILITY = 1e-38;

/**
 * The paper's margin loss on log-probabilities (equal to the margin on logits): untargeted, log p_y minus the
 * largest other log p; targeted, the largest other log p minus log p_t. Negative exactly when the attack succeeds.
 */
export function marginLoss(probs: Float32Array, row: number, classes: number, label: number, targeted: boolean): number {
  let other = -Infinity;
  for (let j = 0; j < classes; j++) if (j !== label) other = Math.max(other, probs[row * classes + j]);
  const own = Math.log(Math.max(probs[row * classes + label], SMALLEST_PROBABILITY));
  const rest = Math.log(Math.max(other, SMALLEST_PROBABILITY));
  return targeted ? rest - own : own - rest;
}

/**
 * The fraction of pixels a square covers at iteration `iteration` of `maxIter`: p_init, halved at iterations 10,
 * 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 of a 10,000-iteration run, rescaled to the actual budget
 * (Andriushchenko et al., 2020, and the authors' code).
 */
export function squareFraction(pInit: number, iteration: number, maxIter: number): number {
  const scaled = Math.floor((iteration / maxIter) * 10_000);
  const halvings = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000].filter((t) => scaled > t).length;
  return pInit / 2 ** halvings;
}

/**
 * A centred bump on a rows x cols rectangle, of unit L2 norm: the sum of 1/(k+1)^2 over the nested squares of
 * half-side k around the centre that hold the pixel (the shape of the paper's L2 updates).
 */
function bump(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const [cu, cv] = [Math.floor(rows / 2), Math.floor(cols / 2)];
  const rings = Math.max(cu, cv) + 1;
  let norm = 0;
  for (let u = 0; u < rows; u++) {
    for (let v = 0; v < cols; v++) {
      let value = 0;
      for (let k = Math.max(Math.abs(u - cu), Math.abs(v - cv)); k < rings; k++) value += 1 / (k + 1) ** 2;
      out[u * cols + v] = value;
      norm += value * value;
    }
  }
  return out.map((v) => v / Math.sqrt(norm));
}

/** An s x s square of two opposite bumps, one per half, of unit L2 norm; transposed on request. */
function twoBumps(side: number, transpose: boolean): Float64Array {
  const upper = Math.floor(side / 2);
  const top = bump(upper, side);
  const bottom = bump(side - upper, side);
  const out = new Float64Array(side * side);
  for (let u = 0; u < side; u++) {
    for (let v = 0; v < side; v++) {
      const value = u < upper ? top[u * side + v] : -bottom[(u - upper) * side + v];
      out[transpose ? v * side + u : u * side + v] = value;
    }
  }
  const norm = Math.sqrt(out.reduce((sum, v) => sum + v * v, 0));
  return out.map((v) => v / norm);
}

/**
 * Square Attack (Andriushchenko, Croce, Flammarion, Hein, ECCV 2020): random search on the margin loss, one query
 * per iteration, a proposal kept only if the loss drops; the square's side follows the p schedule. L-inf: start
 * from vertical stripes of ±ε and set one random square to x ± ε per channel (a vertex of the ε-ball). L2: start
 * from a grid of bumps of norm ε; each proposal moves the perturbation's mass out of a second random square into
 * two opposite bumps in the first, so the perturbation stays on the ε-sphere.
 */
export const squareAttack: AttackDefinition = {
  meta: SQUARE_META,

  async run(model: ScoreModel, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<SquareParams>(params, given);
    if (p.targeted && !batch.targets) throw new Error('A targeted Square Attack needs a target class for every image.');
    const [n, h, w, c] = batch.x.shape;
    const shape: [number, number, number] = [h, w, c];
    const d = h * w * c;
    const k = model.numClasses;
    const rng = context.rng;
    const goal = p.targeted ? batch.targets! : batch.labels;
    const loss = (probs: Float32Array, row: number, i: number) => marginLoss(probs, row, k, goal[i], p.targeted);
    const [low, high] = context.clip;
    const clip = (v: number) => Math.min(high, Math.max(low, v));
    const original = ((await batch.x.data()) as Float32Array).slice();
    // L-inf: the ball's two corners for each pixel, inside the input range; a square moves its pixels to one of them.
    const lowCorner = original.map((v) => clip(v - p.eps));
    const highCorner = original.map((v) => clip(v + p.eps));

    const best = original.slice();
    const bestLoss = new Float64Array(n).fill(Infinity);
    const queries = new Int32Array(n);
    const steps = new Int32Array(n);
    const fooled = new Uint8Array(n);
    const current = new Float32Array(n * d);
    const currentLoss = new Float64Array(n);
    const rows = new Float32Array(n * d);
    const delta = new Float64Array(d);

    /** Writes x + delta * (ε / ||delta||2), clipped, into `row` for example i: a point on the ε-sphere (L2). */
    const writeOnSphere = (i: number, row: Float32Array) => {
      const norm = Math.sqrt(delta.reduce((sum, v) => sum + v * v, 0));
      for (let q = 0; q < d; q++) row[q] = clip(original[i * d + q] + (norm > 0 ? (delta[q] * p.eps) / norm : 0));
    };

    /** The paper's starting point for example i. */
    const start = (i: number, row: Float32Array) => {
      if (p.norm === 'inf') {
        // Vertical stripes: one random corner per column and channel.
        for (let v = 0; v < w; v++) {
          for (let ch = 0; ch < c; ch++) {
            const corner = rng.next() < 0.5 ? highCorner : lowCorner;
            for (let u = 0; u < h; u++) row[(u * w + v) * c + ch] = corner[i * d + (u * w + v) * c + ch];
          }
        }
        return;
      }
      // A centred grid of two-bump tiles, about 5 x 5 of them, with a random sign per tile and channel.
      delta.fill(0);
      const tile = Math.max(1, Math.floor(Math.min(h, w) / 5));
      const [across, down] = [Math.floor(w / tile), Math.floor(h / tile)];
      const [top, left] = [Math.floor((h - down * tile) / 2), Math.floor((w - across * tile) / 2)];
      for (let a = 0; a < down; a++) {
        for (let b = 0; b < across; b++) {
          const shapeOfTile = twoBumps(tile, rng.next() < 0.5);
          for (let ch = 0; ch < c; ch++) {
            const sign = rng.next() < 0.5 ? -1 : 1;
            for (let u = 0; u < tile; u++) {
              for (let v = 0; v < tile; v++) delta[((top + a * tile + u) * w + left + b * tile + v) * c + ch] += sign * shapeOfTile[u * tile + v];
            }
          }
        }
      }
      writeOnSphere(i, row);
    };

    /** The side of the square at an iteration, from the fraction p of the image it covers. */
    const sideAt = (iteration: number): number => {
      const fraction = squareFraction(p.p_init, iteration, p.max_iter);
      const side = Math.round(Math.sqrt(fraction * h * w));
      // L-inf: 1 to one less than the image side; L2: odd and at least 3, so that both bumps have room.
      if (p.norm === 'inf') return Math.max(1, Math.min(side, Math.min(h, w) - 1));
      const odd = Math.max(side, 3) % 2 === 0 ? Math.max(side, 3) + 1 : Math.max(side, 3);
      return Math.max(1, Math.min(odd, Math.min(h, w) - 1));
    };

    /** Writes a proposal for example i into `row` (a copy of its current point); false when nothing would change. */
    const propose = (i: number, row: Float32Array, side: number): boolean => {
      const top = rng.int(h - side + 1);
      const left = rng.int(w - side + 1);
      if (p.norm === 'inf') {
        // Redraw the corners while the square would not change at all, as the authors' code does (a few tries).
        let changed = false;
        for (let attempt = 0; attempt < 8 && !changed; attempt++) {
          for (let ch = 0; ch < c; ch++) {
            const corner = rng.next() < 0.5 ? highCorner : lowCorner;
            for (let u = top; u < top + side; u++) {
              for (let v = left; v < left + side; v++) {
                const offset = (u * w + v) * c + ch;
                if (corner[i * d + offset] !== row[offset]) changed = true;
                row[offset] = corner[i * d + offset];
              }
            }
          }
        }
        return changed;
      }
      // L2: a second square gives up its mass; the first gets two fresh bumps plus its old, normalised content.
      const top2 = rng.int(h - side + 1);
      const left2 = rng.int(w - side + 1);
      const inFirst = (u: number, v: number) => u >= top && u < top + side && v >= left && v < left + side;
      const inSecond = (u: number, v: number) => u >= top2 && u < top2 + side && v >= left2 && v < left2 + side;
      let total = 0;
      for (let q = 0; q < d; q++) {
        delta[q] = current[i * d + q] - original[i * d + q];
        total += delta[q] * delta[q];
      }
      const fresh = twoBumps(side, rng.next() < 0.5);
      const window = new Float64Array(side * side);
      for (let ch = 0; ch < c; ch++) {
        let firstMass = 0;
        let unionMass = 0;
        for (let u = 0; u < h; u++) {
          for (let v = 0; v < w; v++) {
            const value = delta[(u * w + v) * c + ch];
            if (inFirst(u, v)) firstMass += value * value;
            if (inFirst(u, v) || inSecond(u, v)) unionMass += value * value;
          }
        }
        const sign = rng.next() < 0.5 ? -1 : 1;
        let windowNorm = 0;
        for (let u = 0; u < side; u++) {
          for (let v = 0; v < side; v++) {
            const old = delta[((top + u) * w + left + v) * c + ch] / (Math.sqrt(firstMass) + 1e-10);
            window[u * side + v] = sign * fresh[u * side + v] + old;
            windowNorm += window[u * side + v] ** 2;
          }
        }
        // The new square holds the mass of both squares plus what the budget has left (shared among channels).
        const size = Math.sqrt(Math.max(p.eps ** 2 - total, 0) / c + unionMass) / (Math.sqrt(windowNorm) || 1);
        for (let u = top2; u < top2 + side; u++) for (let v = left2; v < left2 + side; v++) delta[(u * w + v) * c + ch] = 0;
        for (let u = 0; u < side; u++) {
          for (let v = 0; v < side; v++) delta[((top + u) * w + left + v) * c + ch] = window[u * side + v] * size;
        }
      }
      writeOnSphere(i, row);
      return row.some((v, q) => v !== current[i * d + q]);
    };

    let step = 0;
    let stopped = false;
    // Each image's best point so far (across restarts): what the attack would return if stopped now.
    const report = () => afterStepOnValues(context, step, best, [n, h, w, c]);
    const keepBest = (i: number) => {
      if (currentLoss[i] < bestLoss[i]) {
        bestLoss[i] = currentLoss[i];
        best.set(current.subarray(i * d, (i + 1) * d), i * d);
      }
      if (bestLoss[i] < 0) fooled[i] = 1;
    };

    for (let restart = 0; restart < p.nb_restarts && !stopped; restart++) {
      let active: number[] = [];
      for (let i = 0; i < n; i++) if (!fooled[i]) active.push(i);
      if (active.length === 0) break;

      active.forEach((i, slot) => start(i, rows.subarray(slot * d, (slot + 1) * d)));
      const initial = await queryScores(model, rows, active.length, shape, p.batch_size);
      active.forEach((i, slot) => {
        queries[i]++;
        current.set(rows.subarray(slot * d, (slot + 1) * d), i * d);
        currentLoss[i] = loss(initial, slot, i);
        keepBest(i);
      });
      active = active.filter((i) => !fooled[i]);

      for (let iteration = 1; iteration < p.max_iter && active.length > 0; iteration++) {
        if (isStopped(context.control)) {
          stopped = true;
          break;
        }
        step++;
        const side = sideAt(iteration - 1);
        const sent: number[] = [];
        for (const i of active) {
          const row = rows.subarray(sent.length * d, (sent.length + 1) * d);
          row.set(current.subarray(i * d, (i + 1) * d));
          if (propose(i, row, side)) sent.push(i);
        }
        if (sent.length > 0) {
          const probs = await queryScores(model, rows, sent.length, shape, p.batch_size);
          sent.forEach((i, slot) => {
            queries[i]++;
            const next = loss(probs, slot, i);
            if (next < currentLoss[i]) {
              currentLoss[i] = next;
              current.set(rows.subarray(slot * d, (slot + 1) * d), i * d);
              keepBest(i);
            }
          });
        }
        for (const i of active) steps[i]++;
        active = active.filter((i) => !fooled[i]);
        await report();
      }
    }
    return { adversarial: tf.tensor4d(best, [n, h, w, c]), steps, queries };
  },
};
