import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isStopWord } from '../src/core/text/stopwords';
import type { Vocabulary } from '../src/core/text/tokenizer';
import { DEFAULT_MAX_SYNONYMS_PER_WORD, synonymCandidates, type SynonymTable } from '../src/core/text/wordnet';
import { SYNONYMS_FILE, SYNONYM_SOURCE, renderSynonyms } from './build-synonyms';
import { MODELS_DIR } from './paths';

const DIR = join(MODELS_DIR, 'spam-bow');

describe('spam-bow synonyms.json', () => {
  let shipped: string;
  let table: SynonymTable;
  let vocabulary: Vocabulary;

  beforeAll(() => {
    shipped = readFileSync(join(DIR, SYNONYMS_FILE), 'utf8');
    table = JSON.parse(shipped) as SynonymTable;
    vocabulary = JSON.parse(readFileSync(join(DIR, 'vocabulary.json'), 'utf8')) as Vocabulary;
  });

  it('is byte for byte what WordNet and the shipped vocabulary give', () => {
    expect(renderSynonyms(DIR).text === shipped).toBe(true);
  });

  it('names its source and stays small enough to ship', () => {
    expect(table.version).toBe(1);
    expect(table.source).toBe(SYNONYM_SOURCE);
    expect(table.source).toMatch(/^WordNet 3\.1 .*Princeton University$/);
    expect(Buffer.byteLength(shipped)).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('has keys from the vocabulary, in its order, none a stop word', () => {
    const keys = Object.keys(table.synonyms);
    expect(keys.length).toBeGreaterThan(5000);
    const rank = new Map(vocabulary.words.map((word, i) => [word, i]));
    const ranks = keys.map((key) => rank.get(key) ?? -1);
    expect(ranks.every((r, i) => r >= 0 && (i === 0 || r > ranks[i - 1]))).toBe(true);
    expect(keys.filter((key) => isStopWord(key) || !/^[a-z]{3,}$/.test(key))).toEqual([]);
  });

  it('lists a few distinct single words per key, never the key itself', () => {
    const bad = Object.entries(table.synonyms).filter(
      ([word, list]) =>
        list.length === 0 ||
        list.length > DEFAULT_MAX_SYNONYMS_PER_WORD ||
        list.includes(word) ||
        new Set(list).size !== list.length ||
        !list.every((s) => /^[a-z]{2,}$/.test(s)),
    );
    expect(bad).toEqual([]);
  });

  it('has the WordNet synonyms of common spam words', () => {
    // Each pair shares a synset in WordNet 3.1 (checked in the data files).
    expect(table.synonyms.free).toContain('complimentary'); // adj: complimentary, costless, free, gratis, gratuitous
    expect(table.synonyms.buy).toContain('purchase'); // verb: buy, purchase
    expect(table.synonyms.purchase).toContain('buy');
    expect(table.synonyms.guarantee).toEqual(expect.arrayContaining(['warranty', 'warrant'])); // noun: guarantee, warrant, warrantee, warranty
    expect(table.synonyms.winner).toContain('victor'); // noun: winner, victor
    expect(table.synonyms.cheap).toContain('inexpensive'); // adj: cheap, inexpensive
    expect(table.synonyms.save).toContain('preserve'); // verb: save, preserve
    expect(table.synonyms.offer).toEqual(expect.arrayContaining(['extend', 'offering'])); // verb and noun synsets
  });

  it('gives plural synonyms for plural nouns', () => {
    expect(table.synonyms.ads).toContain('advertisements'); // noun: ad, advertisement, advertizement, advert, ...
    expect(table.synonyms.discounts).toContain('rebates'); // noun: rebate, discount
    expect(table.synonyms.dollars).toContain('bucks'); // noun: dollar, dollar_bill, one_dollar_bill, buck, clam
  });

  it('gives synonyms in the case of the word in the text', () => {
    expect(synonymCandidates(table, 'FREE')).toContain('COMPLIMENTARY');
    expect(synonymCandidates(table, 'Winner')).toContain('Victor');
  });
});
