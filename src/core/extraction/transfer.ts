/**
 * The transfer step of a black-box attack (Papernot et al., AsiaCCS 2017): craft adversarial examples with
 * white-box access to the stolen substitute, then send them to the victim. Next to it, the same attack crafted on
 * the victim itself (white-box) shows what transfer loses.
 */
import * as tf from '@tensorflow/tfjs';
import { predictLabels } from '../attacks/common';
import { getAttack } from '../attacks/registry';
import { isWhiteBox, type AttackOutput, type AttackParams, type WhiteBoxAttack } from '../attacks/types';
import type { ImageSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import type { Classifier } from '../models/classifier';
import { isStopped, type RunControl } from '../run/control';
import type { Oracle } from './types';

export type TransferAttackId = 'fgsm' | 'pgd';

/** The victim's predicted label per row of a row-major batch in [0, 1]. */
export type VictimLabeler = (inputs: Float32Array, count: number) => Promise<Int32Array>;

/** The victim's labels through its oracle: every row is a query and counts against the budget. */
export const labelsThroughOracle =
  (oracle: Oracle): VictimLabeler =>
  async (inputs, count) =>
    (await oracle.query(inputs, count)).labels;

export interface TransferOptions {
  /** The true model, only to compare with the same attack crafted on it (white-box). */
  whiteBoxVictim?: Classifier;
  /** Attack parameters other than the budget (norm, max_iter, ...). PGD defaults here: 40 iterations, step 2.5 eps / 40. */
  params?: AttackParams;
  batchSize?: number;
  seed?: number;
  /**
   * Checked between batches and between the attack's iterations (after awaiting onStep): a stopped run returns the
   * rates of the batches it finished, with `partial` set. Progress: the share of the digits done.
   */
  control?: RunControl;
}

export interface TransferPoint {
  eps: number;
  /** Share of the victim-correct digits whose victim label changed on examples crafted on the substitute. */
  transferSuccess: number;
  /** Share of them on which the attack fooled the substitute it was crafted on. */
  substituteSuccess: number;
  /** Share of them the same attack fools when crafted on the victim itself (when the victim was given). */
  whiteBoxSuccess?: number;
}

export interface TransferResult {
  attackId: TransferAttackId;
  /** Digits the run went through (all given, unless stopped). */
  digits: number;
  /** Of them, those the victim labels correctly: the success rates are shares of these. */
  victimCorrect: number;
  /** Victim labels asked for (clean digits, then every adversarial example). */
  victimQueries: number;
  points: TransferPoint[];
  seconds: number;
  /** True when stopped early: the rates cover the batches done. */
  partial: boolean;
}

function withBudget(attackId: TransferAttackId, params: AttackParams, eps: number): AttackParams {
  if (attackId !== 'pgd') return { ...params, eps };
  const maxIter = Number(params.max_iter ?? 40);
  // Madry et al.'s step rule, as the accuracy-vs-budget sweeps use: 2.5 eps / iterations.
  return { ...params, max_iter: maxIter, eps_step: (2.5 * eps) / maxIter, eps };
}

/**
 * One adversarial batch per budget, crafted on `model`. The caller disposes them. A stopped run's attacks return
 * early (what they have): the caller checks the control before using them.
 */
async function craft(
  attack: WhiteBoxAttack,
  attackId: TransferAttackId,
  model: Classifier,
  batch: { x: tf.Tensor4D; labels: Int32Array },
  params: AttackParams,
  budgets: number[],
  seed: number,
  control: RunControl | undefined,
): Promise<tf.Tensor4D[]> {
  const context = { rng: createRng(seed), clip: [0, 1] as [number, number], control: { signal: control?.signal, onStep: control?.onStep } };
  if (attack.sweep) return (await attack.sweep(model, batch, withBudget(attackId, params, budgets[0]), budgets, context)).map((o) => o.adversarial);
  const outputs: AttackOutput[] = [];
  try {
    for (const eps of budgets) outputs.push(await attack.run(model, batch, withBudget(attackId, params, eps), context));
  } catch (error) {
    tf.dispose(outputs.map((o) => o.adversarial));
    throw error;
  }
  return outputs.map((o) => o.adversarial);
}

/**
 * Crafts `attackId` on the substitute at every budget for the digits the victim labels correctly, and asks the
 * victim (its oracle, or any labeler) for its labels on them. The substitute and the victim are borrowed.
 */
export async function transferAttack(
  substitute: Classifier,
  victim: Oracle | VictimLabeler,
  data: ImageSplit,
  attackId: TransferAttackId,
  budgets: number[],
  options: TransferOptions = {},
): Promise<TransferResult> {
  const started = performance.now();
  const attack = getAttack(attackId);
  if (!isWhiteBox(attack)) throw new Error(`${attack.meta.name} is not a gradient attack: transfer needs one crafted on the substitute (fgsm or pgd).`);
  if (budgets.length === 0) throw new Error('Give at least one budget (eps) for the transfer attack.');
  const labeler: VictimLabeler = typeof victim === 'function' ? victim : labelsThroughOracle(victim);
  const params = options.params ?? {};
  const batchSize = options.batchSize ?? 250;
  const seed = options.seed ?? 0;
  const fooled = { transfer: budgets.map(() => 0), substitute: budgets.map(() => 0), whiteBox: budgets.map(() => 0) };
  let digits = 0;
  let victimCorrect = 0;
  let victimQueries = 0;
  let partial = false;

  const { control } = options;
  const stop = async () => {
    await control?.onStep?.();
    return isStopped(control);
  };

  for (let start = 0; start < data.count; start += batchSize) {
    if (await stop()) {
      partial = true;
      break;
    }
    const count = Math.min(batchSize, data.count - start);
    let clean: Int32Array;
    let x: tf.Tensor4D | undefined;
    let keep: number[];
    const all = imagesToTensor(data, start, count);
    try {
      clean = await labeler((await all.data()) as Float32Array, count);
      keep = Array.from({ length: count }, (_, i) => i).filter((i) => clean[i] === data.labels[start + i]);
      if (keep.length > 0) x = tf.tidy(() => tf.gather(all, tf.tensor1d(keep, 'int32')) as tf.Tensor4D);
    } finally {
      all.dispose();
    }
    victimQueries += count;
    if (!x) {
      digits += count;
      control?.onProgress?.(Math.min(1, (start + count) / data.count), `${start + count} / ${data.count} digits`);
      continue;
    }
    // The attacker's labels for crafting are the victim's answers (here equal to the true labels).
    const labels = Int32Array.from(keep, (i) => clean[i]);
    // This batch's counts, added to the totals only when it finishes (a stopped batch is left out).
    const batchFooled = { transfer: budgets.map(() => 0), substitute: budgets.map(() => 0), whiteBox: budgets.map(() => 0) };
    try {
      const onSubstitute = await craft(attack, attackId, substitute, { x, labels }, params, budgets, seed + start, control);
      try {
        if (isStopped(control)) {
          partial = true;
          break;
        }
        for (let b = 0; b < budgets.length; b++) {
          const adversarial = onSubstitute[b];
          const after = await labeler((await adversarial.data()) as Float32Array, keep.length);
          victimQueries += keep.length;
          const own = await predictLabels(substitute, adversarial);
          for (let i = 0; i < keep.length; i++) {
            if (after[i] !== labels[i]) batchFooled.transfer[b]++;
            if (own[i] !== labels[i]) batchFooled.substitute[b]++;
          }
        }
      } finally {
        tf.dispose(onSubstitute);
      }
      if (options.whiteBoxVictim) {
        const onVictim = await craft(attack, attackId, options.whiteBoxVictim, { x, labels }, params, budgets, seed + start, control);
        try {
          if (isStopped(control)) {
            partial = true;
            break;
          }
          for (let b = 0; b < budgets.length; b++) {
            const after = await predictLabels(options.whiteBoxVictim, onVictim[b]);
            for (let i = 0; i < keep.length; i++) if (after[i] !== labels[i]) batchFooled.whiteBox[b]++;
          }
        } finally {
          tf.dispose(onVictim);
        }
      }
    } finally {
      x.dispose();
    }
    digits += count;
    victimCorrect += keep.length;
    for (const key of ['transfer', 'substitute', 'whiteBox'] as const) budgets.forEach((_, b) => (fooled[key][b] += batchFooled[key][b]));
    control?.onProgress?.(Math.min(1, (start + count) / data.count), `${start + count} / ${data.count} digits`);
  }
  const share = (n: number) => (victimCorrect > 0 ? n / victimCorrect : 0);
  return {
    attackId,
    digits,
    victimCorrect,
    victimQueries,
    points: budgets.map((eps, b) => ({
      eps,
      transferSuccess: share(fooled.transfer[b]),
      substituteSuccess: share(fooled.substitute[b]),
      ...(options.whiteBoxVictim ? { whiteBoxSuccess: share(fooled.whiteBox[b]) } : {}),
    })),
    seconds: (performance.now() - started) / 1000,
    partial,
  };
}
