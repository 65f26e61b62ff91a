import { describe, expect, it } from 'vitest';
import { formatShareWithInterval, wilsonInterval } from './interval';

describe('wilsonInterval', () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17 (1998), Table I,
  // method 3 (score interval without continuity correction), to four decimals.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i: %f to %f (Newcombe 1998)', (x, n, low, high) => {
    const [l, h] = wilsonInterval(x, n);
    expect(l).toBeCloseTo(low, 4);
    expect(h).toBeCloseTo(high, 4);
  });

  it('is wide on 11 examples and narrow on 2,000', () => {
    const [l11, h11] = wilsonInterval(1, 11);
    expect(h11 - l11).toBeGreaterThan(0.3);
    const [l2k, h2k] = wilsonInterval(1000, 2000);
    expect(h2k - l2k).toBeLessThan(0.05);
  });

  it('formats a share with its interval', () => {
    expect(formatShareWithInterval(0, 20)).toBe('0.0% (95% CI 0.0–16.1%)');
  });
});
