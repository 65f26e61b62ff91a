/**
 * The bundled spam classifier: a word-level bag-of-embeddings model (Joulin et al. 2016, "Bag of Tricks for
 * Efficient Text Classification"), its input encoding and its training loop. No DOM: runs in Node and in a worker.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../data/rng';
import { encodeText, type Vocabulary } from '../text/tokenizer';
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
  texts.forEach((text, i) => ids.set(encodeText(text, vocabulary, maxLength), i * maxLength));
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
 * Trains a model built by `buildSpamModel` on encoded texts (`ids`: row-major [n, maxLength] from `encodeTextIds`,
 * `labels`: n class ids) with Adam in mini-batches and a seeded shuffle, as `trainClassifier` does for images.
 * Returns the mean loss of each epoch.
 *
 * An embedding followed by an average over all positions is exactly (counts of each id / maxLength) @ embeddings,
 * so training runs on that product: its gradient is a matMul, whereas the gradient of the embedding's gather needs
 * UnsortedSegmentSum, which the wasm backend lacks. The layers and weights trained are the model's own.
 */
export async function trainTextClassifier(
  model: tf.LayersModel,
  ids: Int32Array,
  labels: readonly number[],
  options: TextTrainOptions,
): Promise<number[]> {
  const [embedding, average, ...head] = model.layers;
  if (embedding?.getClassName() !== 'Embedding' || average?.getClassName() !== 'GlobalAveragePooling1D') {
    throw new Error('trainTextClassifier expects an embedding followed by globalAveragePooling1d (see buildSpamModel).');
  }
  const embeddings = embedding.trainableWeights[0];
  const idCount = embeddings.shape[0] as number; // the embedding input dimension, always known
  const count = labels.length;
  const maxLength = ids.length / count;
  if (!Number.isInteger(maxLength)) throw new Error(`Got ${ids.length} token ids for ${count} labels: not whole rows.`);
  const rng = createRng(options.seed);
  const optimizer = tf.train.adam(options.learningRate);
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
        const batch = order.slice(start, start + options.batchSize);
        const bag = new Float32Array(batch.length * idCount);
        batch.forEach((example, row) => {
          for (let t = 0; t < maxLength; t++) bag[row * idCount + ids[example * maxLength + t]] += 1 / maxLength;
        });
        const bagTensor = tf.tensor2d(bag, [batch.length, idCount]);
        const batchLabels = tf.tensor1d(batch.map((i) => labels[i]), 'int32');
        const loss = optimizer.minimize(() => {
          let x = tf.matMul(bagTensor, embeddings.read());
          for (const layer of head) x = layer.apply(x, { training: true }) as tf.Tensor2D;
          return logitsLoss(batchLabels, x as tf.Tensor2D);
        }, true);
        lossSum += (await loss!.data())[0];
        batches++;
        tf.dispose([loss!, bagTensor, batchLabels]);
      }
      losses.push(lossSum / batches);
      options.onEpoch?.(epoch, lossSum / batches);
    }
    return losses;
  } finally {
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
