/**
 * A word-level text classifier as the text attacks see it: strings in, class probabilities out, and (white-box)
 * the gradient of the spam margin with respect to the embedded words. Built from any tfjs Layers model whose first
 * layer is an Embedding over the ids of `encode` (./tokenizer.ts), such as the bundled spam filter.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeText, FIRST_WORD_ID, UNK_ID, type Vocabulary } from './tokenizer';

export interface TextModel {
  readonly vocabulary: Vocabulary;
  /** Tokens the model reads; later tokens are ignored. */
  readonly maxLength: number;
  readonly classes: readonly string[];
  /** Class probabilities of each text (softmax of the logits), one row per text. */
  probabilities(texts: readonly string[]): Promise<Float32Array[]>;
  /**
   * White-box word importance (HotFlip-style, Ebrahimi et al., "HotFlip: White-Box Adversarial Examples for Text
   * Classification", ACL 2018): for each of the first `maxLength` tokens of `text`, the first-order estimate of how
   * much the logit margin of `trueClass` over the best other class falls when the token becomes the unknown word,
   * (e_i − e_UNK) · ∂margin/∂e_i. Tokens past `maxLength` get 0 (the model never reads them).
   */
  unknownWordGain(text: string, trueClass: number): Promise<Float32Array>;
  /**
   * Vocabulary words ranked by how strongly the model puts a text made only of that word in `targetClass`: its
   * margin over the best other class, best first. This is Lowd & Meek's "active" good-word search (score each word
   * alone); with the weights in hand it costs no query.
   */
  wordsForClass(targetClass: number, count: number): Promise<string[]>;
  dispose(): void;
}

export interface TextModelOptions {
  vocabulary: Vocabulary;
  classes: readonly string[];
  /** Whether the model's last layer outputs logits (then softmax is applied) or probabilities already. */
  output: 'logits' | 'probabilities';
  /** Texts per model call, bounding memory. Default 64. */
  batchSize?: number;
}

/** Wraps a Layers model whose first layer is an Embedding; the model is owned by the result (dispose() frees it). */
export function textModelFromLayersModel(model: tf.LayersModel, options: TextModelOptions): TextModel {
  const [embedding, ...head] = model.layers;
  if (embedding?.getClassName() !== 'Embedding') {
    throw new Error('The text model must start with an Embedding layer over word ids.');
  }
  const inputShape = model.inputs[0].shape;
  const maxLength = inputShape[1];
  if (typeof maxLength !== 'number') throw new Error('The text model needs a fixed input length (e.g. [null, 300]).');
  const { vocabulary, classes } = options;
  const batchSize = options.batchSize ?? 64;
  const toProbabilities = (out: tf.Tensor2D) => (options.output === 'logits' ? tf.softmax(out) : out);
  const embeddings = embedding.getWeights()[0] as tf.Tensor2D;

  const ids = (text: string) => encodeText(text, vocabulary, maxLength);

  return {
    vocabulary,
    maxLength,
    classes,
    async probabilities(texts) {
      const rows: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const chunk = texts.slice(start, start + batchSize);
        const flat = new Int32Array(chunk.length * maxLength);
        chunk.forEach((text, i) => flat.set(ids(text), i * maxLength));
        const probabilities = tf.tidy(() => toProbabilities(model.predict(tf.tensor2d(flat, [chunk.length, maxLength], 'int32')) as tf.Tensor2D));
        const values = await probabilities.data();
        probabilities.dispose();
        const k = classes.length;
        for (let i = 0; i < chunk.length; i++) rows.push(Float32Array.from(values.subarray(i * k, (i + 1) * k)));
      }
      return rows;
    },
    async unknownWordGain(text, trueClass) {
      const tokenIds = ids(text);
      const gains = tf.tidy(() => {
        const idTensor = tf.tensor2d(tokenIds, [1, maxLength], 'int32');
        // Gather outside the gradient: its gradient (UnsortedSegmentSum) is missing on wasm and is not needed,
        // since the gradient is taken with respect to the embedded words themselves.
        const embedded = tf.gather(embeddings, idTensor.reshape([maxLength])).expandDims(0) as tf.Tensor3D;
        const margin = (x: tf.Tensor) => {
          let out: tf.Tensor = x;
          for (const layer of head) out = layer.apply(out) as tf.Tensor;
          const logits = out.reshape([classes.length]);
          // Masks rather than gather: gather's gradient is UnsortedSegmentSum, which wasm lacks.
          const isTrue = tf.oneHot(trueClass, classes.length).cast('bool');
          const others = tf.where(isTrue, tf.fill([classes.length], -Infinity), logits).max();
          return tf.where(isTrue, logits, tf.zerosLike(logits)).sum().sub(others) as tf.Scalar;
        };
        const gradient = tf.grad(margin)(embedded).reshape([maxLength, -1]);
        const unknown = embeddings.slice([UNK_ID, 0], [1, -1]);
        return embedded.reshape([maxLength, -1]).sub(unknown).mul(gradient).sum(1);
      });
      const values = (await gains.data()) as Float32Array;
      gains.dispose();
      return values;
    },
    async wordsForClass(targetClass, count) {
      const words = vocabulary.words;
      const margins = new Float32Array(words.length);
      for (let start = 0; start < words.length; start += 1000) {
        const size = Math.min(1000, words.length - start);
        const flat = new Int32Array(size * maxLength);
        // Each row is one word repeated over the whole input.
        for (let i = 0; i < size; i++) flat.fill(start + i + FIRST_WORD_ID, i * maxLength, (i + 1) * maxLength);
        const margin = tf.tidy(() => {
          const out = model.predict(tf.tensor2d(flat, [size, maxLength], 'int32')) as tf.Tensor2D;
          const isTarget = tf.oneHot(tf.fill([size], targetClass, 'int32'), classes.length).cast('bool');
          const others = tf.where(isTarget, tf.fill(out.shape, -Infinity), out).max(1);
          return tf.where(isTarget, out, tf.zerosLike(out)).sum(1).sub(others);
        });
        margins.set(await margin.data(), start);
        margin.dispose();
      }
      const order = Array.from(words.keys()).filter((i) => /^\p{L}{3,}$/u.test(words[i]));
      order.sort((a, b) => margins[b] - margins[a] || a - b);
      return order.slice(0, count).map((i) => words[i]);
    },
    dispose() {
      model.dispose();
    },
  };
}
