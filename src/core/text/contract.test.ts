import { describe, expect, it } from 'vitest';
import { SEARCH_METHODS, TEXT_TRANSFORMATIONS, TRANSFORMATIONS } from './catalog';
import { checkTestParams, describeSearchContract, describeTransformationContract } from './testing/contract';
import type { TransformationEntry } from './transformation';

describeTransformationContract(TEXT_TRANSFORMATIONS);
describeSearchContract(SEARCH_METHODS);

describe('the contract itself', () => {
  it('fails an entry without test parameters, or without the resources it needs', () => {
    const { testParams: _dropped, ...withoutTests } = TRANSFORMATIONS.swap;
    expect(() => checkTestParams(withoutTests as TransformationEntry)).toThrow('The transformation "swap" declares no test parameters');
    expect(() => checkTestParams({ ...TRANSFORMATIONS.swap, testParams: { words: [] } })).toThrow(/declares no test parameters/);
    expect(() => checkTestParams({ ...TRANSFORMATIONS.synonym, testParams: { words: ['cheap'] } })).toThrow(/testParams.synonyms/);
    expect(() => checkTestParams({ ...TRANSFORMATIONS['good-words'], testParams: { words: ['cheap'] } })).toThrow(/testParams.goodWords/);
    expect(() =>
      checkTestParams({ ...TRANSFORMATIONS['good-words'], testParams: { words: ['cheap'], goodWords: ['ok'], params: { goodWordCandidates: 99 } } }),
    ).toThrow(/between 0 and 20/);
  });

  it('runs over every built-in entry, each with its own id', () => {
    expect(new Set(TEXT_TRANSFORMATIONS.map((e) => e.id)).size).toBe(TEXT_TRANSFORMATIONS.length);
    expect(TEXT_TRANSFORMATIONS.length).toBe(11);
    expect(SEARCH_METHODS.map((s) => s.id)).toEqual(['deletion', 'gradient', 'random']);
  });
});
