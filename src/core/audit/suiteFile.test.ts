import { describe, expect, it } from 'vitest';
import { IMAGE_SUITES } from './imageSuite';
import { parseSuiteFile } from './suiteFile';

const file = (body: object) => JSON.stringify({ kind: 'adversarial-playground/audit-suite', version: 1, base: 'quick', ...body });

describe('parseSuiteFile', () => {
  it('takes what the file gives and the rest from its base suite, budgets sorted with 0 added', () => {
    const suites = parseSuiteFile(
      file({ name: 'mine', image: { linfBudgets: [0.3, 0.1], pgdIterations: 40 }, text: { budgets: [0.2], maxQueries: 50 } }),
      'mine.json',
    );
    expect(suites.image.linfBudgets).toEqual([0, 0.1, 0.3]);
    expect(suites.image.pgdIterations).toBe(40);
    expect(suites.image.square).toEqual(IMAGE_SUITES.quick.square);
    expect(suites.image.id).toBe('custom: mine');
    expect(suites.text.budgets).toEqual([0, 0.2]);
    expect(suites.text.maxQueries).toBe(50);
  });

  it('names every wrong field, and refuses what is not JSON or not a suite file', () => {
    expect(() => parseSuiteFile('{', 's.json')).toThrow(/"s\.json" is not JSON/);
    expect(() => parseSuiteFile(JSON.stringify({ kind: 'x' }), 's.json')).toThrow('/kind must be equal to constant');
    expect(() => parseSuiteFile(file({ image: { pgdIterations: 1e9 } }), 's.json')).toThrow('/image/pgdIterations must be <= 1000');
    expect(() => parseSuiteFile(file({ image: { square: { queries: 0 } } }), 's.json')).toThrow('/image/square/queries must be >= 1');
    expect(() => parseSuiteFile(file({ text: { settings: ['none', 'magic'] } }), 's.json')).toThrow(
      '/text/settings/1 must be equal to one of the allowed values (none, normalizer, adaptive)',
    );
  });

  it('wants the reference budget among its attack budgets', () => {
    expect(() => parseSuiteFile(file({ image: { linfBudgets: [0.2], reference: { attackId: 'pgd', budget: 0.1 } } }), 's.json')).toThrow(
      'the reference pgd budget 0.1 is not among its budgets (0, 0.2); add it there.',
    );
  });

  it('refuses a file far larger than a suite file before parsing it', () => {
    expect(() => parseSuiteFile(' '.repeat(100_000), 'big.json')).toThrow('a suite file is at most 64 KB');
  });
});
