import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TextVictim } from './attack';
import { DEFAULT_TEXT_ATTACK, type TextAttackOptions } from './recipe';
import { normalizedWordGain, runTextBatch, summarize, type BatchAttack, type BatchRow, type ExampleOutcome, type LabelledText } from './batch';
import { normalizeText } from './normalize';
import { spamScore, toyRow, toyWordGain } from './testHelpers';
import { tokenize } from './tokenizer';

// The toy spam filter of ./testHelpers: the spam logit is the sum of per-word weights, unknown words weigh 0.5.
const toy: TextVictim = { probabilities: async (texts) => texts.map(toyRow) };

/** What the toy says about a text, as the class it picks (ties go to ham, as argmax picks the first). */
const toyLabel = (text: string) => (spamScore(text) > 0 ? 1 : 0);

const attack = (id: string, overrides: Partial<TextAttackOptions>): BatchAttack => ({
  id,
  label: id,
  options: { ...DEFAULT_TEXT_ATTACK, ranking: 'gradient', maxWordShare: 0.5, ...overrides },
});
const HOMOGLYPHS_ONLY = attack('homoglyph', { transformations: ['homoglyph'] });
const TYPOS = attack('typos', { transformations: ['swap', 'delete'] });

const rowOf = (rows: BatchRow[], attackId: string, setting: string) => rows.find((r) => r.attackId === attackId && r.setting === setting)!;
const statuses = (row: BatchRow) => row.outcomes.map((o) => o.status);

function outcome(status: ExampleOutcome['status'], queries: number, wordCount: number, perturbedWords: number) {
  return { status, queries, wordCount, perturbedWords };
}

describe('summarize', () => {
  it("gives TextAttack's numbers for handmade outcomes", () => {
    const summary = summarize([
      outcome('succeeded', 10, 20, 2), // 10% of the words
      outcome('succeeded', 30, 10, 3), // 30%
      outcome('failed', 50, 40, 4),
      outcome('skipped', 1, 5, 0),
      outcome('failed', 20, 8, 1),
    ]);
    expect(summary).toEqual({
      examples: 5,
      succeeded: 2,
      failed: 2,
      skipped: 1,
      originalAccuracy: 4 / 5,
      accuracyUnderAttack: 2 / 5,
      successRate: 2 / 4,
      averagePerturbedWordPercent: (10 + 30) / 2, // successes only
      averageQueries: (10 + 30 + 50 + 20) / 4, // not the skipped one
      averageWords: (20 + 10 + 40 + 5 + 8) / 5,
    });
  });

  it('gives zeros rather than NaN when nothing was attacked', () => {
    expect(summarize([])).toMatchObject({
      examples: 0,
      originalAccuracy: 0,
      accuracyUnderAttack: 0,
      successRate: 0,
      averagePerturbedWordPercent: 0,
      averageQueries: 0,
      averageWords: 0,
    });
    const skipped = summarize([outcome('skipped', 1, 3, 0), outcome('skipped', 1, 5, 0)]);
    expect(skipped).toMatchObject({ originalAccuracy: 0, accuracyUnderAttack: 0, successRate: 0, averageQueries: 0, averageWords: 4 });
  });

  it('counts a success on an empty text against one word', () => {
    expect(summarize([outcome('succeeded', 3, 0, 1)]).averagePerturbedWordPercent).toBe(100);
  });
});

describe('normalizedWordGain', () => {
  it('ranks the text the model behind the normalizer reads, unless the normalizer changed the word count', async () => {
    const seen: string[] = [];
    const gain = normalizedWordGain(async (text) => {
      seen.push(text);
      return new Float32Array(tokenize(text).tokens.length);
    });
    await gain('v\u0456agra offer', 1); // a look-alike: the same two words once folded
    await gain('vi\u200bagra offer', 1); // an invisible character: three words, two once removed
    expect(seen).toEqual(['viagra offer', 'vi\u200bagra offer']);
  });
});

describe('runTextBatch on a toy filter', () => {
  const EXAMPLES: LabelledText[] = [
    { text: 'viagra thanks offer', label: 1 }, // 3 - 3 + 0.5
    { text: 'free prize, thanks offer', label: 1 }, // 2 + 1 - 3 + 0.5
    { text: 'thanks, meeting at noon', label: 0 }, // -3 - 4 + 0.5 + 0.5
    { text: 'cheap viagra now', label: 1 }, // 5.5: three unknown words still weigh 1.5
    { text: 'thanks viagra', label: 1 }, // 0: the toy says ham
  ];
  const plan = {
    examples: EXAMPLES,
    attacks: [HOMOGLYPHS_ONLY, TYPOS],
    settings: ['none', 'normalizer', 'adaptive'] as const,
    budgets: [0, 0.25, 0.5],
    seed: 5,
  };

  it('judges homoglyphs that fool the bare toy as failures behind the normalizer, and the adaptive attacker cannot use them', async () => {
    const { rows, completed, cancelled } = await runTextBatch(plan, { model: toy, wordGain: toyWordGain });
    expect([completed, cancelled]).toEqual([EXAMPLES.length, false]);
    expect(rows.map((r) => `${r.attackId}/${r.setting}`)).toEqual([
      'homoglyph/none',
      'homoglyph/normalizer',
      'homoglyph/adaptive',
      'typos/none',
      'typos/normalizer',
      'typos/adaptive',
    ]);
    const bare = rowOf(rows, 'homoglyph', 'none');
    expect(statuses(bare)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'skipped']);
    // The same crafted texts, folded back by the normalizer: every success becomes a failure.
    const unaware = rowOf(rows, 'homoglyph', 'normalizer');
    expect(statuses(unaware)).toEqual(['failed', 'failed', 'failed', 'failed', 'skipped']);
    expect(unaware.outcomes.map((o) => [o.queries, o.edits])).toEqual(bare.outcomes.map((o) => [o.queries, o.edits]));
    expect(unaware.outcomes.every((o) => o.finalProbability === o.originalProbability)).toBe(true);
    const adaptive = rowOf(rows, 'homoglyph', 'adaptive');
    expect(statuses(adaptive)).not.toContain('succeeded');
    expect(adaptive.outcomes.every((o) => o.edits.length === 0)).toBe(true);
    expect(adaptive.summary.successRate).toBe(0);
    expect(unaware.summary.successRate).toBe(0);
    expect(bare.summary.successRate).toBe(3 / 4);
  });

  it('lets typos through the normalizer: they flip the toy in the adaptive setting too', async () => {
    const { rows } = await runTextBatch(plan, { model: toy, wordGain: toyWordGain });
    for (const setting of ['none', 'normalizer', 'adaptive']) {
      const row = rowOf(rows, 'typos', setting);
      expect(statuses(row)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'skipped']);
      for (const o of row.outcomes.filter((x) => x.status === 'succeeded')) {
        expect(o.edits.every((e) => e.transformation === 'swap' || e.transformation === 'delete')).toBe(true);
      }
    }
  });

  it('draws curves from the clean accuracy at budget 0 to the accuracy under attack at the full share, never rising (property)', async () => {
    const word = fc.constantFrom('viagra', 'cheap', 'FREE', 'winner', 'prize', 'thanks', 'meeting', 'regards', 'the', 'offer', 'now');
    const example = fc.record({ text: fc.array(word, { minLength: 1, maxLength: 12 }).map((w) => w.join(' ')), label: fc.constantFrom(0, 1) });
    await fc.assert(
      fc.asyncProperty(fc.array(example, { minLength: 1, maxLength: 6 }), fc.integer(), async (examples, seed) => {
        const attacks = [
          attack('unicode', { transformations: ['homoglyph', 'invisible'], ranking: 'deletion', maxWordShare: 0.4 }),
          attack('mixed', { transformations: ['swap', 'homoglyph', 'good-words'], maxWordShare: 0.4, maxQueries: 30 }),
        ];
        const { rows, completed } = await runTextBatch(
          { examples, attacks, settings: ['none', 'normalizer', 'adaptive'], budgets: [0, 0.1, 0.2, 0.4], seed },
          { model: toy, wordGain: toyWordGain, goodWords: ['thanks', 'meeting'] },
        );
        expect(completed).toBe(examples.length);
        for (const row of rows) {
          expect(row.outcomes.map((o) => o.index)).toEqual(examples.map((_, i) => i));
          const judge = (text: string) => toyLabel(row.setting === 'none' ? text : normalizeText(text).text);
          const clean = examples.filter((e) => judge(e.text) === e.label).length / examples.length;
          expect(row.curve.map((c) => c.budget)).toEqual([0, 0.1, 0.2, 0.4]);
          expect(row.curve[0].accuracy).toBe(clean);
          expect(row.summary.originalAccuracy).toBe(clean);
          // In this toy each kept edit moves the judge's margin the attacker's way or (once normalized) not at all.
          for (let b = 1; b < row.curve.length; b++) expect(row.curve[b].accuracy).toBeLessThanOrEqual(row.curve[b - 1].accuracy);
          const share = attacks.find((a) => a.id === row.attackId)!.options.maxWordShare;
          const atShare = row.curve.find((c) => c.budget === share)!;
          expect(atShare.accuracy).toBeCloseTo(row.summary.accuracyUnderAttack, 12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stops between examples when cancelled and keeps the same examples in every row', async () => {
    const k = 2;
    const stop = new AbortController();
    const progress: Array<[number, string | undefined]> = [];
    const result = await runTextBatch(
      plan,
      { model: toy, wordGain: toyWordGain },
      {
        signal: stop.signal,
        onProgress: (fraction, message) => {
          progress.push([fraction, message]);
          if (fraction * EXAMPLES.length >= k) stop.abort();
        },
      },
    );
    expect(result.cancelled).toBe(true);
    expect(result.completed).toBe(k);
    expect(progress).toEqual([
      [1 / EXAMPLES.length, `1 of ${EXAMPLES.length} messages`],
      [2 / EXAMPLES.length, `2 of ${EXAMPLES.length} messages`],
    ]);
    for (const row of result.rows) {
      expect(row.outcomes.map((o) => o.index)).toEqual([0, 1]);
      expect(row.summary.examples).toBe(k);
      // Accuracy over the completed examples only: both are classified correctly before any edit.
      expect(row.curve[0].accuracy).toBe(1);
    }
  });

  it('leaves out an example whose attack was cut short by the cancel', async () => {
    // Cancel as soon as the toy scores the second example: its attacks stop early and it must not count.
    const stop = new AbortController();
    const watching: TextVictim = {
      probabilities: async (texts) => {
        if (texts.includes(EXAMPLES[1].text)) stop.abort();
        return toy.probabilities(texts);
      },
    };
    const result = await runTextBatch(plan, { model: watching, wordGain: toyWordGain }, { signal: stop.signal });
    expect(result).toMatchObject({ cancelled: true, completed: 1 });
    for (const row of result.rows) expect(row.outcomes.map((o) => o.index)).toEqual([0]);
  });

  it('refuses a budget above the word share of an attack', async () => {
    await expect(runTextBatch({ ...plan, budgets: [0, 0.6] }, { model: toy, wordGain: toyWordGain })).rejects.toThrow(
      'The budget 0.6 is above the word share of "homoglyph" (0.5).',
    );
    const narrow = attack('narrow', { transformations: ['swap'], maxWordShare: 0.25 });
    await expect(runTextBatch({ ...plan, attacks: [HOMOGLYPHS_ONLY, narrow] }, { model: toy, wordGain: toyWordGain })).rejects.toThrow(/"narrow"/);
    // At the share itself it runs.
    await expect(runTextBatch({ ...plan, attacks: [narrow], budgets: [0, 0.25] }, { model: toy, wordGain: toyWordGain })).resolves.toMatchObject({
      completed: 5,
    });
  });
});
