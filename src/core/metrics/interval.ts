/**
 * The Wilson score interval for a binomial proportion (Wilson 1927; recommended over the normal approximation by
 * Newcombe, Statistics in Medicine 1998, and by Brown, Cai & DasGupta 2001): it stays inside [0, 1] and behaves for
 * small samples and for proportions near 0 or 1, as per-class rates on 5 to 15 examples are.
 */
import { formatPercent } from '../format';

export const Z_95 = 1.959963984540054;

export function wilsonInterval(successes: number, trials: number, z = Z_95): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The interval of a share measured on `trials` examples (the count of successes is recovered by rounding). */
export const shareInterval = (share: number, trials: number): [number, number] => wilsonInterval(Math.round(share * trials), trials);

/** An interval as percentages with one decimal: "39.4–58.7" (`unit` appended, e.g. "%"). */
export const formatPercentRange = ([low, high]: [number, number], unit = ''): string => `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}${unit}`;

/** "49.0% (95% CI 39.4–58.7%)": a share with its Wilson interval, for reports and findings. */
export function formatShareWithInterval(share: number, trials: number, label = '95% CI '): string {
  return `${formatPercent(share)} (${label}${formatPercentRange(shareInterval(share, trials), '%')})`;
}
