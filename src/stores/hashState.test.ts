import { describe, expect, it } from 'vitest';
import { field, formatHash, parseHash } from './hashState';

const schema = {
  lab: field.string('image', ['image', 'text'] as const),
  model: field.string<string>('mnist-cnn'),
  seed: field.int(42, 0, 1000),
};

describe('URL hash state', () => {
  it('round-trips values', () => {
    const values = { lab: 'text' as const, model: 'mnist-mlp', seed: 7 };
    expect(parseHash(formatHash(values, schema), schema)).toEqual(values);
  });

  it('falls back per field on missing or bad values, keeping the good ones', () => {
    expect(parseHash('#lab=nope&seed=12.5&model=mnist-mlp', schema)).toEqual({ lab: 'image', model: 'mnist-mlp', seed: 42 });
    expect(parseHash('#seed=-1', schema).seed).toBe(42);
    expect(parseHash('#seed=1001', schema).seed).toBe(42);
    expect(parseHash('', schema)).toEqual({ lab: 'image', model: 'mnist-cnn', seed: 42 });
    expect(parseHash('#%%%', schema)).toEqual({ lab: 'image', model: 'mnist-cnn', seed: 42 });
  });

  it('escapes values that contain separators', () => {
    const values = { lab: 'image' as const, model: 'a&b=c#d', seed: 1 };
    expect(parseHash(formatHash(values, schema), schema).model).toBe('a&b=c#d');
  });
});
