import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SPAM_SPLIT, parseSpamSplit, type SpamExample } from '../src/core/data/spam';
import { SPAM_DATA_DIR, buildSpamExamples, readSpamAssassin, splitSpamExamples } from './prepare-spam';

// Reads the files scripts/ensure-data.ts generates (npm test runs it first; or `npx tsx scripts/ensure-data.ts`).
const read = (name: string) => JSON.parse(readFileSync(join(SPAM_DATA_DIR, name), 'utf8')) as unknown;

describe('spam split (public/data/spam)', () => {
  let train: SpamExample[];
  let test: SpamExample[];
  let meta: {
    seed: number;
    counts: {
      read: number;
      readPerClass: { ham: number; spam: number };
      droppedEmpty: number;
      duplicates: number;
      keptPerClass: { ham: number; spam: number };
    };
  };
  const count = (list: SpamExample[], label: 0 | 1) => list.filter((e) => e.label === label).length;

  beforeAll(() => {
    train = parseSpamSplit(read(SPAM_SPLIT.files.train), 'train.json');
    test = parseSpamSplit(read(SPAM_SPLIT.files.test), 'test.json');
    meta = read(SPAM_SPLIT.files.meta) as typeof meta;
  });

  it('read the whole corpus and kept most of it', () => {
    expect(meta.seed).toBe(SPAM_SPLIT.seed);
    expect(meta.counts.readPerClass).toEqual({ ham: 4150, spam: 1896 });
    // Measured: 23 empty, 131 duplicates; 1,784 spam and 4,108 ham kept.
    expect(meta.counts.droppedEmpty).toBeLessThan(60);
    expect(meta.counts.duplicates).toBeLessThan(250);
    expect(count(train, 1) + count(test, 1)).toBe(meta.counts.keptPerClass.spam);
    expect(count(train, 0) + count(test, 0)).toBe(meta.counts.keptPerClass.ham);
    expect(meta.counts.keptPerClass.spam).toBeGreaterThan(1700);
    expect(meta.counts.keptPerClass.ham).toBeGreaterThan(4000);
  });

  it('splits each class 80/20 within one example', () => {
    for (const label of [0, 1] as const) {
      const total = count(train, label) + count(test, label);
      expect(Math.abs(count(test, label) - total * SPAM_SPLIT.testFraction)).toBeLessThanOrEqual(1);
    }
  });

  it('has no duplicate texts and no text in both splits', () => {
    const all = [...train, ...test].map((e) => e.text);
    expect(new Set(all).size).toBe(all.length);
    const trainTexts = new Set(train.map((e) => e.text));
    expect(test.filter((e) => trainTexts.has(e.text))).toEqual([]);
  });

  it('keeps no headers, HTML documents or overlong texts', () => {
    const headerLine = /^[ \t]*(Received|Return-Path|Delivered-To|Content-Type|Content-Transfer-Encoding|MIME-Version|Message-ID):/im;
    for (const { text } of [...train, ...test]) {
      expect(text).not.toMatch(headerLine);
      expect(text).not.toMatch(/<html/i);
      expect(text.length).toBeLessThanOrEqual(SPAM_SPLIT.maxTextLength);
      expect(text.split('\n\n', 2)[1]?.trim()).toBeTruthy();
    }
  });

  it('splits deterministically', () => {
    const examples = [...train, ...test].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    const first = splitSpamExamples(examples);
    const second = splitSpamExamples(examples);
    expect(second).toEqual(first);
    expect(first.test.map((e) => e.text)).toEqual(second.test.map((e) => e.text));
    expect(first.train.length + first.test.length).toBe(examples.length);
  });

  it('regenerates byte-identical files from the package', () => {
    const { train: again, test: againTest } = splitSpamExamples(buildSpamExamples(readSpamAssassin()).examples);
    const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value), 'utf8').digest('hex');
    const files = (meta as unknown as { files: Record<string, { sha256: string }> }).files;
    expect(sha(again)).toBe(files[SPAM_SPLIT.files.train].sha256);
    expect(sha(againTest)).toBe(files[SPAM_SPLIT.files.test].sha256);
    expect(sha(train)).toBe(files[SPAM_SPLIT.files.train].sha256);
  });
});
