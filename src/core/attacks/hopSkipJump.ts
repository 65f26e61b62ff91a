import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/rng';
import { afterStepOnValues, readParams } from './common';
import { isStopped } from '../run/control';
import type { AttackBatch, AttackContext, AttackDefinition, AttackOutput, AttackParams, LabelModel } from './types';
import { HOPSKIPJUMP_META } from './catalog';
import { queryLabels } from './blackbox';
import { maxOf } from '../arrays';

const params = HOPSKIPJUMP_META.params;

interface HsjParams extends AttackParams {
  norm: '2' | 'inf';
  max_iter: number;
  max_eval: number;
  init_eval: number;
  init_size: number;
  max_queries: number;
  targeted: boolean;
  batch_size: number;
}

/** Most halvings of the jump before an iteration gives up and keeps its boundary point. */
const MAX_STEP_HALVINGS = 20;

/** Fills `out` with standard normals from the attack's generator, both Box-Muller outputs used (half the draws). */
function fillGaussian(out: Float64Array, rng: Rng): void {
  for (let k = 0; k < out.length; k += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const angle = 2 * Math.PI * rng.next();
    out[k] = radius * Math.cos(angle);
    if (k + 1 < out.length) out[k + 1] = radius * Math.sin(angle);
  }
}

/**
 * HopSkipJumpAttack (Chen, Jordan, Wainwright, IEEE S&P 2020), a decision-based minimal-perturbation attack: from
 * a misclassified starting point, binary-search to the decision boundary, estimate the boundary's normal from the
 * labels of random probes around the point (Monte-Carlo, with the mean as baseline), jump along it with a
 * geometrically shrinking step until still adversarial, and binary-search back towards the image. Repeat.
 * Every kept point was queried and found adversarial, so an image either stays as it was or ends misclassified.
 */
export const hopSkipJump: AttackDefinition = {
  meta: HOPSKIPJUMP_META,

  async run(model: LabelModel, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<HsjParams>(params, given);
    if (p.init_eval > p.max_eval) {
      throw new Error(`First probes (init_eval) must be at most the most probes per estimate (max_eval); got ${p.init_eval} > ${p.max_eval}.`);
    }
    if (p.targeted && !batch.targets) throw new Error('A targeted HopSkipJump needs a target class for every image.');
    const targets = p.targeted ? batch.targets : undefined;
    const [n, h, w, c] = batch.x.shape;
    const shape: [number, number, number] = [h, w, c];
    const d = h * w * c;
    const l2 = p.norm === '2';
    const [low, high] = context.clip;
    // The paper's binary-search precision θ (γ = 1): d^(-3/2) for L2, d^(-2) for L-inf.
    const theta = l2 ? d ** -1.5 : d ** -2;
    // Queries a binary search needs to reach θ, kept back when sizing a gradient estimate.
    const searchQueries = Math.ceil(Math.log2(1 / theta)) + 1;

    const original = ((await batch.x.data()) as Float32Array).slice();
    const current = original.slice();
    const queries = new Int32Array(n);
    const steps = new Int32Array(n);
    const left = (i: number) => p.max_queries - queries[i];
    const adversarial = (label: number, i: number) => (targets ? label === targets[i] : label !== batch.labels[i]);
    const rows = new Float32Array(Math.max(n, p.batch_size) * d);
    const row = (slot: number) => rows.subarray(slot * d, (slot + 1) * d);
    const image = (buffer: Float32Array, i: number) => buffer.subarray(i * d, (i + 1) * d);
    const ask = async (sent: number[]) => {
      const labels = await queryLabels(model, rows, sent.length, shape, p.batch_size);
      for (const i of sent) queries[i]++;
      return labels;
    };
    const distance = (i: number) => {
      let sum = 0;
      let max = 0;
      for (let k = i * d; k < (i + 1) * d; k++) {
        const diff = Math.abs(current[k] - original[k]);
        sum += diff * diff;
        max = Math.max(max, diff);
      }
      return l2 ? Math.sqrt(sum) : max;
    };

    // An image the model already gets wrong (or already calls the target) is left as it is.
    rows.set(original);
    const clean = await ask(Array.from({ length: n }, (_, i) => i));
    let attacking: number[] = [];
    let searching: number[] = [];
    for (let i = 0; i < n; i++) if (!adversarial(clean[i], i)) searching.push(i);

    // Starting points: uniform noise, the paper's, alternating with batch images of another true class
    // (targeted: of the target class), since a model may label all noise alike (the MNIST CNN calls it an 8).
    const pool = (i: number) =>
      Array.from(batch.labels.keys()).filter((j) => j !== i && (targets ? batch.labels[j] === targets[i] : batch.labels[j] !== batch.labels[i]));
    const pools = new Map(searching.map((i) => [i, pool(i)]));
    for (let attempt = 0; attempt < p.init_size && !isStopped(context.control); attempt++) {
      searching = searching.filter((i) => left(i) > 0);
      if (searching.length === 0) break;
      searching.forEach((i, slot) => {
        const candidates = pools.get(i)!;
        const pick = (attempt - 1) / 2;
        if (attempt % 2 === 1 && pick < candidates.length) row(slot).set(image(original, candidates[pick]));
        else for (let k = 0; k < d; k++) rows[slot * d + k] = low + (high - low) * context.rng.next();
      });
      const labels = await ask(searching);
      searching.forEach((i, slot) => {
        if (!adversarial(labels[slot], i)) return;
        image(current, i).set(row(slot));
        attacking.push(i);
      });
      searching = searching.filter((i) => !attacking.includes(i));
    }

    /** Writes into `out` the point at `alpha` between the image and its current point: a blend (L2) or a box (L-inf). */
    const between = (i: number, alpha: number, out: Float32Array) => {
      for (let k = 0; k < d; k++) {
        const x0 = original[i * d + k];
        const x = current[i * d + k];
        out[k] = l2 ? (1 - alpha) * x0 + alpha * x : Math.min(x0 + alpha, Math.max(x0 - alpha, x));
      }
    };

    /** Moves each example's current (adversarial) point to the boundary towards its image, to precision θ. */
    const binarySearch = async (set: number[]) => {
      const lower = new Map<number, number>();
      const upper = new Map<number, number>();
      const precision = new Map<number, number>();
      const found = new Map<number, Float32Array>();
      for (const i of set) {
        // L2 searches the blend weight in [0, 1]; L-inf the radius of a box around the image, from the current distance.
        const far = l2 ? 1 : distance(i);
        lower.set(i, 0);
        upper.set(i, far);
        precision.set(i, l2 ? theta : Math.min(far * theta, theta));
      }
      const open = () => set.filter((i) => upper.get(i)! - lower.get(i)! > precision.get(i)! && left(i) > 0);
      for (let searching = open(); searching.length > 0; searching = open()) {
        searching.forEach((i, slot) => between(i, (lower.get(i)! + upper.get(i)!) / 2, row(slot)));
        const labels = await ask(searching);
        searching.forEach((i, slot) => {
          const mid = (lower.get(i)! + upper.get(i)!) / 2;
          if (adversarial(labels[slot], i)) {
            upper.set(i, mid);
            found.set(i, row(slot).slice());
          } else {
            lower.set(i, mid);
          }
        });
      }
      // Only points that were queried and found adversarial are kept.
      for (const [i, point] of found) image(current, i).set(point);
    };

    await binarySearch(attacking);

    const probe = new Float64Array(p.batch_size * d);
    let iteration = 0;
    while (attacking.length > 0 && iteration < p.max_iter && !isStopped(context.control)) {
      iteration++;
      const t = iteration;
      // Probe counts grow as √t, as in the paper, within what the budget leaves after a jump and a search.
      const evals = new Map<number, number>();
      for (const i of attacking) {
        const count = Math.min(Math.floor(p.init_eval * Math.sqrt(t)), p.max_eval, left(i) - searchQueries - 2);
        if (count >= 1) evals.set(i, count);
      }
      attacking = attacking.filter((i) => evals.has(i));
      if (attacking.length === 0) break;

      // Probe radius δ_t: d·θ·dist (= dist/d with θ as above); 0.1 of the range at first, as the authors' code does.
      const dists = new Map(attacking.map((i) => [i, distance(i)]));
      const radius = new Map(attacking.map((i) => [i, t === 1 ? 0.1 * (high - low) : (l2 ? Math.sqrt(d) : d) * theta * dists.get(i)!]));
      const sumWeighted = new Float64Array(n * d);
      const sumProbes = new Float64Array(n * d);
      const positives = new Map<number, number>();
      const pairs: number[] = [];
      const mostEvals = maxOf(evals.values());
      for (let b = 0; b < mostEvals; b++) for (const i of attacking) if (b < evals.get(i)!) pairs.push(i);

      for (let start = 0; start < pairs.length; start += p.batch_size) {
        const chunk = pairs.slice(start, start + p.batch_size);
        chunk.forEach((i, slot) => {
          const u = probe.subarray(slot * d, (slot + 1) * d);
          if (l2) fillGaussian(u, context.rng);
          else for (let k = 0; k < d; k++) u[k] = 2 * context.rng.next() - 1;
          let norm = 0;
          for (let k = 0; k < d; k++) norm += u[k] * u[k];
          norm = Math.sqrt(norm) || 1;
          const r = radius.get(i)!;
          for (let k = 0; k < d; k++) {
            const x = current[i * d + k];
            const value = Math.min(high, Math.max(low, x + (r * u[k]) / norm));
            rows[slot * d + k] = value;
            // The probe actually sent, after clipping to the input range.
            u[k] = (value - x) / r;
          }
        });
        const labels = await ask(chunk);
        chunk.forEach((i, slot) => {
          const sign = adversarial(labels[slot], i) ? 1 : -1;
          positives.set(i, (positives.get(i) ?? 0) + (sign > 0 ? 1 : 0));
          for (let k = 0; k < d; k++) {
            const u = probe[slot * d + k];
            sumWeighted[i * d + k] += sign * u;
            sumProbes[i * d + k] += u;
          }
        });
      }

      // Gradient direction: mean of (φ - mean φ) u, the paper's baseline; all probes alike: ±(mean u).
      const directions = new Map<number, Float64Array>();
      for (const i of attacking) {
        const count = evals.get(i)!;
        const mean = (2 * (positives.get(i) ?? 0)) / count - 1;
        const g = new Float64Array(d);
        for (let k = 0; k < d; k++) {
          const weighted = sumWeighted[i * d + k];
          const plain = sumProbes[i * d + k];
          g[k] = mean === 1 ? plain : mean === -1 ? -plain : weighted - mean * plain;
        }
        let norm = 0;
        for (let k = 0; k < d; k++) norm += g[k] * g[k];
        norm = Math.sqrt(norm);
        if (norm === 0) continue;
        for (let k = 0; k < d; k++) g[k] = l2 ? g[k] / norm : Math.sign(g[k]);
        directions.set(i, g);
      }

      // Geometric step-size search: start at dist/√t and halve until the jump stays adversarial.
      const stepSize = new Map(attacking.map((i) => [i, dists.get(i)! / Math.sqrt(t)]));
      let jumping = attacking.filter((i) => directions.has(i));
      const jumped: number[] = [];
      for (let halving = 0; halving < MAX_STEP_HALVINGS && jumping.length > 0; halving++) {
        jumping = jumping.filter((i) => left(i) > 0);
        jumping.forEach((i, slot) => {
          const g = directions.get(i)!;
          const size = stepSize.get(i)!;
          for (let k = 0; k < d; k++) rows[slot * d + k] = Math.min(high, Math.max(low, current[i * d + k] + size * g[k]));
        });
        const labels = await ask(jumping);
        jumping.forEach((i, slot) => {
          if (adversarial(labels[slot], i)) {
            image(current, i).set(row(slot));
            jumped.push(i);
          } else {
            stepSize.set(i, stepSize.get(i)! / 2);
          }
        });
        jumping = jumping.filter((i) => !jumped.includes(i));
      }
      await binarySearch(jumped);

      for (const i of attacking) steps[i] = t;
      await afterStepOnValues(context, t, current, [n, h, w, c]);
    }
    return { adversarial: tf.tensor4d(current, [n, h, w, c]), steps, queries };
  },
};
