import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { attackText, textAfterEdits, withNormalizer, wordBudget, type TextAttackContext, type TextAttackResult, type TextVictim } from './attack';
import { TRANSFORMATION_IDS, TRANSFORMATIONS } from './catalog';
import { otherClassMass } from './goals';
import type { WordGain } from './rankings';
import { DEFAULT_TEXT_ATTACK, type TextAttackOptions } from './recipe';
import { editDistance, HOMOGLYPHS } from './perturbations';
import { isStopWord } from './stopwords';
import { tokenize } from './tokenizer';
import { synonymCandidates, type SynonymTable } from './wordnet';
import { spamScore, toyRow, toyWordGain, UNKNOWN_WEIGHT, weightOf } from './testHelpers';

// The toy spam filter of ./testHelpers: the spam logit is the sum of per-word weights.

/** The toy filter, remembering every batch of texts it scored. */
function countingToy() {
  const calls: string[][] = [];
  const victim: TextVictim = {
    async probabilities(texts) {
      calls.push([...texts]);
      return texts.map(toyRow);
    },
  };
  return { victim, calls, scored: () => calls.reduce((n, batch) => n + batch.length, 0) };
}

const SYNONYMS: SynonymTable = {
  version: 1,
  source: 'toy',
  synonyms: { viagra: ['sildenafil'], cheap: ['inexpensive', 'affordable'], free: ['complimentary', 'gratis'], winner: ['victor'] },
};
const synonyms = (word: string) => synonymCandidates(SYNONYMS, word);
const GOOD_WORDS = ['thanks', 'meeting', 'seminar', 'regards'];

const SPAM = 1;
const HAM = 0;

const options = (overrides: Partial<TextAttackOptions> = {}): TextAttackOptions => ({ ...DEFAULT_TEXT_ATTACK, ...overrides });

function contextFor(victim: TextVictim, seed = 1, extra: Partial<TextAttackContext> = {}): TextAttackContext {
  return { victim, rng: createRng(seed), wordGain: toyWordGain, synonyms, goodWords: GOOD_WORDS, ...extra };
}

const argMax = (row: ArrayLike<number>) => (row[1] > row[0] ? 1 : 0);
const replaced = (r: TextAttackResult) => r.edits.filter((e) => e.kind === 'replace');

/** Every contract of one result, checked against the toy directly (never through the counted victim). */
function checkResult(text: string, label: number, opts: TextAttackOptions, result: TextAttackResult, scored: number) {
  const tokens = tokenize(text).tokens;
  // Queries: what the victim really scored, within the budget.
  expect(result.queries).toBe(scored);
  expect(result.queries).toBeLessThanOrEqual(opts.maxQueries);
  expect(result.queries).toBeGreaterThanOrEqual(1);
  // Words.
  expect(result.wordCount).toBe(tokens.length);
  expect(result.perturbedWords).toBe(result.edits.length);
  expect(result.edits.length).toBeLessThanOrEqual(wordBudget(opts.maxWordShare, tokens.length));
  // The text and what the model says about it.
  expect(result.original).toBe(text);
  expect(textAfterEdits(text, result.edits)).toBe(result.perturbed);
  expect(result.originalProbabilities).toEqual(Array.from(toyRow(text)));
  expect(result.perturbedProbabilities).toEqual(Array.from(toyRow(result.perturbed)));
  // Status.
  if (argMax(toyRow(text)) !== label) {
    expect(result.status).toBe('skipped');
    expect(result.queries).toBe(1);
    expect(result.edits).toEqual([]);
  } else {
    expect(result.status).toBe(argMax(toyRow(result.perturbed)) !== label ? 'succeeded' : 'failed');
  }
  // Each edit: allowed, where it says, and each one strictly raised the mass of the other class.
  let previousMass = otherClassMass(toyRow(text), label);
  const replacedIndices = new Set<number>();
  result.edits.forEach((edit, k) => {
    expect(opts.transformations).toContain(edit.transformation);
    if (edit.kind === 'insert') {
      expect(edit).toMatchObject({ tokenIndex: -1, start: 0, end: 0, before: '', transformation: 'good-words' });
      expect(GOOD_WORDS).toContain(edit.after);
    } else {
      const token = tokens[edit.tokenIndex];
      expect([edit.start, edit.end]).toEqual([token.start, token.end]);
      expect(edit.before).toBe(text.slice(edit.start, edit.end));
      expect(edit.after).not.toBe(edit.before);
      expect(replacedIndices.has(edit.tokenIndex)).toBe(false);
      replacedIndices.add(edit.tokenIndex);
      if (opts.skipStopWords) expect(isStopWord(edit.before)).toBe(false);
      if (edit.transformation === 'synonym') expect(synonyms(edit.before)).toContain(edit.after);
      if (edit.transformation === 'good-word-swap') expect(GOOD_WORDS).toContain(edit.after.toLowerCase());
    }
    const row = toyRow(textAfterEdits(text, result.edits.slice(0, k + 1)));
    expect(edit.probability).toBe(row[label]);
    const mass = otherClassMass(row, label);
    expect(mass).toBeGreaterThan(previousMass);
    previousMass = mass;
  });
  // Edit distance: only the character and Unicode edits count, and they stay within the budget.
  const typed = result.edits.filter((e) => TRANSFORMATIONS[e.transformation].family !== 'word');
  expect(result.editDistance).toBe(typed.reduce((sum, e) => sum + editDistance(e.before, e.after), 0));
  expect(result.editDistance).toBeLessThanOrEqual(opts.maxEditDistance);
  if (opts.maxEditDistance === 0) expect(typed).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------------

describe('wordBudget', () => {
  it('is zero without a positive share or without words', () => {
    expect(wordBudget(0, 10)).toBe(0);
    expect(wordBudget(-0.5, 10)).toBe(0);
    expect(wordBudget(Number.NaN, 10)).toBe(0);
    expect(wordBudget(0.5, 0)).toBe(0);
  });

  it('gives at least one word for any positive share', () => {
    expect(wordBudget(1e-6, 10)).toBe(1);
    expect(wordBudget(0.01, 3)).toBe(1);
  });

  it('rounds the share of the word count down, without losing a word to floating point', () => {
    expect(wordBudget(0.1, 25)).toBe(2);
    expect(wordBudget(0.15, 200)).toBe(30);
    expect(wordBudget(0.15, 13)).toBe(1);
    expect(wordBudget(1, 7)).toBe(7);
    // 0.29 * 100 is 28.999999999999996 in floating point.
    expect(0.29 * 100).toBeLessThan(29);
    expect(wordBudget(0.29, 100)).toBe(29);
    expect(wordBudget(0.57, 100)).toBe(57);
  });
});

describe('otherClassMass', () => {
  it('sums the other entries of the row', () => {
    expect(otherClassMass([0.2, 0.3, 0.5], 2)).toBeCloseTo(0.5, 12);
    expect(otherClassMass([0.2, 0.3, 0.5], 0)).toBeCloseTo(0.8, 12);
  });

  it('stays positive where 1 - p(true) rounds to 0 in float32 (margin 30)', () => {
    const row = Float32Array.of(Math.exp(-30) / (1 + Math.exp(-30)), 1 / (1 + Math.exp(-30)));
    expect(row[1]).toBe(1);
    expect(1 - row[1]).toBe(0);
    expect(otherClassMass(row, 1)).toBeGreaterThan(0);
    expect(otherClassMass(row, 1) / Math.exp(-30)).toBeCloseTo(1, 5);
  });

  it('keeps the search going on a text the toy is sure about (float32 spam probability exactly 1)', async () => {
    const text = Array(12).fill('viagra').join(' '); // spam logit 36
    const toy = countingToy();
    const opts = options({ transformations: ['delete'], ranking: 'deletion', maxWordShare: 1 });
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
    // The first six edits (logit 33.5 down to 21) left p(spam) at 1 in float32, so 1 - p saw no change; each one
    // was still taken, since it lowered the logit by 2.5.
    expect(result.edits).toHaveLength(12);
    expect(result.edits.slice(0, 6).every((e) => e.probability === 1)).toBe(true);
    expect(result.edits[11].probability).toBeLessThan(1);
    expect(spamScore(result.perturbed)).toBe(12 * UNKNOWN_WEIGHT);
    expect(result.stopReason).toBe('word-budget');
    checkResult(text, SPAM, opts, result, toy.scored());
  });
});

describe('textAfterEdits', () => {
  it('replaces spans of the original in any order and puts insertions first, in order', () => {
    const text = 'Get cheap viagra now!';
    const edits = [
      { kind: 'replace' as const, start: 10, end: 16, after: 'v1agra' },
      { kind: 'insert' as const, start: 0, end: 0, after: 'thanks' },
      { kind: 'replace' as const, start: 4, end: 9, after: 'chaep' },
      { kind: 'insert' as const, start: 0, end: 0, after: 'meeting' },
    ];
    expect(textAfterEdits(text, edits)).toBe('thanks meeting Get chaep v1agra now!');
    expect(textAfterEdits(text, [])).toBe(text);
  });
});

describe('attackText on a toy filter', () => {
  it('keeps every contract for any text, label and budget (property)', async () => {
    const word = fc.constantFrom('viagra', 'Viagra', 'cheap', 'FREE', 'free', 'winner', 'prize', 'the', 'and', 'meeting', 'thanks', 'offer', 'now', 'ab');
    const separator = fc.constantFrom(' ', ', ', '\n', '! ');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(word, separator), { maxLength: 24 }),
        fc.constantFrom(HAM, SPAM),
        fc.record({
          transformations: fc.subarray(TRANSFORMATION_IDS, { minLength: 1 }),
          ranking: fc.constantFrom('deletion' as const, 'gradient' as const, 'random' as const),
          maxWordShare: fc.double({ min: 0, max: 1, noNaN: true }),
          maxEditDistance: fc.integer({ min: 0, max: 8 }),
          maxQueries: fc.integer({ min: 1, max: 40 }),
          candidatesPerWord: fc.integer({ min: 1, max: 3 }),
          skipStopWords: fc.boolean(),
          goodWordCandidates: fc.integer({ min: 0, max: 4 }),
          repeatGoodWords: fc.boolean(),
        }),
        fc.integer(),
        async (parts, label, opts, seed) => {
          const text = parts.map(([w, s]) => w + s).join('');
          const toy = countingToy();
          const result = await attackText(text, label, opts, contextFor(toy.victim, seed));
          checkResult(text, label, opts, result, toy.scored());
        },
      ),
      { numRuns: 400 },
    );
  });

  it('skips a text the filter already gets wrong, after exactly one query', async () => {
    const toy = countingToy();
    const text = 'thanks for your meeting, cheap viagra'; // -3 + 0.5 + 0.5 - 4 + 2 + 3 = -1
    const result = await attackText(text, SPAM, options(), contextFor(toy.victim));
    expect(result).toMatchObject({ status: 'skipped', stopReason: 'misclassified', queries: 1, perturbed: text, edits: [] });
    expect(toy.calls).toEqual([[text]]);
  });

  it('flips the toy with the default attack, and reports what the filter says about the result', async () => {
    const text = 'Cheap viagra! Claim your free prize today, reply soon'; // spam logit 10.5, 9 words
    const toy = countingToy();
    const opts = options({ maxWordShare: 0.4, repeatGoodWords: true });
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim, 3));
    // "meeting" (-4) beats every typo and synonym (at most -2.5): 10.5 - 3 * 4 < 0 within the 3 words allowed.
    expect(result.edits.map((e) => e.after)).toEqual(['meeting', 'meeting', 'meeting']);
    expect(result.status).toBe('succeeded');
    expect(result.stopReason).toBe('label-flipped');
    expect(spamScore(result.perturbed)).toBeLessThan(0);
    checkResult(text, SPAM, opts, result, toy.scored());
  });

  it('is deterministic for a seed', async () => {
    const text = 'Cheap viagra, free prize for the winner: offer ends soon so reply today and claim it now';
    for (const ranking of ['deletion', 'gradient', 'random'] as const) {
      const opts = options({
        ranking,
        transformations: ['swap', 'delete', 'keyboard', 'homoglyph', 'invisible', 'synonym', 'good-words'],
        candidatesPerWord: 3,
      });
      const first = await attackText(text, SPAM, opts, contextFor(countingToy().victim, 11));
      const second = await attackText(text, SPAM, opts, contextFor(countingToy().victim, 11));
      expect(second).toEqual(first);
      expect(first.edits.length).toBeGreaterThan(0);
    }
  });

  it('refuses to start without what a choice needs', async () => {
    const victim = countingToy().victim;
    const bare = { victim, rng: createRng(1) };
    await expect(attackText('cheap viagra', SPAM, options({ ranking: 'gradient', transformations: ['swap'] }), bare)).rejects.toThrow(
      'The gradient ranking needs white-box access to the model.',
    );
    await expect(attackText('cheap viagra', SPAM, options({ ranking: 'deletion', transformations: ['synonym'] }), bare)).rejects.toThrow(/synonym table/);
    await expect(attackText('cheap viagra', SPAM, options({ ranking: 'deletion', transformations: ['good-words'] }), bare)).rejects.toThrow(/good words/);
    await expect(attackText('cheap viagra', SPAM, options({ ranking: 'deletion', transformations: ['good-word-swap'] }), bare)).rejects.toThrow(/good words/);
    await expect(attackText('cheap viagra', SPAM, options({ transformations: [] }), contextFor(victim))).rejects.toThrow(/at least one/);
  });
});

describe('word ranking', () => {
  const text = 'thanks, the cheap viagra is free and the winner gets a prize';
  //            thanks  the cheap viagra is  free and the winner gets a  prize
  // weights:   -3      5   2     3      .5  2    5   5   2      .5   .5 1   (stop words: the, is, and, a)

  it('deletion: one query per distinct eligible word, each the text without that word, and the heaviest word first', async () => {
    const toy = countingToy();
    const opts = options({ ranking: 'deletion', transformations: ['delete'], maxWordShare: 1 });
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
    const tokens = tokenize(text).tokens;
    const eligible = [...new Set(tokens.map((t) => t.text).filter((w) => !isStopWord(w)))];
    expect(eligible).toEqual(['thanks', 'cheap', 'viagra', 'free', 'winner', 'gets', 'prize']);
    // The original, then the ranking batch.
    expect(toy.calls[0]).toEqual([text]);
    expect(toy.calls[1]).toHaveLength(eligible.length);
    expect(toy.calls[1].map(spamScore)).toEqual(eligible.map((w) => spamScore(text) - weightOf(w)));
    expect(result.edits[0].before).toBe('viagra');
    // Then the words by weight (ties by position): viagra, cheap, free, winner, prize; "gets" (unknown) cannot gain.
    expect(result.edits.map((e) => e.before.toLowerCase())).toEqual(['viagra', 'cheap', 'free', 'winner', 'prize']);
    checkResult(text, SPAM, opts, result, toy.scored());
  });

  it('deletion: a word that occurs twice is scored once', async () => {
    const toy = countingToy();
    await attackText('free free viagra free', SPAM, options({ ranking: 'deletion', transformations: ['swap'] }), contextFor(toy.victim));
    expect(toy.calls[1]).toEqual([' free viagra free', 'free free  free']);
  });

  it('deletion: the ranking leaves one query of the budget for the search', async () => {
    const toy = countingToy();
    const opts = options({ ranking: 'deletion', transformations: ['delete'], maxWordShare: 1, maxQueries: 4 });
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
    expect(toy.calls.map((c) => c.length)).toEqual([1, 2, 1]);
    expect(result.queries).toBe(4);
    expect(result.stopReason).toBe('query-budget');
    checkResult(text, SPAM, opts, result, toy.scored());
  });

  it('stop words are never edited when skipped, and are when not (heaviest first)', async () => {
    const skipping = countingToy();
    const skipped = await attackText(text, SPAM, options({ ranking: 'deletion', transformations: ['delete'], maxWordShare: 1 }), contextFor(skipping.victim));
    expect(replaced(skipped).some((e) => isStopWord(e.before))).toBe(false);
    const notSkipping = countingToy();
    const opts = options({ ranking: 'deletion', transformations: ['delete'], maxWordShare: 1, skipStopWords: false });
    const result = await attackText(text, SPAM, opts, contextFor(notSkipping.victim));
    // "the" (weight 5) leads the ranking; "and" too, but the ties go by position.
    expect(result.edits[0].before).toBe('the');
    expect(
      replaced(result)
        .filter((e) => isStopWord(e.before))
        .map((e) => e.before),
    ).toEqual(['the', 'and', 'the']);
    // Ranking costs one query per distinct word now that stop words count too ("a" cannot be changed by a deletion).
    expect(notSkipping.calls[1]).toHaveLength(new Set(tokenize(text).tokens.map((t) => t.text)).size);
    checkResult(text, SPAM, opts, result, notSkipping.scored());
  });

  it('gradient: no query, and the words in the order wordGain gives', async () => {
    const gainText = 'viagra cheap free winner prize'; // every word weighs more than an unknown word
    const gains = Float32Array.of(1, 5, 3, 2, 4);
    const seen: Array<[string, number]> = [];
    const wordGain: WordGain = async (t, trueClass) => {
      seen.push([t, trueClass]);
      return gains;
    };
    const toy = countingToy();
    const opts = options({ ranking: 'gradient', transformations: ['homoglyph'], maxWordShare: 1 });
    const result = await attackText(gainText, SPAM, opts, contextFor(toy.victim, 1, { wordGain }));
    expect(seen).toEqual([[gainText, SPAM]]);
    expect(result.edits.map((e) => e.tokenIndex)).toEqual([1, 4, 2, 3, 0]);
    // One query for the original, then one per homoglyph candidate.
    expect(result.queries).toBe(1 + 5);
    expect(result.edits.every((e) => e.transformation === 'homoglyph')).toBe(true);
    checkResult(gainText, SPAM, opts, result, toy.scored());
  });

  it('gradient: tokens past the gains (past the model input) rank as gain 0', async () => {
    const gainText = 'viagra cheap free winner prize';
    const wordGain: WordGain = async () => Float32Array.of(-1, -2, 0.5); // tokens 3 and 4 unread: gain 0
    const result = await attackText(
      gainText,
      SPAM,
      options({ ranking: 'gradient', transformations: ['homoglyph'], maxWordShare: 1 }),
      contextFor(countingToy().victim, 1, { wordGain }),
    );
    expect(result.edits.map((e) => e.tokenIndex)).toEqual([2, 3, 4, 0, 1]);
  });

  it('random: a permutation of the eligible words, the same for the same seed', async () => {
    const gainText = 'viagra cheap free winner prize';
    const orderFor = async (seed: number) => {
      const result = await attackText(
        gainText,
        SPAM,
        options({ ranking: 'random', transformations: ['homoglyph'], maxWordShare: 1 }),
        contextFor(countingToy().victim, seed),
      );
      return result.edits.map((e) => e.tokenIndex);
    };
    const orders = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(orderFor));
    for (const order of orders) expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await orderFor(3)).toEqual(orders[2]);
    expect(new Set(orders.map((o) => o.join())).size).toBeGreaterThan(1);
  });
});

describe('transformations', () => {
  it('maxEditDistance 0 leaves only synonyms and good words', async () => {
    const text = 'Cheap viagra, free prize for the winner: offer ends soon';
    const toy = countingToy();
    const opts = options({ maxEditDistance: 0, maxWordShare: 1, transformations: ['swap', 'delete', 'homoglyph', 'invisible', 'synonym', 'good-words'] });
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
    expect(result.edits.length).toBeGreaterThan(0);
    expect(result.edits.every((e) => e.transformation === 'synonym' || e.transformation === 'good-words')).toBe(true);
    expect(result.editDistance).toBe(0);
    checkResult(text, SPAM, opts, result, toy.scored());
  });

  it('spends the edit distance budget no further than allowed', async () => {
    const text = Array(10).fill('viagra winner').join(' ');
    const toy = countingToy();
    const opts = options({ transformations: ['swap'], ranking: 'deletion', maxWordShare: 1, maxEditDistance: 5, maxQueries: 1000 });
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
    // Each swap costs 2: two of them fit in 5.
    expect(result.edits).toHaveLength(2);
    expect(result.editDistance).toBe(4);
    expect(result.stopReason).toBe('words-exhausted');
    checkResult(text, SPAM, opts, result, toy.scored());
  });

  it('homoglyphs change what the bare toy reads but not what it reads behind the normalizer', async () => {
    const text = 'viagra thanks offer'; // 3 - 3 + 0.5; with a look-alike in viagra, 0.5 - 3 + 0.5
    const result = await attackText(
      text,
      SPAM,
      options({ transformations: ['homoglyph'], ranking: 'deletion', maxWordShare: 1 }),
      contextFor(countingToy().victim),
    );
    expect(result.status).toBe('succeeded');
    expect([...result.perturbed].some((ch) => Object.values(HOMOGLYPHS).flat().includes(ch))).toBe(true);
    const defended = withNormalizer(countingToy().victim);
    expect(await defended.probabilities([result.perturbed])).toEqual([toyRow(text)]);
  });

  describe('good words', () => {
    const text = 'viagra viagra viagra cheap cheap'; // spam logit 13

    it('are inserted at the start, distinct and not already in the text, when they may not repeat', async () => {
      const toy = countingToy();
      const opts = options({ transformations: ['good-words'], goodWordCandidates: 1, maxWordShare: 1, repeatGoodWords: false });
      const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
      // One candidate a step, the list in order: 13 - 3 - 4 - 2 - 1 = 3 is still spam, and the list is used up.
      expect(result.edits.map((e) => e.after)).toEqual(GOOD_WORDS);
      expect(result.perturbed).toBe(`${GOOD_WORDS.join(' ')} ${text}`);
      expect(result).toMatchObject({ status: 'failed', stopReason: 'words-exhausted', queries: 1 + 4 });
      checkResult(text, SPAM, opts, result, toy.scored());

      const withThanks = 'thanks ' + Array(3).fill(text).join(' ');
      const again = await attackText(withThanks, SPAM, opts, contextFor(countingToy().victim));
      expect(again.edits.map((e) => e.after)).not.toContain('thanks');
      expect(again.edits[0].after).toBe('meeting');
    });

    it('may repeat the best one when allowed', async () => {
      const toy = countingToy();
      const opts = options({ transformations: ['good-words'], goodWordCandidates: 2, maxWordShare: 1, repeatGoodWords: true });
      const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
      // "meeting" (-4) beats "thanks" (-3) every time: 13 - 4k < 0 first for k = 4.
      expect(result.edits.map((e) => e.after)).toEqual(['meeting', 'meeting', 'meeting', 'meeting']);
      expect(result.perturbed.startsWith('meeting meeting meeting meeting viagra')).toBe(true);
      expect(result.status).toBe('succeeded');
      // Each step offers both candidates: 1 + 4 * 2 queries.
      expect(result.queries).toBe(9);
      checkResult(text, SPAM, opts, result, toy.scored());
    });
  });

  describe('good-word swap', () => {
    it('replaces the most important words by the best good word, in their case: one word each, no edit distance', async () => {
      const text = 'Cheap VIAGRA, free prize for you'; // 2 + 3 + 2 + 1 + 0.5 + 0.5 = 9
      const toy = countingToy();
      const opts = options({ transformations: ['good-word-swap'], goodWordCandidates: 1, maxWordShare: 0.5, repeatGoodWords: true });
      const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
      // viagra (3) goes first, then cheap (2, before free by position): 9 - 3 - 3 = 3, then 3 - 2 - 3 = -2.
      expect(result.edits.map(({ kind, tokenIndex, before, after, transformation }) => ({ kind, tokenIndex, before, after, transformation }))).toEqual([
        { kind: 'replace', tokenIndex: 1, before: 'VIAGRA', after: 'THANKS', transformation: 'good-word-swap' },
        { kind: 'replace', tokenIndex: 0, before: 'Cheap', after: 'Thanks', transformation: 'good-word-swap' },
      ]);
      expect(result.perturbed).toBe('Thanks THANKS, free prize for you');
      expect(result).toMatchObject({ status: 'succeeded', perturbedWords: 2, editDistance: 0, queries: 1 + 2 });
      checkResult(text, SPAM, opts, result, toy.scored());
    });

    it('flips a short message within one word, where inserting the same good words cannot', async () => {
      const text = 'viagra cheap prize'; // 6; one word allowed at 10%
      const budget = { goodWordCandidates: 2, maxWordShare: 0.1, repeatGoodWords: true };
      const inserting = options({ ...budget, transformations: ['good-words'] });
      const inserted = await attackText(text, SPAM, inserting, contextFor(countingToy().victim));
      // The best insertion, "meeting": 6 - 4 = 2, still spam.
      expect(inserted).toMatchObject({ status: 'failed', stopReason: 'word-budget', perturbedWords: 1 });
      const toy = countingToy();
      const both = options({ ...budget, transformations: ['good-word-swap', 'good-words'] });
      const swapped = await attackText(text, SPAM, both, contextFor(toy.victim));
      // Swapping viagra for "meeting" takes 3 out and puts -4 in: 6 - 3 - 4 = -1.
      expect(swapped.edits).toMatchObject([{ kind: 'replace', before: 'viagra', after: 'meeting', transformation: 'good-word-swap' }]);
      expect(swapped.perturbed).toBe('meeting cheap prize');
      // One step: two swaps and two insertions offered.
      expect(swapped).toMatchObject({ status: 'succeeded', perturbedWords: 1, editDistance: 0, queries: 1 + 4 });
      checkResult(text, SPAM, both, swapped, toy.scored());
    });

    it('stops at the word budget, however much spam is left', async () => {
      const text = 'viagra viagra cheap cheap free free winner winner prize prize'; // 20, one word allowed at 10%
      const toy = countingToy();
      const opts = options({ transformations: ['good-word-swap'], goodWordCandidates: 4, maxWordShare: 0.1, repeatGoodWords: true });
      const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
      expect(result).toMatchObject({ status: 'failed', stopReason: 'word-budget', perturbedWords: 1, editDistance: 0, queries: 1 + 4 });
      expect(result.edits).toMatchObject([{ tokenIndex: 0, before: 'viagra', after: 'meeting' }]);
      checkResult(text, SPAM, opts, result, toy.scored());
    });

    it('swaps in distinct words not already in the text when they may not repeat', async () => {
      const text = 'thanks viagra viagra cheap cheap free'; // -3 + 6 + 4 + 2 = 9
      const toy = countingToy();
      const opts = options({ transformations: ['good-word-swap'], goodWordCandidates: 1, maxWordShare: 1, repeatGoodWords: false });
      const result = await attackText(text, SPAM, opts, contextFor(toy.victim));
      // "thanks" is in the text: 9 - 3 - 4 = 2 with "meeting", then 2 - 3 - 2 = -3 with "seminar".
      expect(result.edits.map((e) => [e.before, e.after])).toEqual([
        ['viagra', 'meeting'],
        ['viagra', 'seminar'],
      ]);
      expect(result.status).toBe('succeeded');
      checkResult(text, SPAM, opts, result, toy.scored());
    });
  });
});

describe('cancelling', () => {
  it('stops between steps and says so', async () => {
    const text = Array(10).fill('viagra cheap').join(' ');
    let steps = 0;
    const toy = countingToy();
    const opts = options({ transformations: ['delete'], ranking: 'gradient', maxWordShare: 1 });
    const stop = new AbortController();
    const onStep = () => {
      if (++steps > 3) stop.abort();
    };
    const result = await attackText(text, SPAM, opts, contextFor(toy.victim, 1, { control: { signal: stop.signal, onStep } }));
    expect(result).toMatchObject({ status: 'failed', stopReason: 'cancelled' });
    expect(result.edits).toHaveLength(3);
    checkResult(text, SPAM, opts, result, toy.scored());
  });
});
