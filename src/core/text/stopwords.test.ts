import { describe, expect, it } from 'vitest';
import { STOP_WORDS, isStopWord } from './stopwords';
import { tokenize } from './tokenizer';

describe('stop words', () => {
  it('is a list of lower-case function words of the usual size', () => {
    expect(STOP_WORDS.size).toBeGreaterThanOrEqual(150);
    expect(STOP_WORDS.size).toBeLessThanOrEqual(180);
    for (const word of ['the', 'an', 'you', 'is', 'would', 'of', 'and', 'not', "don't", "it's"]) {
      expect(STOP_WORDS.has(word)).toBe(true);
    }
  });

  it('holds each word as the tokenizer produces it, as one token', () => {
    for (const word of STOP_WORDS) expect(tokenize(word).tokens.map((t) => t.text)).toEqual([word]);
  });

  it('ignores case and accepts the typographic apostrophe', () => {
    expect(isStopWord('The')).toBe(true);
    expect(isStopWord('DON\u2019T')).toBe(true);
    expect(isStopWord('free')).toBe(false);
    expect(isStopWord('money')).toBe(false);
    expect(isStopWord('')).toBe(false);
  });
});
