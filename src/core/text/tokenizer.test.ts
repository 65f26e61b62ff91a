import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildVocabulary,
  DEFAULT_MAX_CHARS,
  encode,
  encodeText,
  firstTokens,
  readablePart,
  FIRST_WORD_ID,
  PAD_ID,
  tokenize,
  UNK_ID,
  vocabularySize,
  wordId,
  type Tokenization,
} from './tokenizer';

const words = (t: Tokenization) => t.tokens.map((token) => token.text);

function expectOffsetsRoundTrip(text: string, tokenization: Tokenization): void {
  let previousEnd = 0;
  for (const token of tokenization.tokens) {
    expect(text.slice(token.start, token.end).toLowerCase()).toBe(token.text);
    expect(token.start).toBeGreaterThanOrEqual(previousEnd);
    expect(token.end).toBeGreaterThan(token.start);
    previousEnd = token.end;
  }
}

describe('tokenize', () => {
  it('splits on everything but letters, digits and internal apostrophes, and lower-cases', () => {
    const text = "Hi Bob, you've WON $1,000!!! Click: http://x.example/a?b=c — don't wait' 'quoted'";
    const result = tokenize(text);
    expect(words(result)).toEqual(['hi', 'bob', "you've", 'won', '1', '000', 'click', 'http', 'x', 'example', 'a', 'b', 'c', "don't", 'wait', 'quoted']);
    expect(result.truncated).toBe(false);
    expect(result.notice).toBeUndefined();
    expectOffsetsRoundTrip(text, result);
  });

  it('gives offsets into the original string that round-trip (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expectOffsetsRoundTrip(text, tokenize(text));
      }),
      { numRuns: 500 },
    );
  });

  it('handles empty and blank text', () => {
    expect(tokenize('')).toEqual({ tokens: [], truncated: false });
    expect(tokenize(' \n\t ')).toEqual({ tokens: [], truncated: false });
  });

  it('keeps the first maxChars of a 1 MB text, drops the rest with a notice, and is fast', () => {
    const text = 'buy cheap pills now '.repeat(50_000) + 'x'.repeat(48_576); // 1,048,576 characters
    expect(text.length).toBe(1_048_576);
    const started = performance.now();
    const result = tokenize(text);
    const elapsed = performance.now() - started;
    expect(result.truncated).toBe(true);
    expect(result.notice).toBe('The text is 1,048,576 characters long; only the first 100,000 were read and the last 948,576 were ignored.');
    expect(result.tokens.length).toBe(20_000); // 100,000 / 20 characters per 4 words
    expect(result.tokens[result.tokens.length - 1].end).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(elapsed).toBeLessThan(500);
  });

  it('drops a word cut in half by the limit', () => {
    const result = tokenize('hello wonderful world', { maxChars: 9 });
    expect(words(result)).toEqual(['hello']);
    expect(result.truncated).toBe(true);
    expect(tokenize('hello wonderful', { maxChars: 15 }).truncated).toBe(false);
    expect(words(tokenize('hello wonderful world', { maxChars: 15 }))).toEqual(['hello', 'wonderful']);
  });

  it('does not split a surrogate pair at the limit', () => {
    const result = tokenize('ab 😀', { maxChars: 4 });
    expect(result.truncated).toBe(true);
    expect(result.notice).toContain('only the first 3 were read');
  });

  it('treats emoji as separators and keeps the words around them', () => {
    const text = 'WIN💰💰 big🎉now 👩‍💻coder 🇫🇷';
    const result = tokenize(text);
    expect(words(result)).toEqual(['win', 'big', 'now', 'coder']);
    expectOffsetsRoundTrip(text, result);
  });

  it('tokenizes Arabic and Hebrew (RTL) text, keeping vowel marks inside the word', () => {
    const arabic = 'مرحبا بالعالم، اربح جائزة الآن!';
    expect(words(tokenize(arabic))).toEqual(['مرحبا', 'بالعالم', 'اربح', 'جائزة', 'الآن']);
    const hebrew = 'שָׁלוֹם עולם, free כסף';
    const result = tokenize(hebrew);
    expect(words(result)).toEqual(['שָׁלוֹם', 'עולם', 'free', 'כסף']);
    expectOffsetsRoundTrip(hebrew, result);
  });

  it('does not throw on control, invisible, bidi and lone-surrogate characters, which separate words', () => {
    const text = 'a\u0000b\u0007c\u001bd\u200be\u202ef\u202cg\ud800h\udfffi\u0085j';
    const result = tokenize(text);
    expect(words(result)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    expectOffsetsRoundTrip(text, result);
  });

  it('keeps offsets into the original when lower-casing changes the length', () => {
    const text = 'İSTANBUL deal';
    const [first, second] = tokenize(text).tokens;
    expect(first).toMatchObject({ start: 0, end: 8 });
    expect(first.text).toBe('İSTANBUL'.toLowerCase());
    expect(second).toMatchObject({ text: 'deal', start: 9, end: 13 });
  });
});

describe('buildVocabulary', () => {
  const texts = ['free money free', 'money now', 'Free prize', 'now now zebra'];

  it('orders words by count, then alphabetically, with ids after PAD and UNK', () => {
    const vocabulary = buildVocabulary(texts, { maxSize: 10 });
    expect(vocabulary.words).toEqual(['free', 'now', 'money', 'prize', 'zebra']);
    expect(vocabulary.counts).toEqual([3, 3, 2, 1, 1]);
    expect(PAD_ID).toBe(0);
    expect(UNK_ID).toBe(1);
    expect(wordId(vocabulary, 'free')).toBe(FIRST_WORD_ID);
    expect(wordId(vocabulary, 'now')).toBe(FIRST_WORD_ID + 1);
    expect(wordId(vocabulary, 'unseen')).toBe(UNK_ID);
    expect(vocabularySize(vocabulary)).toBe(7);
  });

  it('respects maxSize and minCount', () => {
    expect(buildVocabulary(texts, { maxSize: 2 }).words).toEqual(['free', 'now']);
    expect(buildVocabulary(texts, { maxSize: 10, minCount: 2 }).words).toEqual(['free', 'now', 'money']);
    expect(buildVocabulary([], { maxSize: 10 }).words).toEqual([]);
  });

  it('survives a JSON round trip and looks up the same ids', () => {
    const vocabulary = buildVocabulary([...texts, 'constructor __proto__ toString'], { maxSize: 20 });
    const restored = JSON.parse(JSON.stringify(vocabulary));
    expect(restored).toEqual(vocabulary);
    const tokens = tokenize('free constructor __proto__ tostring unseen').tokens;
    expect(encode(tokens, restored, 6)).toEqual(encode(tokens, vocabulary, 6));
    expect(wordId(restored, 'hasownproperty')).toBe(UNK_ID);
  });
});

describe('encode', () => {
  const vocabulary = buildVocabulary(['free money free now'], { maxSize: 10 });

  it('pads with PAD at the end and maps unknown words to UNK', () => {
    const ids = encode(tokenize('FREE lunch now').tokens, vocabulary, 6);
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids]).toEqual([wordId(vocabulary, 'free'), UNK_ID, wordId(vocabulary, 'now'), PAD_ID, PAD_ID, PAD_ID]);
  });

  it('keeps the first maxLength tokens', () => {
    const ids = encode(tokenize('money money free now now').tokens, vocabulary, 3);
    expect([...ids]).toEqual([wordId(vocabulary, 'money'), wordId(vocabulary, 'money'), wordId(vocabulary, 'free')]);
  });

  it('handles no tokens and a zero length', () => {
    expect([...encode([], vocabulary, 3)]).toEqual([PAD_ID, PAD_ID, PAD_ID]);
    expect(encode(tokenize('free').tokens, vocabulary, 0).length).toBe(0);
  });
});

describe('firstTokens and encodeText (lazy: only the first maxLength tokens are scanned)', () => {
  const vocabulary = buildVocabulary(['free money free now'], { maxSize: 10 });

  it('gives exactly the first tokens tokenize gives, at any limit of tokens and characters (property)', () => {
    const alphabet = fc.constantFrom('a', 'B', 'é', '\u0301', "'", '’', ' ', '.', '7', '😀', '\u202E', '\u200B', 'ß', '\uD800');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 45 }),
        (text, maxTokens, maxChars) => {
          expect(firstTokens(text, maxTokens, { maxChars })).toEqual(tokenize(text, { maxChars }).tokens.slice(0, maxTokens));
          expect(firstTokens(text, maxTokens)).toEqual(tokenize(text).tokens.slice(0, maxTokens));
        },
      ),
    );
  });

  it('encodes the same ids as encode(tokenize(...)), padded and cut alike', () => {
    for (const text of ['FREE lunch now', 'money money free now now', '', 'free '.repeat(50)]) {
      for (const maxLength of [0, 3, 6, 300])
        expect([...encodeText(text, vocabulary, maxLength)]).toEqual([...encode(tokenize(text).tokens, vocabulary, maxLength)]);
    }
  });

  it('keeps of a long text only the part the tokenizer reads, with the same tokens (property)', () => {
    const alphabet = fc.constantFrom('a', 'B', '\u0301', "'", ' ', '.', '7', '😀', '\u200B', '\uD800');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
        fc.integer({ min: 0, max: 45 }),
        (text, maxChars) => {
          const part = readablePart(text, { maxChars });
          expect(part.length).toBeLessThanOrEqual(Math.max(maxChars, text.length <= maxChars ? text.length : 0));
          expect(tokenize(part, { maxChars }).tokens).toEqual(tokenize(text, { maxChars }).tokens);
        },
      ),
    );
    // 12-character repeats: the limit cuts "mone|ys" at 100,000, so the part ends after the "free" before it.
    const big = 'moneys free '.repeat(1_000_000);
    const part = readablePart(big);
    expect(part.length).toBe(99_995);
    expect(part.endsWith('moneys free')).toBe(true);
    expect(readablePart('short text')).toBe('short text');
  });

  it('encodes a 10 MB text from its first 300 words', () => {
    // 10.4 MB of text; the first 300 tokens alternate "free" and an unknown word. Measured on this machine: about 1 ms a
    // call, against 15 to 48 ms for tokenize + encode (which reads the first 100,000 characters), on every query.
    const text = 'free lunch '.repeat(150) + 'money now '.repeat(1_040_000);
    expect(text.length).toBeGreaterThan(10_000_000);
    const ids = encodeText(text, vocabulary, 300);
    expect(ids.length).toBe(300);
    expect([...ids.subarray(0, 4)]).toEqual([wordId(vocabulary, 'free'), UNK_ID, wordId(vocabulary, 'free'), UNK_ID]);
    expect(ids.every((id, i) => id === (i % 2 === 0 ? wordId(vocabulary, 'free') : UNK_ID))).toBe(true);
    const tokens = firstTokens(text, 301);
    expect(tokens.at(-1)).toEqual({ text: 'money', start: 1650, end: 1655 });
  });
});
