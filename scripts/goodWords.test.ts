import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpamExample } from '../src/core/data/spam';
import type { GoodWordList } from '../src/core/text/goodWords';
import { isStopWord } from '../src/core/text/stopwords';
import { tokenize, type Vocabulary } from '../src/core/text/tokenizer';
import { GOOD_WORD_COUNT, GOOD_WORDS_FILE, GOOD_WORDS_SOURCE, SPAM_TRAIN_PATH, readSpamSplit, renderGoodWords } from './build-good-words';
import { MODELS_DIR } from './paths';

const DIR = join(MODELS_DIR, 'spam-bow');

describe('spam-bow good-words.json', () => {
  let shipped: string;
  let list: GoodWordList;
  let vocabulary: Vocabulary;
  let train: SpamExample[];

  beforeAll(() => {
    shipped = readFileSync(join(DIR, GOOD_WORDS_FILE), 'utf8');
    list = JSON.parse(shipped) as GoodWordList;
    vocabulary = JSON.parse(readFileSync(join(DIR, 'vocabulary.json'), 'utf8')) as Vocabulary;
    train = readSpamSplit(SPAM_TRAIN_PATH);
  });

  it('is byte for byte what the training split and the shipped vocabulary give', () => {
    expect(renderGoodWords(DIR).text === shipped).toBe(true);
  });

  it('names its source: the training split, Lowd & Meek', () => {
    expect(list.version).toBe(1);
    expect(list.source).toBe(GOOD_WORDS_SOURCE);
    expect(list.source).toMatch(/training split/);
    expect(list.source).toMatch(/ham/);
    expect(list.source).toMatch(/Lowd & Meek/);
  });

  it('has the requested number of distinct vocabulary words, none a stop word', () => {
    expect(list.words).toHaveLength(GOOD_WORD_COUNT);
    expect(new Set(list.words).size).toBe(list.words.length);
    const known = new Set(vocabulary.words);
    expect(list.words.filter((w) => !known.has(w))).toEqual([]);
    expect(list.words.filter((w) => isStopWord(w) || !/^[a-z]{3,}$/.test(w))).toEqual([]);
  });

  it('puts first words that really are in a larger share of ham than of spam messages, in falling order of the log ratio', () => {
    const ham = train.filter((e) => e.label === 0);
    const spam = train.filter((e) => e.label === 1);
    expect(ham.length).toBeGreaterThan(0);
    expect(spam.length).toBeGreaterThan(0);
    const hamSets = ham.map((e) => new Set(tokenize(e.text).tokens.map((t) => t.text)));
    const spamSets = spam.map((e) => new Set(tokenize(e.text).tokens.map((t) => t.text)));
    const messagesWith = (sets: Set<string>[], word: string) => sets.filter((s) => s.has(word)).length;
    let previous = Infinity;
    for (const word of list.words.slice(0, 20)) {
      const inHam = messagesWith(hamSets, word);
      const inSpam = messagesWith(spamSets, word);
      const hamShare = inHam / ham.length;
      const spamShare = inSpam / spam.length;
      expect(inHam, word).toBeGreaterThanOrEqual(20);
      // Far more common in ham: at least five times the share of spam messages.
      expect(hamShare, word).toBeGreaterThan(5 * spamShare);
      const score = Math.log((inHam + 1) / (ham.length + 2)) - Math.log((inSpam + 1) / (spam.length + 2));
      expect(score, word).toBeLessThanOrEqual(previous + 1e-12);
      previous = score;
    }
  });
});
