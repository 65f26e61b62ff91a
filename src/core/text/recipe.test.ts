import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { attackText, introducesOnlyAllowed, type TextVictim } from './attack';
import { DEFAULT_TEXT_ATTACK, DEFAULT_TEXT_RECIPE, recipeFromOptions, resolveRecipe, type TextRecipe } from './recipe';
import { tokenize } from './tokenizer';

/** Spam logit: 3 per "viagra" or "cheap", 0.5 per other word (typos and look-alikes included). */
const toy: TextVictim = {
  probabilities: async (texts) =>
    texts.map((text) => {
      const s = tokenize(text).tokens.reduce((sum, t) => sum + (t.text === 'viagra' || t.text === 'cheap' ? 3 : 0.5), 0);
      return Float32Array.of(1 / (1 + Math.exp(s)), 1 / (1 + Math.exp(-s)));
    }),
};

const recipe = (overrides: Partial<TextRecipe> = {}): TextRecipe => ({ ...DEFAULT_TEXT_RECIPE, search: 'deletion', ...overrides });

describe('recipes', () => {
  it('map the flat options one to one, each transformation taking the options of its parameters', () => {
    expect(recipeFromOptions(DEFAULT_TEXT_ATTACK)).toEqual({
      transformations: [
        { id: 'swap', params: { candidatesPerWord: 1 } },
        { id: 'delete', params: { candidatesPerWord: 1 } },
        { id: 'keyboard', params: { candidatesPerWord: 1 } },
        { id: 'homoglyph', params: { candidatesPerWord: 1 } },
        { id: 'synonym', params: {} },
        { id: 'good-words', params: { goodWordCandidates: 3, repeatGoodWords: false } },
      ],
      constraints: { maxWordShare: 0.1, maxEditDistance: 30, maxQueries: 100, skipStopWords: true, allowedCharacters: 'any' },
      goal: 'untargeted',
      search: 'gradient',
    });
    // Plain data: what a link or a saved setup holds.
    expect(JSON.parse(JSON.stringify(DEFAULT_TEXT_RECIPE))).toEqual(DEFAULT_TEXT_RECIPE);
  });

  it('resolve in catalog order with defaults filled, whatever order they list', () => {
    const resolved = resolveRecipe(
      recipe({ transformations: [{ id: 'good-word-swap' }, { id: 'homoglyph', params: { candidatesPerWord: 4 } }, { id: 'swap' }] }),
    );
    expect(resolved.transformations.map((t) => [t.entry.id, t.params])).toEqual([
      ['swap', { candidatesPerWord: 1 }],
      ['homoglyph', { candidatesPerWord: 4 }],
      ['good-word-swap', { goodWordCandidates: 3, repeatGoodWords: false }],
    ]);
    expect(resolved.search.id).toBe('deletion');
    expect(resolved.goal.id).toBe('untargeted');
  });

  it('are refused with a message naming what is wrong', () => {
    expect(() => resolveRecipe(recipe({ transformations: [{ id: 'rot13' }] }))).toThrow(
      /There is no text transformation called "rot13"\. Choose one of: swap, delete, /,
    );
    expect(() => resolveRecipe(recipe({ transformations: [{ id: 'swap', params: { candidatesPerWord: 0 } }] }))).toThrow(
      'Draws per word (candidatesPerWord) must be between 1 and 20; got 0.',
    );
    const latin1 = { ...DEFAULT_TEXT_RECIPE.constraints, allowedCharacters: 'latin1' } as unknown as TextRecipe['constraints'];
    expect(() => resolveRecipe(recipe({ constraints: latin1 }))).toThrow(
      'Allowed characters (allowedCharacters) must be one of any, visible-ascii; got "latin1".',
    );
    expect(() => resolveRecipe(recipe({ constraints: { ...DEFAULT_TEXT_RECIPE.constraints, maxWordShare: 1.5 } }))).toThrow(
      /Max share of words \(maxWordShare\) must be between 0 and 1/,
    );
    expect(() => resolveRecipe(recipe({ search: 'beam' as never }))).toThrow(
      'There is no search method called "beam". Choose one of: deletion, gradient, random.',
    );
    expect(() => resolveRecipe(recipe({ transformations: [] }))).toThrow('Choose at least one transformation.');
  });

  it('give the same attack however their transformations are listed', async () => {
    const text = 'cheap viagra offer, cheap viagra now';
    const forward = recipe({
      transformations: [{ id: 'swap' }, { id: 'keyboard' }, { id: 'homoglyph' }],
      constraints: { ...DEFAULT_TEXT_RECIPE.constraints, maxWordShare: 1 },
    });
    const backward = { ...forward, transformations: [...forward.transformations].reverse() };
    const first = await attackText(text, 1, forward, { victim: toy, rng: createRng(4) });
    expect(first.edits.length).toBeGreaterThan(1);
    expect(await attackText(text, 1, backward, { victim: toy, rng: createRng(4) })).toEqual(first);
  });
});

describe('the allowed-characters constraint', () => {
  it('lets an edit bring in only visible ASCII, or any character', () => {
    expect(introducesOnlyAllowed('free', 'fr3e', 'visible-ascii')).toBe(true);
    expect(introducesOnlyAllowed('free', 'fr\u0435e', 'visible-ascii')).toBe(false); // Cyrillic ie
    expect(introducesOnlyAllowed('free', 'fr\u200bee', 'visible-ascii')).toBe(false); // zero-width space
    expect(introducesOnlyAllowed('free', 'fr ee', 'visible-ascii')).toBe(false); // a space is not visible
    expect(introducesOnlyAllowed('café', 'cfaé', 'visible-ascii')).toBe(true); // é was already there
    expect(introducesOnlyAllowed('free', 'fr\u0435e', 'any')).toBe(true);
  });

  it('leaves a look-alike attack nothing to do, and lets typos through', async () => {
    const text = 'cheap viagra offer';
    const constraints = { ...DEFAULT_TEXT_RECIPE.constraints, maxWordShare: 1, allowedCharacters: 'visible-ascii' as const };
    const lookAlikes = await attackText(text, 1, recipe({ transformations: [{ id: 'homoglyph' }, { id: 'invisible' }, { id: 'bidi' }], constraints }), {
      victim: toy,
      rng: createRng(1),
    });
    expect(lookAlikes).toMatchObject({ status: 'failed', edits: [], perturbed: text });
    const withAny = await attackText(text, 1, recipe({ transformations: [{ id: 'homoglyph' }], constraints: { ...constraints, allowedCharacters: 'any' } }), {
      victim: toy,
      rng: createRng(1),
    });
    expect(withAny.edits.length).toBeGreaterThan(0);
    const typos = await attackText(text, 1, recipe({ transformations: [{ id: 'swap' }, { id: 'leet' }], constraints }), { victim: toy, rng: createRng(1) });
    // Both spam words become unknown words (0.5 each): still spam for this toy, but every kept edit is plain ASCII.
    expect(typos.edits.map((e) => e.before).sort()).toEqual(['cheap', 'viagra']);
    expect(typos.perturbed).toMatch(/^[\x21-\x7e ]+$/);
  });
});
