/** The toy attack's implementation, the second of its two files (toyAttack.meta.ts is its catalog entry). */
import * as tf from '@tensorflow/tfjs';
import { afterStep, clipToRange, readParams, tfSeed } from '../common';
import { registerAttack } from '../registry';
import { isStopped } from '../../run/control';
import type { AttackBatch, AttackContext, AttackOutput, AttackParams, LabelModel } from '../types';
import { TOY_ATTACK_META } from './toyAttack.meta';

interface ToyParams extends AttackParams {
  eps: number;
  max_iter: number;
}

/** Each try moves every pixel by ±eps (a random corner of the ball), clipped; an image keeps its first fooling corner. */
export const toyAttack = registerAttack({
  meta: TOY_ATTACK_META,
  async run(model: LabelModel, batch: AttackBatch, given: AttackParams, context: AttackContext): Promise<AttackOutput> {
    const p = readParams<ToyParams>(TOY_ATTACK_META.params, given);
    const n = batch.labels.length;
    const steps = new Int32Array(n);
    const queries = new Int32Array(n);
    const fooled = new Array<boolean>(n).fill(false);
    let best = batch.x.clone();
    try {
      for (let step = 1; step <= p.max_iter && !fooled.every(Boolean); step++) {
        if (isStopped(context.control)) break;
        const candidate = tf.tidy(() => {
          const signs = tf.randomUniform(batch.x.shape, 0, 1, 'float32', tfSeed(context.rng)).less(0.5).cast('float32').mul(2).sub(1);
          return clipToRange(batch.x.add(signs.mul(p.eps)) as tf.Tensor4D, context.clip);
        });
        try {
          const labels = await model.labels(candidate);
          const keep = Array.from(labels, (label, i) => !fooled[i] && label !== batch.labels[i]);
          for (let i = 0; i < n; i++) {
            if (fooled[i]) continue;
            queries[i]++;
            steps[i] = step;
            fooled[i] = keep[i];
          }
          const previous = best;
          best = tf.tidy(() =>
            tf.where(
              tf
                .tensor1d(keep, 'bool')
                .reshape([n, 1, 1, 1])
                .tile([1, ...batch.x.shape.slice(1)]),
              candidate,
              previous,
            ),
          );
          previous.dispose();
        } finally {
          candidate.dispose();
        }
        await afterStep(context, step, best);
      }
    } catch (error) {
      best.dispose();
      throw error;
    }
    return { adversarial: best, steps, queries };
  },
});
