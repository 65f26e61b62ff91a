import { describe, expect, it } from 'vitest';
import { numberFieldError } from './NumberField';

describe('numberFieldError', () => {
  const digits = { name: 'Test digits', min: 1, max: 2000, integer: true };
  it('accepts a whole number in range, as typed', () => {
    expect(numberFieldError('50', digits)).toBeUndefined();
    expect(numberFieldError('2000', digits)).toBeUndefined();
  });
  it('says what is wrong with an empty, fractional, non-numeric or out-of-range value, naming the field', () => {
    expect(numberFieldError('', digits)).toBe('Test digits is empty: give a value.');
    expect(numberFieldError('  ', digits)).toBe('Test digits is empty: give a value.');
    expect(numberFieldError('2.5', digits)).toBe('Test digits must be a whole number.');
    expect(numberFieldError('abc', digits)).toBe('Test digits must be a number.');
    expect(numberFieldError('0', digits)).toBe('Test digits must be between 1 and 2000; got 0.');
    expect(numberFieldError('1e9', digits)).toBe('Test digits must be between 1 and 2000; got 1000000000.');
  });
  it('words one-sided ranges', () => {
    expect(numberFieldError('-1', { name: 'Seed', min: 0 })).toBe('Seed must be at least 0; got -1.');
    expect(numberFieldError('11', { name: 'Budget ε', max: 10 })).toBe('Budget ε must be at most 10; got 11.');
    expect(numberFieldError('0.25', { name: 'Budget ε', min: 0, max: 10 })).toBeUndefined();
  });
});
