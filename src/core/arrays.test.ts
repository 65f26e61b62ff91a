import { describe, expect, it } from 'vitest';
import { argMax, maxOf, minOf, pushAll, sampleEvenly } from './arrays';

describe('array helpers on long arrays', () => {
  // 500,000 arguments overflow the call stack of Math.max(...xs) and push(...xs) in V8.
  const long = Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 500_003);

  it('take the min, max and argmax of half a million values', () => {
    expect(() => Math.max(...long)).toThrow(RangeError);
    expect(maxOf(long)).toBe(long.reduce((a, b) => (b > a ? b : a)));
    expect(minOf(long)).toBe(0);
    expect(long[argMax(long)]).toBe(maxOf(long));
    expect(argMax([1, 3, 3])).toBe(1);
  });

  it('say what an empty array gives', () => {
    expect(maxOf([])).toBe(-Infinity);
    expect(minOf([], 0)).toBe(0);
    expect(argMax([])).toBe(-1);
  });

  it('append half a million items', () => {
    expect(pushAll([1], long).length).toBe(500_001);
  });

  it('sample evenly, keeping the ends, and leave short arrays alone', () => {
    expect(sampleEvenly([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([0, 5, 10]);
    expect(sampleEvenly([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 3, 6, 9]);
    const short = [1, 2];
    expect(sampleEvenly(short, 5)).toBe(short);
    const sampled = sampleEvenly(long, 200);
    expect(sampled.length).toBe(200);
    expect(sampled[0]).toBe(long[0]);
    expect(sampled.at(-1)).toBe(long.at(-1));
  });
});
