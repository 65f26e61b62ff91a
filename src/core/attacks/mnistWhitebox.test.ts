import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from '../../../scripts/node-tf';
import { sliceSplit } from '../data/mnist';
import { createRng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import { getAttack } from './registry';
import { attackBatch } from './run';

/** The figures on the bundled CNN: 500 test digits, L-inf eps = 0.3. */
describe('white-box attacks on mnist-cnn (500 test digits, eps = 0.3)', () => {
  let model: Classifier;
  let x: tf.Tensor4D;
  let labels: Int32Array;

  beforeAll(async () => {
    await useNodeWasm();
    const loaded = await loadModelFromDisk('mnist-cnn');
    model = classifierFromLayersModel(loaded.model, loaded.card);
    const part = sliceSplit(loadMnistFromDisk('test'), 0, 500);
    x = imagesToTensor(part);
    labels = Int32Array.from(part.labels);
  });

  async function accuracyUnder(id: string, params: Record<string, number | string | boolean>) {
    const started = performance.now();
    let correct = 0;
    for (let start = 0; start < 500; start += 100) {
      const batch = { x: x.slice([start], [100]) as tf.Tensor4D, labels: labels.subarray(start, start + 100) };
      const { adversarial, results } = await attackBatch(getAttack(id), model, batch, params, { rng: createRng(7), clip: [0, 1] });
      correct += results.filter((r) => r.adversarialLabel === r.trueLabel).length;
      for (const r of results) expect(r.linf).toBeLessThanOrEqual(0.3 + 1e-5);
      tf.dispose([adversarial, batch.x]);
    }
    return { accuracy: correct / 500, seconds: (performance.now() - started) / 1000 };
  }

  it('PGD-40 accuracy <= FGSM accuracy <= clean accuracy, and PGD-40 accuracy <= 5%', async () => {
    const cleanLabels = tf.tidy(() => model.logits(x).argMax(1));
    const clean = Array.from(await cleanLabels.data()).filter((p, i) => p === labels[i]).length / 500;
    cleanLabels.dispose();
    const fgsm = await accuracyUnder('fgsm', { eps: 0.3, norm: 'inf' });
    const pgd = await accuracyUnder('pgd', { eps: 0.3, eps_step: 0.01, max_iter: 40, num_random_init: 1, norm: 'inf' });
    console.log(
      `mnist-cnn, 500 digits, eps 0.3: clean ${(clean * 100).toFixed(1)}%, FGSM ${(fgsm.accuracy * 100).toFixed(1)}% ` +
        `(${fgsm.seconds.toFixed(1)} s), PGD-40 ${(pgd.accuracy * 100).toFixed(1)}% (${pgd.seconds.toFixed(1)} s)`,
    );
    expect(fgsm.accuracy).toBeLessThanOrEqual(clean);
    expect(pgd.accuracy).toBeLessThanOrEqual(fgsm.accuracy);
    expect(pgd.accuracy).toBeLessThanOrEqual(0.05);
  });
});
