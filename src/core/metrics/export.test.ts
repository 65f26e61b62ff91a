import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyClassifier } from '../attacks/testHelpers';
import { useBackend } from '../backend/backends';
import { createRng } from '../data/rng';
import { APP } from '../version';
import { adversarialSetToTar, sweepToJson } from './export';
import { runSweep } from './sweep';

describe('sweep export', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('says what made it: app and version, model weights, seed and every parameter (defaults included)', async () => {
    const model = tinyClassifier(31);
    model.card.weights.files = [{ path: 'weights.bin', bytes: 4, sha256: 'ab'.repeat(32) }];
    const rng = createRng(2);
    const data = {
      images: Uint8Array.from({ length: 8 * 16 }, () => rng.int(256)),
      labels: new Uint8Array(8),
      count: 8,
      height: 4,
      width: 4,
      channels: 1,
      numClasses: 3,
    };
    const result = await runSweep(model, data, { attacks: [{ id: 'pgd', params: { max_iter: 3 } }], budgets: [0, 0.1], count: 8, seed: 9 });
    const exported = JSON.parse(sweepToJson(result));
    expect(exported.tool).toEqual({ name: 'adversarial-playground', version: APP.version });
    expect(exported.weightsSha256).toEqual(['ab'.repeat(32)]);
    expect(exported.spec.seed).toBe(9);
    // Given: max_iter only. Exported: every PGD parameter with ART's defaults.
    expect(exported.spec.attacks[0].params).toEqual({ max_iter: 3 });
    // The budget and the step scaled with it are each point's own: not among the attack's parameters.
    expect(exported.resolvedParams.pgd).toMatchObject({ max_iter: 3, norm: 'inf', num_random_init: expect.any(Number), targeted: false });
    expect(exported.resolvedParams.pgd).not.toHaveProperty('eps');
    model.dispose();
  });

  it('carries the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(APP.version).toBe(pkg.version);
  });
});

describe('adversarial set download', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is a tar that the system tar lists and extracts: manifest, labels and one file per point of the right size', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, readFileSync: read } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const model = tinyClassifier(32);
    const rng = createRng(4);
    const data = {
      images: Uint8Array.from({ length: 12 * 16 }, () => rng.int(256)),
      labels: Uint8Array.from({ length: 12 }, (_, i) => i % 3),
      count: 12,
      height: 4,
      width: 4,
      channels: 1,
      numClasses: 3,
    };
    const result = await runSweep(model, data, {
      attacks: [
        { id: 'fgsm', params: {} },
        { id: 'deepfool', params: {} },
      ],
      budgets: [0, 0.5],
      count: 10,
      start: 2,
      seed: 1,
      batchSize: 4,
      keepAdversarial: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'adv-set-'));
    writeFileSync(join(dir, 'set.tar'), adversarialSetToTar(result, [4, 4, 1]));
    const listed = execFileSync('tar', ['-tf', join(dir, 'set.tar')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(listed).toEqual(['manifest.json', 'labels.u8', 'fgsm-eps0.u8', 'fgsm-eps0.5.u8', 'deepfool-eps0.u8', 'deepfool-eps0.5.u8']);
    execFileSync('tar', ['-xf', join(dir, 'set.tar'), '-C', dir]);
    const manifest = JSON.parse(read(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'adversarial-set', examples: 10, firstExample: 2, shape: [10, 4, 4, 1] });
    expect(Array.from(read(join(dir, 'labels.u8')))).toEqual(Array.from(data.labels.subarray(2, 12)));
    // Budget 0: FGSM changes nothing, and DeepFool's images count only within the budget: both are the originals.
    const originals = Array.from(data.images.subarray(2 * 16, 12 * 16));
    expect(Array.from(read(join(dir, 'fgsm-eps0.u8')))).toEqual(originals);
    expect(Array.from(read(join(dir, 'deepfool-eps0.u8')))).toEqual(originals);
    // At 0.5, FGSM moves every pixel by at most 0.5 (128 of 255, rounding aside).
    const moved = read(join(dir, 'fgsm-eps0.5.u8'));
    expect(moved.length).toBe(160);
    expect(Math.max(...Array.from(moved, (b, i) => Math.abs(b - originals[i])))).toBeLessThanOrEqual(128);
    model.dispose();
  });
});
