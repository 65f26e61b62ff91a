import { describe, expect, it } from 'vitest';
import { parseBudgets } from './paramCodec';

describe('parseBudgets', () => {
  it('sorts and de-duplicates budgets in [0, max]', () => {
    expect(parseBudgets('0.3, 0, 0.1 0.1', 10)).toEqual([0, 0.1, 0.3]);
  });
  it('refuses a budget above what the chosen attacks accept, with the limit in the message', () => {
    expect(() => parseBudgets('0, 1e9', 10)).toThrow('1e9 is too large a budget: the chosen attacks accept at most 10.');
  });
  it('refuses negative, non-numeric and empty lists', () => {
    expect(() => parseBudgets('-0.1')).toThrow('"-0.1" is not a budget');
    expect(() => parseBudgets('a')).toThrow('"a" is not a budget');
    expect(() => parseBudgets(' , ')).toThrow('Give at least one budget');
  });
});
