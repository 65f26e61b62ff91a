import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backends';
import { textModelFromLayersModel, type TextModel } from './textModel';
import { encode, FIRST_WORD_ID, tokenize, UNK_ID, type Vocabulary } from './tokenizer';

// A tiny bag-of-embeddings model with fixed weights: ids -> embedding (12 x 3) -> mean over all 6 positions ->
// dense 2, linear. Everything it outputs can be computed by hand below.
const WORDS = ['free', 'money', 'viagra', 'meeting', 'thanks', 'ok', 'project', 'cheap', '42', 'offer'];
const VOCABULARY: Vocabulary = { version: 1, words: WORDS, counts: WORDS.map(() => 1) };
const MAX_LENGTH = 6;
const DIM = 3;
const IDS = WORDS.length + FIRST_WORD_ID;

/** Row i is the embedding of id i (0 = PAD, 1 = UNK); distinct values so no two words tie. */
const EMBEDDINGS: number[][] = Array.from({ length: IDS }, (_, i) =>
  Array.from({ length: DIM }, (_, j) => Math.round(100 * Math.sin(1.3 * i + 0.7 * j + 0.2)) / 100),
);
const KERNEL = [
  [0.8, -0.6],
  [-0.3, 0.9],
  [0.5, 0.4],
];
const BIAS = [0.1, -0.2];

function buildModel(activation: 'linear' | 'softmax' = 'linear'): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: IDS, outputDim: DIM, inputLength: MAX_LENGTH }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 2, activation }),
    ],
  });
  tf.tidy(() => model.setWeights([tf.tensor2d(EMBEDDINGS), tf.tensor2d(KERNEL), tf.tensor1d(BIAS)]));
  return model;
}

// The same model by hand, in float64.
function logitsOfIds(ids: ArrayLike<number>): number[] {
  const mean = Array.from({ length: DIM }, (_, j) => Array.from(ids).reduce((s, id) => s + EMBEDDINGS[id][j], 0) / ids.length);
  return [0, 1].map((k) => BIAS[k] + mean.reduce((s, x, j) => s + x * KERNEL[j][k], 0));
}
const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};
const idsOf = (text: string) => encode(tokenize(text).tokens, VOCABULARY, MAX_LENGTH);

/** The margin of `trueClass` over the other class, from the tfjs model itself. */
function modelMargin(model: tf.LayersModel, ids: Int32Array, trueClass: number): number {
  const logits = tf.tidy(() => (model.predict(tf.tensor2d(ids, [1, MAX_LENGTH], 'int32')) as tf.Tensor).dataSync());
  return logits[trueClass] - logits[1 - trueClass];
}

const TEXTS = ['Free money, cheap viagra!', 'Thanks for the meeting notes', 'ok', '', 'offer offer offer offer offer offer offer'];

describe('textModelFromLayersModel', () => {
  let layers: tf.LayersModel;
  let model: TextModel;

  beforeAll(async () => {
    await useBackend('wasm');
    layers = buildModel();
    model = textModelFromLayersModel(layers, { vocabulary: VOCABULARY, classes: ['ham', 'spam'], output: 'logits' });
  });

  it('reads the input length from the model', () => {
    expect(model.maxLength).toBe(MAX_LENGTH);
    expect(model.classes).toEqual(['ham', 'spam']);
  });

  it('gives softmax rows that sum to 1 and match a hand computation', async () => {
    const rows = await model.probabilities(TEXTS);
    expect(rows).toHaveLength(TEXTS.length);
    rows.forEach((row, i) => {
      expect(row).toBeInstanceOf(Float32Array);
      expect(row[0] + row[1]).toBeCloseTo(1, 6);
      const expected = softmax(logitsOfIds(idsOf(TEXTS[i])));
      expect(row[0]).toBeCloseTo(expected[0], 5);
      expect(row[1]).toBeCloseTo(expected[1], 5);
    });
    // The texts differ, and so do their rows (the hand computation is not trivially constant).
    expect(new Set(rows.map((r) => r[1].toFixed(6))).size).toBe(TEXTS.length);
  });

  it('gives the same rows in batches of any size, and does not re-apply softmax to probabilities', async () => {
    const whole = await model.probabilities(TEXTS);
    const small = textModelFromLayersModel(buildModel(), { vocabulary: VOCABULARY, classes: ['ham', 'spam'], output: 'logits', batchSize: 2 });
    expect(await small.probabilities(TEXTS)).toEqual(whole);
    small.dispose();
    const softmaxed = textModelFromLayersModel(buildModel('softmax'), { vocabulary: VOCABULARY, classes: ['ham', 'spam'], output: 'probabilities' });
    const rows = await softmaxed.probabilities(TEXTS);
    rows.forEach((row, i) => {
      expect(row[0]).toBeCloseTo(whole[i][0], 6);
      expect(row[1]).toBeCloseTo(whole[i][1], 6);
    });
    softmaxed.dispose();
  });

  it('unknownWordGain is exactly the fall of the margin when a token becomes unknown (the head is linear)', async () => {
    const text = 'Free money, cheap viagra!'; // four known tokens, then two PAD
    const ids = idsOf(text);
    for (const trueClass of [0, 1]) {
      const gains = await model.unknownWordGain(text, trueClass);
      expect(gains).toHaveLength(MAX_LENGTH);
      const margin = modelMargin(layers, ids, trueClass);
      for (let i = 0; i < 4; i++) {
        const edited = ids.slice();
        edited[i] = UNK_ID;
        const fall = margin - modelMargin(layers, edited, trueClass);
        expect(Math.abs(gains[i] - fall)).toBeLessThan(1e-5);
        expect(Math.abs(fall)).toBeGreaterThan(1e-3); // a real change, not 0 = 0
      }
    }
  });

  it('unknownWordGain covers only the tokens the model reads; later tokens change nothing', async () => {
    const text = 'free money cheap viagra offer project thanks meeting free';
    expect(tokenize(text).tokens).toHaveLength(9);
    const gains = await model.unknownWordGain(text, 1);
    expect(gains).toHaveLength(MAX_LENGTH); // the attack reads a missing entry as 0
    // And 0 is the right gain: the tokens past the sixth do not move the output.
    const [a, b] = await model.probabilities([text, 'free money cheap viagra offer project zzz zzz zzz']);
    expect(a).toEqual(b);
  });

  it('wordsForClass ranks words by the margin of a text of that word repeated, letters-only words of 3+ letters', async () => {
    for (const target of [0, 1]) {
      const ranked = await model.wordsForClass(target, 100);
      const margin = (word: string) => {
        const z = logitsOfIds(new Array(MAX_LENGTH).fill(WORDS.indexOf(word) + FIRST_WORD_ID));
        return z[target] - z[1 - target];
      };
      const eligible = WORDS.filter((w) => /^\p{L}{3,}$/u.test(w));
      expect(eligible).not.toContain('ok');
      expect(eligible).not.toContain('42');
      const byHand = eligible.slice().sort((x, y) => margin(y) - margin(x));
      expect(ranked).toEqual(byHand);
      expect(ranked[0]).toBe(byHand[0]);
      expect(await model.wordsForClass(target, 3)).toEqual(byHand.slice(0, 3));
    }
    // The two classes rank the words in opposite orders (two classes: one margin is minus the other).
    expect(await model.wordsForClass(0, 100)).toEqual((await model.wordsForClass(1, 100)).reverse());
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await model.probabilities(TEXTS);
    expect(tf.memory().numTensors).toBe(before);
    await model.unknownWordGain(TEXTS[0], 1);
    expect(tf.memory().numTensors).toBe(before);
    await model.wordsForClass(0, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model that does not start with an Embedding layer', () => {
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [MAX_LENGTH] })] });
    expect(() => textModelFromLayersModel(dense, { vocabulary: VOCABULARY, classes: ['ham', 'spam'], output: 'logits' })).toThrow(
      'The text model must start with an Embedding layer over word ids.',
    );
    dense.dispose();
  });
});
