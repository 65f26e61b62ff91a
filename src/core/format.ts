/**
 * How numbers read on the page, in reports, in messages and in scripts. No Intl and no locale: Node, every browser
 * and the tests print the same text (digits grouped with commas, as 'en-US' does).
 */

/** Shown where a number is missing. */
export const DASH = '–';

const isFiniteNumber = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** A share in [0, 1] as a percentage: 0.4567 -> "45.7%", with 2 digits "45.67%". */
export const formatPercent = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`;

/** formatPercent, or a dash for a share that is missing (null, undefined) or not a finite number. */
export const formatPercentOrDash = (share: number | null | undefined, digits = 1): string => (isFiniteNumber(share) ? formatPercent(share, digits) : DASH);

/** A count with thousands separators, rounded to a whole number: 1234567 -> "1,234,567". */
export const formatCount = (n: number): string =>
  Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const DECIMAL_UNITS = ['KB', 'MB', 'GB'] as const;
const BINARY_UNITS = ['KiB', 'MiB', 'GiB'] as const;

/**
 * A byte count with one decimal above 1024 bytes: "512 B", "4.7 KB", "256.0 MB", "1.5 GB". Both styles count
 * 1 KB = 1024 B; `units: 'KiB'` writes the binary prefixes (KiB, MiB, GiB), as the status bar does.
 */
export function formatBytes(bytes: number, units: 'KB' | 'KiB' = 'KB'): string {
  if (bytes < 1024) return `${bytes} B`;
  const names = units === 'KiB' ? BINARY_UNITS : DECIMAL_UNITS;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < names.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${names[unit]}`;
}

/** A duration in seconds: 12.345 -> "12.3 s", with 2 digits "12.35 s". */
export const formatSeconds = (seconds: number, digits = 1): string => `${seconds.toFixed(digits)} s`;

/** A duration in milliseconds: 3.14159 -> "3 ms", with 1 digit "3.1 ms". */
export const formatMillis = (millis: number, digits = 0): string => `${millis.toFixed(digits)} ms`;
