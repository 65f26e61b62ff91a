import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/core/data/rng';
import { SPAM_SPLIT, parseSpamSplit, type SpamExample } from '../src/core/data/spam';
import { attackText, wordBudget, type TextVictim } from '../src/core/text/attack';
import { DEFAULT_TEXT_ATTACK, type TextAttackOptions } from '../src/core/text/recipe';
import { runTextBatch, summarize, type BatchAttack } from '../src/core/text/batch';
import { textModelFromLayersModel, type TextModel } from '../src/core/text/textModel';
import type { Vocabulary } from '../src/core/text/tokenizer';
import { loadModelFromDisk, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';

const SPAM = 1;
const MESSAGES = 200;
const SEED = 20_260_101;

/**
 * The model with a memory of the last texts it scored. Behind the normalizer, a homoglyph or invisible candidate
 * reads as the text before it, so the adaptive attacker sends the model the same text again and again; answering
 * those from memory changes no result (the model is deterministic, and the attack counts its queries itself) and
 * keeps this file fast.
 */
function rememberingLast(model: TextVictim, size = 8): TextVictim {
  const memory = new Map<string, Float32Array>();
  return {
    async probabilities(texts) {
      const missing = [...new Set(texts.filter((t) => !memory.has(t)))];
      const rows = missing.length > 0 ? await model.probabilities(missing) : [];
      missing.forEach((t, i) => memory.set(t, rows[i]));
      const out = texts.map((t) => memory.get(t)!.slice());
      for (const t of texts) {
        const row = memory.get(t)!;
        memory.delete(t); // most recent last
        memory.set(t, row);
      }
      while (memory.size > size) memory.delete(memory.keys().next().value!);
      return out;
    },
  };
}

/** The attacks' shared budget: 15% of the words, 100 queries per message. */
const BUDGET = { ranking: 'gradient', maxWordShare: 0.15, maxQueries: 100 } as const satisfies Partial<TextAttackOptions>;

describe('text attacks on the bundled spam-bow filter', () => {
  let model: TextModel;
  let spam: SpamExample[];
  let goodWords: string[];

  beforeAll(async () => {
    await useNodeWasm();
    const { model: layers } = await loadModelFromDisk('spam-bow');
    const vocabulary = JSON.parse(readFileSync(join(MODELS_DIR, 'spam-bow', 'vocabulary.json'), 'utf8')) as Vocabulary;
    model = textModelFromLayersModel(layers, { vocabulary, classes: ['ham', 'spam'], output: 'logits' });
    const testPath = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files.test);
    spam = parseSpamSplit(JSON.parse(readFileSync(testPath, 'utf8')), testPath)
      .filter((e) => e.label === SPAM)
      .slice(0, MESSAGES);
    // White-box good words: the words that alone push the model hardest towards ham.
    goodWords = await model.wordsForClass(0, 200);
  });

  afterAll(() => model?.dispose());

  it('evades it on nine spam messages in ten with white-box good words, within 15% of the words and 100 queries', async () => {
    expect(spam).toHaveLength(MESSAGES);
    expect(goodWords).toHaveLength(200);
    const options: TextAttackOptions = {
      ...DEFAULT_TEXT_ATTACK,
      ...BUDGET,
      transformations: ['good-words'],
      goodWordCandidates: 3,
      repeatGoodWords: true,
    };
    const context = { victim: model, wordGain: model.unknownWordGain.bind(model), goodWords };
    const results = [];
    for (const [i, example] of spam.entries()) {
      const result = await attackText(example.text, SPAM, options, { ...context, rng: createRng(SEED + i) });
      expect(result.perturbedWords).toBeLessThanOrEqual(wordBudget(0.15, result.wordCount));
      expect(result.queries).toBeLessThanOrEqual(100);
      if (result.status === 'succeeded') expect(result.perturbedProbabilities[SPAM]).toBeLessThan(0.5);
      results.push(result);
    }
    const summary = summarize(results);
    expect(summary.successRate).toBeGreaterThanOrEqual(0.9);
    expect(summary.averagePerturbedWordPercent).toBeLessThanOrEqual(10);
    expect(summary.averageQueries).toBeLessThanOrEqual(100);
  });

  it('evades it on nine spam messages in ten by swapping words for white-box good words, within a hard 10% of the words and 100 queries', async () => {
    // A hard 10% cap leaves a message of under 100 words only a few words: a swap takes a spam word out as it puts a
    // good word in, where an insertion only puts one in (insertion flips 86% under this cap).
    const options: TextAttackOptions = {
      ...DEFAULT_TEXT_ATTACK,
      ranking: 'gradient',
      maxWordShare: 0.1,
      maxQueries: 100,
      transformations: ['good-word-swap'],
      goodWordCandidates: 1,
      repeatGoodWords: true,
    };
    const context = { victim: model, wordGain: model.unknownWordGain.bind(model), goodWords };
    const results = [];
    for (const [i, example] of spam.entries()) {
      const result = await attackText(example.text, SPAM, options, { ...context, rng: createRng(SEED + i) });
      expect(result.perturbedWords).toBeLessThanOrEqual(wordBudget(0.1, result.wordCount));
      expect(result.queries).toBeLessThanOrEqual(100);
      if (result.status === 'succeeded') expect(result.perturbedProbabilities[SPAM]).toBeLessThan(0.5);
      results.push(result);
    }
    const summary = summarize(results);
    expect(summary.successRate).toBeGreaterThanOrEqual(0.9);
    expect(summary.averagePerturbedWordPercent).toBeLessThanOrEqual(10);
    expect(summary.averageQueries).toBeLessThanOrEqual(100);
  });

  it('gets nowhere with homoglyphs or invisible characters once the normalizer stands in front, aware attacker or not', async () => {
    const attacks: BatchAttack[] = [
      { id: 'homoglyph', label: 'Homoglyphs', options: { ...DEFAULT_TEXT_ATTACK, ...BUDGET, transformations: ['homoglyph'] } },
      { id: 'invisible', label: 'Invisible characters', options: { ...DEFAULT_TEXT_ATTACK, ...BUDGET, transformations: ['invisible'] } },
    ];
    const { rows, completed } = await runTextBatch(
      { examples: spam, attacks, settings: ['none', 'normalizer', 'adaptive'], budgets: [0, 0.15], seed: SEED },
      { model: rememberingLast(model), wordGain: model.unknownWordGain.bind(model) },
    );
    expect(completed).toBe(MESSAGES);
    for (const row of rows) {
      expect(row.outcomes).toHaveLength(MESSAGES);
      const name = `${row.attackId} / ${row.setting}`;
      if (row.setting === 'none') {
        // On the bare model both attacks do flip some messages, so the defense has something to undo.
        expect(row.summary.succeeded, name).toBeGreaterThan(0);
      } else {
        expect(row.summary.successRate, name).toBeLessThanOrEqual(0.1);
      }
    }
  });

  it('leaves no tensor behind across an attack', async () => {
    const options: TextAttackOptions = { ...DEFAULT_TEXT_ATTACK, ...BUDGET, transformations: ['swap', 'homoglyph', 'good-words'] };
    const before = tf.memory().numTensors;
    const result = await attackText(spam[0].text, SPAM, options, {
      victim: model,
      rng: createRng(SEED),
      wordGain: model.unknownWordGain.bind(model),
      goodWords: goodWords.slice(0, 20),
    });
    expect(result.queries).toBeGreaterThan(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
