/** Node-side helpers for scripts, tests and benchmarks: the wasm backend, the data split and model files on disk. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../src/core/backend/backends';
import { makeMnistSplit, splitFileNames, type ImageSplit, type SplitName } from '../src/core/data/mnist';
import type { ModelCard } from '../src/core/models/card';
import { artifactsFromFiles, type LayersModelJson } from '../src/core/models/io';
import { MNIST_DATA_DIR, MODELS_DIR, PROJECT_ROOT } from './paths';
import { parseSpamSplit, SPAM_SPLIT } from '../src/core/data/spam';
import type { GoodWordList } from '../src/core/text/goodWords';
import { textModelFromLayersModel } from '../src/core/text/textModel';
import type { Vocabulary } from '../src/core/text/tokenizer';
import type { SynonymTable } from '../src/core/text/wordnet';
import type { LoadedTextModel } from '../src/workers/textApi';

/** The wasm backend with the project's Conv2DBackpropFilter kernel, as the browser's wasm path uses. */
export async function useNodeWasm(): Promise<void> {
  await useBackend('wasm');
}

export function loadMnistFromDisk(split: SplitName, dir = MNIST_DATA_DIR): ImageSplit {
  if (!existsSync(join(dir, 'split.json'))) {
    throw new Error(`No MNIST split in ${dir}: run "npm run prepare-data" first.`);
  }
  const names = splitFileNames(split);
  return makeMnistSplit(new Uint8Array(readFileSync(join(dir, names.images))), new Uint8Array(readFileSync(join(dir, names.labels))));
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The bytes of a Buffer as an ArrayBuffer of their own (a Buffer may be a view into a larger pool). */
export const toArrayBuffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

export function readModelFiles(modelId: string, dir = join(MODELS_DIR, modelId)) {
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as LayersModelJson;
  const shards = new Map<string, ArrayBuffer>();
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) shards.set(path, toArrayBuffer(readFileSync(join(dir, path))));
  }
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as ModelCard;
  return { modelJson, shards, card };
}

export async function loadModelFromDisk(modelId: string): Promise<{ model: tf.LayersModel; card: ModelCard }> {
  const { modelJson, shards, card } = readModelFiles(modelId);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsFromFiles(modelJson, shards)));
  return { model, card };
}

/** The bundled text model with its tables and the test split, as the text worker assembles it from URLs. */
export async function loadTextModelFromDisk(modelId: string): Promise<LoadedTextModel> {
  const { model, card } = await loadModelFromDisk(modelId);
  const dir = join(MODELS_DIR, modelId);
  const json = <T>(path: string): T | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined);
  const vocabulary = json<Vocabulary>(join(dir, 'vocabulary.json'))!;
  const testPath = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files.test);
  return {
    model: textModelFromLayersModel(model, { vocabulary, classes: card.classes, output: card.output }),
    synonyms: json<SynonymTable>(join(dir, 'synonyms.json')),
    dataGoodWords: json<GoodWordList>(join(dir, 'good-words.json'))?.words,
    testSet: parseSpamSplit(JSON.parse(readFileSync(testPath, 'utf8')), testPath),
  };
}
