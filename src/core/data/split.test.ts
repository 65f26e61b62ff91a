import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from './rng';
import { stratifiedSplit } from './split';

describe('createRng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = createRng(5);
    const b = createRng(5);
    const c = createRng(6);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws integers uniformly enough and normals with mean 0 and variance 1', () => {
    const rng = createRng(99);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 50_000; i++) counts[rng.int(10)]++;
    for (const count of counts) expect(Math.abs(count - 5000)).toBeLessThan(300);
    const normals = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffles to a permutation', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], createRng(1));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('stratifiedSplit', () => {
  // Uneven classes, like MNIST's: 1001 zeros, 1127 ones, ...
  const sizes = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  const labels = sizes.flatMap((n, k) => new Array(n).fill(k));

  it('gives exactly the requested sizes, disjoint and covering every index', () => {
    const { train, test } = stratifiedSplit(labels, 2000, 7);
    expect(test).toHaveLength(2000);
    expect(train).toHaveLength(8000);
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(10_000);
  });

  it('keeps each class within one example of its share', () => {
    const { test } = stratifiedSplit(labels, 2000, 7);
    sizes.forEach((n, k) => {
      const inTest = test.filter((i) => labels[i] === k).length;
      expect(Math.abs(inTest - n / 5)).toBeLessThanOrEqual(1);
    });
  });

  it('is a function of the seed', () => {
    expect(stratifiedSplit(labels, 2000, 7)).toEqual(stratifiedSplit(labels, 2000, 7));
    expect(stratifiedSplit(labels, 2000, 8).test).not.toEqual(stratifiedSplit(labels, 2000, 7).test);
  });
});
