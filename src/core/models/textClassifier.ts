/**
 * The bundled spam classifier: a word-level bag-of-embeddings model (Joulin et al. 2016, "Bag of Tricks for
 * Efficient Text Classification"), its input encoding and its training loop. No DOM: runs in Node and in a worker.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../data/rng';
import { encode, tokenize, type Vocabulary } from '../text/tokenizer';
import { logitsLoss } from './train';

export interface SpamModelOptions {
  /** Ids the embedding holds: `vocabularySize(vocabulary)` (the words plus PAD and UNK). */
  vocabularySize: number;
  embeddingDim: number;
  /** Tokens per input; shorter texts are padded with PAD_ID, longer ones keep their first `maxLength` tokens. */
  maxLength: number;
  /** Units of the hidden ReLU layer. Default 16. */
  hiddenUnits?: number;
  seed: number;
}

/**
 * embedding -> global average over all `maxLength` positions -> dense ReLU -> dense 2 (logits: ham, spam).
 * The average includes the PAD positions (plain globalAveragePooling1d, so the model loads in any tfjs without a
 * custom layer); the PAD embedding is learnt like any word, so the model sees how short a text is.
 */
export function buildSpamModel({ vocabularySize, embeddingDim, maxLength, hiddenUnits = 16, seed }: SpamModelOptions): tf.Sequential {
  return tf.sequential({
    name: 'spam_bow',
    layers: [
      tf.layers.embedding({
        name: 'embedding',
        inputDim: vocabularySize,
        outputDim: embeddingDim,
        inputLength: maxLength,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed + 1 }),
      }),
      tf.layers.globalAveragePooling1d({ name: 'average' }),
      tf.layers.dense({
        name: 'dense1',
        units: hiddenUnits,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      }),
      tf.layers.dense({ name: 'logits', units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }),
    ],
  });
}

/** Token ids of each text, row by row: `tokenize` then `encode` (truncate / pad to `maxLength`). */
export function encodeTextIds(texts: readonly string[], vocabulary: Vocabulary, maxLength: number): Int32Array {
  const ids = new Int32Array(texts.length * maxLength);
  texts.forEach((text, i) => ids.set(encode(tokenize(text).tokens, vocabulary, maxLength), i * maxLength));
  return ids;
}

/** The model's input for these texts: an int32 tensor of shape [texts.length, maxLength]. The caller disposes it. */
export function encodeTexts(texts: readonly string[], vocabulary: Vocabulary, maxLength: number): tf.Tensor2D {
  return tf.tensor2d(encodeTextIds(texts, vocabulary, maxLength), [texts.length, maxLength], 'int32');
}

export interface TextTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs from which the learning rate is divided by 10. */
  decayEpochs?: number[];
  /** Seeds the order of examples in every epoch. */
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
  shouldStop?: () => boolean;
}

/**
 * Trains a logits model on encoded texts (`ids`: [n, maxLength] int32, `labels`: n class ids) with Adam in
 * mini-batches and a seeded shuffle, as `trainClassifier` does for images. Returns the mean loss of each epoch.
 */
export async function trainTextClassifier(
  model: tf.LayersModel,
  ids: tf.Tensor2D,
  labels: readonly number[],
  options: TextTrainOptions,
): Promise<number[]> {
  const count = ids.shape[0];
  if (labels.length !== count) throw new Error(`Got ${count} encoded texts but ${labels.length} labels.`);
  const rng = createRng(options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const ys = tf.tensor1d(labels as number[], 'int32');
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const decays = (options.decayEpochs ?? []).filter((e) => e <= epoch).length;
      (optimizer as unknown as { learningRate: number }).learningRate = options.learningRate / 10 ** decays;
      const order = shuffleInPlace(Array.from({ length: count }, (_, i) => i), rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        if (options.shouldStop?.()) return losses;
        const indices = tf.tensor1d(order.slice(start, start + options.batchSize), 'int32');
        const loss = optimizer.minimize(() => {
          const inputs = tf.gather(ids, indices);
          return logitsLoss(tf.gather(ys, indices) as tf.Tensor1D, model.apply(inputs, { training: true }) as tf.Tensor2D);
        }, true);
        lossSum += (await loss!.data())[0];
        batches++;
        tf.dispose([loss!, indices]);
      }
      losses.push(lossSum / batches);
      options.onEpoch?.(epoch, lossSum / batches);
    }
    return losses;
  } finally {
    ys.dispose();
    optimizer.dispose();
  }
}

/** Number of encoded texts the model labels correctly, evaluated in batches to bound memory. */
export async function countCorrectTexts(
  predictLogits: (x: tf.Tensor2D) => tf.Tensor2D,
  ids: tf.Tensor2D,
  labels: readonly number[],
  batchSize = 500,
): Promise<number> {
  const [count, maxLength] = ids.shape;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const hits = tf.tidy(() => {
      const logits = predictLogits(tf.slice(ids, [start, 0], [size, maxLength]));
      return logits.argMax(1).equal(tf.tensor1d(labels.slice(start, start + size) as number[], 'int32')).sum();
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct;
}
