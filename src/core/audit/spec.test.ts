import { describe, expect, it } from 'vitest';
import { checkSpec, MAX_INPUT_ELEMENTS, type ImageModelSpec, type TextModelSpec } from './spec';

const image = (inputShape: [number, number, number]): ImageModelSpec => ({
  task: 'image',
  name: 'm',
  inputShape,
  valueRange: [0, 1],
  channelOrder: inputShape[2] === 1 ? 'grayscale' : 'rgb',
  classes: ['a', 'b'],
  output: 'logits',
});

const text = (maxLength: number): TextModelSpec => ({
  task: 'text',
  name: 'm',
  maxLength,
  classes: ['a', 'b'],
  output: 'logits',
  tokenizer: { kind: 'words-v1', vocabulary: { version: 1, words: ['x'], counts: [1] } },
});

describe('checkSpec bounds the input before any tensor is made', () => {
  it('takes inputs up to 1024 x 1024 x 4 numbers per example, and refuses more, saying the limit', () => {
    expect(MAX_INPUT_ELEMENTS).toBe(4_194_304);
    expect(checkSpec(image([1182, 1182, 3]))).toEqual([]);
    expect(checkSpec(image([2048, 2048, 1]))).toEqual([]);
    expect(checkSpec(image([4096, 4096, 3])).join(' ')).toMatch(
      /input takes 4096 x 4096 x 3 = 50,331,648 numbers per example, over the 4,194,304 \(1024 x 1024 x 4\)/,
    );
    expect(checkSpec(image([2049, 2048, 1])).join(' ')).toMatch(/over the 4,194,304/);
  });

  it('takes texts of up to 50,000 tokens (more than the tokenizer ever gives is refused)', () => {
    expect(checkSpec(text(300))).toEqual([]);
    expect(checkSpec(text(50_000))).toEqual([]);
    expect(checkSpec(text(4_000_000)).join(' ')).toMatch(/input takes 4,000,000 tokens per text, over the 50,000/);
  });

  it('names a repeated class escaped', () => {
    expect(checkSpec({ ...image([28, 28, 1]), classes: ['a\u202E', 'a\u202E'] }).join(' ')).toContain('repeated: "a\\u{202E}"');
  });
});
