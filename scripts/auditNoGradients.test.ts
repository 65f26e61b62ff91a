import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/core/audit/audit';
import { validateReport } from '../src/core/audit/reportSchema';
import type { ImageModelSpec } from '../src/core/audit/spec';
import { checkModel, inferSpec, loadUserModel, parseModelJson, type LoadedModel } from '../src/core/audit/userModel';
import { loadMnistFromDisk, toArrayBuffer, useNodeWasm } from './node-tf';
import { MODELS_DIR } from './paths';

/**
 * mnist-cnn behind a rounding of its input to 0 or 1 (a "binarizing" preprocessing): the forward pass works, the
 * input gradient is zero everywhere, so the audit must fall back to black-box attacks and say why.
 */
async function binarizedCnn(): Promise<LoadedModel> {
  const dir = join(MODELS_DIR, 'mnist-cnn');
  const b = readFileSync(join(dir, 'weights.bin'));
  const model = await loadUserModel(parseModelJson(readFileSync(join(dir, 'model.json'), 'utf8')), new Map([['weights.bin', toArrayBuffer(b)]]));
  const forward = model.forward;
  return { ...model, forward: (x) => forward(tf.round(x)) };
}

describe('an audit of a model whose gradients do not flow', () => {
  beforeAll(async () => {
    await useNodeWasm();
  });

  it('warns at the checks, skips the white-box attacks with the reason, and still runs Square and extraction', async () => {
    const model = await binarizedCnn();
    const spec = (await inferSpec(model, 'binarized')) as ImageModelSpec;
    const checks = await checkModel(model, spec);
    expect(checks.usable).toBe(true);
    expect(checks.gradients).toBe(false);
    expect(checks.checks.find((c) => c.id === 'gradients')).toMatchObject({
      verdict: 'warn',
      detail: expect.stringMatching(/zero everywhere.*Only black-box attacks and extraction/),
    });

    const before = tf.memory().numTensors;
    const report = await runAudit({
      model,
      spec,
      data: { task: 'image', name: 'MNIST test', split: loadMnistFromDisk('test') },
      suite: 'quick',
      seed: 5,
      examples: 20,
      environment: { runtime: 'node', backend: 'wasm' },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(validateReport(report)).toEqual([]);
    for (const id of ['fgsm', 'pgd', 'deepfool']) {
      expect(report.attacks.find((a) => a.id === id)).toMatchObject({ points: [], skipped: expect.stringContaining('gradients do not flow') });
    }
    const square = report.attacks.find((a) => a.id === 'square')!;
    expect(square.points.length).toBeGreaterThan(0);
    expect(report.reference?.attackId).toBe('square');
    expect(report.clean.examples).toBe(20);
    expect(report.extraction?.points.length).toBe(2);
    expect(report.findings.map((f) => f.text)).toContainEqual(
      expect.stringMatching(/^Not run: FGSM, PGD-10, DeepFool \(minimal L2\)\. The model's input gradients do not flow/),
    );
    model.dispose();
  });
});
