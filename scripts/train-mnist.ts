/**
 * Trains the bundled MNIST models in Node on the wasm backend (with the project's Conv2DBackpropFilter kernel)
 * and writes each one to models/<id>/ as model.json + weights.bin + card.json.
 *
 *   npm run train:mnist                 # both models
 *   npm run train:mnist -- mnist-mlp    # one of them
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MNIST_SPLIT } from '../src/core/data/mnist';
import { ARCHITECTURES, describeLayers, type ArchitectureId } from '../src/core/models/architectures';
import type { ModelCard } from '../src/core/models/card';
import { serializeLayersModel } from '../src/core/models/io';
import { countCorrect, trainClassifier } from '../src/core/models/train';
import { loadMnistFromDisk, sha256Hex, useNodeWasm } from './node-tf';
import { MODELS_DIR } from './paths';
import { formatPercent, formatSeconds } from '../src/core/format';

interface Recipe {
  name: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  decayEpochs: number[];
  seed: number;
  augmentShift: number;
}

const RECIPES: Record<ArchitectureId, Recipe> = {
  'mnist-cnn': { name: 'MNIST CNN (two conv layers)', epochs: 12, batchSize: 64, learningRate: 0.001, decayEpochs: [9], seed: 7, augmentShift: 2 },
  'mnist-mlp': { name: 'MNIST MLP (dense)', epochs: 10, batchSize: 64, learningRate: 0.001, decayEpochs: [8], seed: 11, augmentShift: 0 },
};

async function trainOne(id: ArchitectureId): Promise<ModelCard> {
  const recipe = RECIPES[id];
  const train = loadMnistFromDisk('train');
  const test = loadMnistFromDisk('test');
  const model = ARCHITECTURES[id].build({ inputShape: [28, 28, 1], numClasses: 10, seed: recipe.seed });
  const started = performance.now();
  await trainClassifier(model, train, {
    ...recipe,
    onEpoch: (epoch, loss) => console.log(`${id} epoch ${epoch + 1}/${recipe.epochs} loss ${loss.toFixed(4)}`),
  });
  const seconds = (performance.now() - started) / 1000;
  const predict = (x: tf.Tensor4D) => model.predict(x) as tf.Tensor2D;
  const trainCorrect = await countCorrect(predict, train);
  const testCorrect = await countCorrect(predict, test);
  const { modelJson, weights } = await serializeLayersModel(model);
  const dir = join(MODELS_DIR, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson) + '\n');
  writeFileSync(join(dir, 'weights.bin'), weights);
  const card: ModelCard = {
    id,
    name: recipe.name,
    task: 'image-classification',
    description: `Handwritten digit classifier trained on the project's 8,000-digit MNIST training split. ${ARCHITECTURES[id].description}.`,
    architecture: { summary: ARCHITECTURES[id].description, layers: describeLayers(model) },
    parameters: model.countParams(),
    input: { shape: [28, 28, 1], range: [0, 1], description: '28x28 grayscale, white digit on black, pixel / 255' },
    output: 'logits',
    classes: Array.from({ length: 10 }, (_, k) => String(k)),
    training: {
      data: 'npm package "mnist" 1.1.0 (MIT): stratified 8,000 train / 2,000 test split',
      splitSeed: MNIST_SPLIT.seed,
      trainSize: train.count,
      testSize: test.count,
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      optimizer: 'adam',
      augmentation: recipe.augmentShift ? `random shifts of up to ${recipe.augmentShift} px` : 'none',
      learningRate: recipe.learningRate,
      schedule: recipe.decayEpochs.length ? `divided by 10 from epoch ${recipe.decayEpochs.map((e) => e + 1).join(', ')}` : 'constant',
      seed: recipe.seed,
      backend: `${tf.getBackend()} (Node ${process.version})`,
      seconds: Math.round(seconds * 10) / 10,
      command: `npm run train:mnist -- ${id}`,
    },
    metrics: {
      trainAccuracy: trainCorrect / train.count,
      testAccuracy: testCorrect / test.count,
      testCorrect,
    },
    weights: { files: [{ path: 'weights.bin', bytes: weights.length, sha256: sha256Hex(weights) }] },
    created: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 2) + '\n');
  model.dispose();
  console.log(`${id}: test accuracy ${formatPercent(card.metrics.testAccuracy, 2)}, ${formatSeconds(seconds)}`);
  return card;
}

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const ids = (requested.length ? requested : Object.keys(RECIPES)) as ArchitectureId[];
for (const id of ids) {
  if (!(id in RECIPES)) {
    console.error(`Unknown model "${id}". Choose from: ${Object.keys(RECIPES).join(', ')}.`);
    process.exit(2);
  }
}
await useNodeWasm();
for (const id of ids) await trainOne(id);
