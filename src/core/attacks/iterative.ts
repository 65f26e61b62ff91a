import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { isStopped } from '../run/control';
import { afterStep, clipToRange, lossAscentDirection, predictLabels, projectToBall, randomPointInBall, steepestDirection, successes } from './common';
import type { AttackBatch, AttackContext, AttackOutput, NormName } from './types';

export interface IterativeSettings {
  norm: NormName;
  eps: number;
  epsStep: number;
  maxIter: number;
  targeted: boolean;
  numRandomInit: number;
  /** Momentum decay (MIM); undefined for plain projected gradient steps. */
  decay?: number;
}

/**
 * Projected gradient ascent on the loss inside the eps-ball around x, clipped to the input range: BIM (no random
 * start), PGD (random starts) and MIM (momentum on L1-normalised gradients) are this loop with different settings.
 * With several random starts, each example keeps the first run that fools the model, else the last run.
 */
export async function iterativeAttack(model: Classifier, batch: AttackBatch, s: IterativeSettings, context: AttackContext): Promise<AttackOutput> {
  if (s.targeted && !batch.targets) throw new Error('A targeted attack needs a target class for every image.');
  const targets = s.targeted ? batch.targets : undefined;
  const n = batch.labels.length;
  const runs = Math.max(1, s.numRandomInit);
  let best: tf.Tensor4D | undefined;
  let bestFooled = new Array<boolean>(n).fill(false);
  let totalSteps = 0;
  // Every tensor of a run is released if a callback throws or the model fails, so nothing leaks.
  let adversarial: tf.Tensor4D | undefined;
  let momentum: tf.Tensor4D | undefined;
  try {
    for (let run = 0; run < runs; run++) {
      adversarial = tf.tidy(() =>
        s.numRandomInit > 0 ? clipToRange(batch.x.add(randomPointInBall(batch.x.shape, s.eps, s.norm, context.rng)), context.clip) : batch.x.clone(),
      );
      momentum = s.decay !== undefined ? tf.zerosLike(batch.x) : undefined;
      for (let step = 1; step <= s.maxIter; step++) {
        if (isStopped(context.control)) break;
        const current: tf.Tensor4D = adversarial;
        const previousMomentum = momentum;
        const [next, nextMomentum] = tf.tidy(() => {
          let g = lossAscentDirection(model, current, batch.labels, targets);
          let m: tf.Tensor4D | undefined;
          if (previousMomentum) {
            // MIM: accumulate gradients normalised by their L1 norm (Dong et al., 2018).
            const l1 = g.abs().reshape([n, -1]).sum(1).reshape([n, 1, 1, 1]).add(1e-12);
            m = previousMomentum.mul(s.decay!).add(g.div(l1)) as tf.Tensor4D;
            g = m;
          }
          const stepped = current.add(steepestDirection(g, s.norm).mul(s.epsStep));
          const delta = projectToBall(stepped.sub(batch.x) as tf.Tensor4D, s.eps, s.norm);
          return [clipToRange(batch.x.add(delta), context.clip), m] as const;
        });
        current.dispose();
        previousMomentum?.dispose();
        adversarial = next;
        momentum = nextMomentum;
        totalSteps++;
        await afterStep(context, step + run * s.maxIter, adversarial);
      }
      momentum?.dispose();
      momentum = undefined;
      const finished: tf.Tensor4D = adversarial;
      adversarial = undefined;
      if (runs === 1) {
        best = finished;
        break;
      }
      let fooled: boolean[];
      try {
        fooled = successes(await predictLabels(model, finished), batch.labels, targets);
      } catch (error) {
        finished.dispose();
        throw error;
      }
      const keepNew = bestFooled.map((fooledBefore) => !fooledBefore);
      if (!best) {
        best = finished;
      } else {
        const previousBest: tf.Tensor4D = best;
        const merged = tf.tidy(() => {
          const mask = tf.tensor1d(keepNew.map(Number), 'float32');
          return tf.where(
            mask
              .reshape([n, 1, 1, 1])
              .cast('bool')
              .tile([1, ...batch.x.shape.slice(1)]),
            finished,
            previousBest,
          );
        });
        tf.dispose([previousBest, finished]);
        best = merged as tf.Tensor4D;
      }
      bestFooled = bestFooled.map((b, i) => b || fooled[i]);
      if (bestFooled.every(Boolean) || isStopped(context.control)) break;
    }
  } catch (error) {
    tf.dispose([adversarial, momentum, best].filter((t): t is tf.Tensor4D => t !== undefined));
    throw error;
  }
  return { adversarial: best!, steps: new Int32Array(n).fill(totalSteps) };
}
