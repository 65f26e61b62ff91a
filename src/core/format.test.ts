import { describe, expect, it } from 'vitest';
import { DASH, formatBytes, formatCount, formatMillis, formatPercent, formatPercentOrDash, formatSeconds } from './format';

describe('formatPercent', () => {
  it('writes a share as a percentage with one decimal unless told otherwise', () => {
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(0.4567, 2)).toBe('45.67%');
    expect(formatPercent(0.98765, 0)).toBe('99%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(1)).toBe('100.0%');
    // 1/3 = 33.333...%; 2/3 rounds up in the last digit.
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatPercent(2 / 3, 2)).toBe('66.67%');
  });

  it('shows a dash for a share that is missing or not a number', () => {
    expect(formatPercentOrDash(null)).toBe(DASH);
    expect(formatPercentOrDash(undefined)).toBe(DASH);
    expect(formatPercentOrDash(Number.NaN)).toBe(DASH);
    expect(formatPercentOrDash(Infinity)).toBe(DASH);
    expect(formatPercentOrDash(0.125)).toBe('12.5%');
    expect(formatPercentOrDash(0.125, 2)).toBe('12.50%');
    expect(DASH).toBe('\u2013');
  });
});

describe('formatCount', () => {
  it('groups digits by three with commas, as en-US does, whatever the locale of the machine', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1178)).toBe('1,178');
    expect(formatCount(4938268)).toBe('4,938,268');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    for (const n of [0, 7, 12, 1000, 65536, 1234567, 987654321]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });

  it('rounds to a whole number first', () => {
    expect(formatCount(1234.4)).toBe('1,234');
    expect(formatCount(1234.5)).toBe('1,235');
    expect(formatCount(999.6)).toBe('1,000');
  });
});

describe('formatBytes', () => {
  it('writes bytes below 1024 as they are', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('counts 1 KB as 1024 bytes, with one decimal', () => {
    expect(formatBytes(1024)).toBe('1.0 KB');
    // 64 KB is the suite-file limit; 437,555 / 1024 = 427.299... KB.
    expect(formatBytes(64 * 1024)).toBe('64.0 KB');
    expect(formatBytes(437555)).toBe('427.3 KB');
    // 4,938,268 / 1024^2 = 4.7095... MB; 256 MB is the model limit.
    expect(formatBytes(4938268)).toBe('4.7 MB');
    expect(formatBytes(256 * 1024 * 1024)).toBe('256.0 MB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1024.0 KB');
    // 1.5 GiB, and a petabyte-sized count stays in GB.
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
    expect(formatBytes(1024 ** 5)).toBe('1048576.0 GB');
  });

  it('writes binary prefixes when asked', () => {
    expect(formatBytes(512, 'KiB')).toBe('512 B');
    expect(formatBytes(1536, 'KiB')).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 2 + 512 * 1024, 'KiB')).toBe('3.5 MiB');
    expect(formatBytes(2 * 1024 ** 3, 'KiB')).toBe('2.0 GiB');
  });
});

describe('durations', () => {
  it('writes seconds with one decimal unless told otherwise', () => {
    expect(formatSeconds(12.345)).toBe('12.3 s');
    expect(formatSeconds(12.345, 2)).toBe('12.35 s');
    expect(formatSeconds(59.96, 0)).toBe('60 s');
    expect(formatSeconds(0)).toBe('0.0 s');
  });

  it('writes milliseconds whole unless told otherwise', () => {
    expect(formatMillis(3.14159)).toBe('3 ms');
    expect(formatMillis(3.14159, 1)).toBe('3.1 ms');
    expect(formatMillis(1499.5)).toBe('1500 ms');
  });
});
