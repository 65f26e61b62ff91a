import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { normalizeText } from './normalize';
import {
  applyToText,
  editDistance,
  HOMOGLYPHS,
  INVISIBLE_CHARACTERS,
  KEYBOARD_NEIGHBOURS,
  LEET,
  PERTURBATION_IDS,
  PERTURBATIONS,
  POP_DIRECTIONAL_FORMATTING,
  RIGHT_TO_LEFT_OVERRIDE,
} from './perturbations';
import { tokenize } from './tokenizer';

const WORDS = ['free', 'money', 'Viagra', 'winner', 'CLICK', 'password', 'offer', 'casino'];
const SEEDS = Array.from({ length: 25 }, (_, i) => i * 7919 + 1);

/** Every (word, seed) output of one perturbation on the sample words. */
function outputs(id: keyof typeof PERTURBATIONS): Array<{ word: string; out: string }> {
  return WORDS.flatMap((word) =>
    SEEDS.map((seed) => {
      const out = PERTURBATIONS[id].apply(word, createRng(seed));
      if (out === undefined) throw new Error(`${id} should apply to ${word}`);
      return { word, out };
    }),
  );
}

/** Positions (in code points) where two equally long words differ. */
function differingPositions(a: string, b: string): number[] {
  const x = Array.from(a);
  const y = Array.from(b);
  expect(y.length).toBe(x.length);
  return x.flatMap((ch, i) => (ch === y[i] ? [] : [i]));
}

/** Removes one code point at `index`. */
function without(word: string, index: number): string {
  const chars = Array.from(word);
  return [...chars.slice(0, index), ...chars.slice(index + 1)].join('');
}

/** An index at which `longer` has one extra code point compared with `shorter`, inner positions first ("ffree"). */
function insertedIndex(shorter: string, longer: string): number {
  const n = Array.from(longer).length;
  const order = [...Array.from({ length: n - 2 }, (_, k) => k + 1), 0, n - 1];
  for (const i of order) if (without(longer, i) === shorter) return i;
  throw new Error(`${longer} is not ${shorter} with one insertion`);
}

const stripInvisible = (text: string) => text.replace(/[\u200b-\u200d]/g, '');

describe('editDistance', () => {
  it('is Levenshtein distance on code points', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('free', 'fere')).toBe(2); // a transposition is two edits
    expect(editDistance('a😀b', 'ab')).toBe(1); // an emoji is one code point, two UTF-16 units
    expect(editDistance('a😀b', 'a😁b')).toBe(1);
  });
});

describe('swap', () => {
  it('exchanges two adjacent inner letters and keeps the first and last (Levenshtein distance 2)', () => {
    for (const { word, out } of outputs('swap')) {
      const [i, j, ...rest] = differingPositions(word, out);
      expect(rest).toEqual([]);
      expect(j).toBe(i + 1);
      expect(i).toBeGreaterThanOrEqual(1);
      expect(j).toBeLessThanOrEqual(word.length - 2);
      expect(out[i]).toBe(word[j]);
      expect(out[j]).toBe(word[i]);
      expect(editDistance(word, out)).toBe(2);
    }
  });

  it('does not apply when there is no inner pair of different letters', () => {
    const rng = createRng(1);
    for (const word of ['', 'a', 'ab', 'abc', 'aaaa', 'a12b']) expect(PERTURBATIONS.swap.apply(word, rng)).toBeUndefined();
  });
});

describe('delete', () => {
  it('removes one inner letter (distance 1)', () => {
    for (const { word, out } of outputs('delete')) {
      expect(out.length).toBe(word.length - 1);
      expect(editDistance(word, out)).toBe(1);
      expect(out[0]).toBe(word[0]);
      expect(out[out.length - 1]).toBe(word[word.length - 1]);
    }
  });

  it('does not apply to words of two letters or fewer', () => {
    for (const word of ['', 'a', 'ab']) expect(PERTURBATIONS.delete.apply(word, createRng(1))).toBeUndefined();
  });
});

describe('insert', () => {
  it('adds one letter a-z inside the word, upper-case in an all-capitals word (distance 1)', () => {
    for (const { word, out } of outputs('insert')) {
      const at = insertedIndex(word, out);
      expect(at).toBeGreaterThanOrEqual(1);
      expect(at).toBeLessThanOrEqual(word.length - 1);
      expect(out[at]).toMatch(word === word.toUpperCase() ? /^[A-Z]$/ : /^[a-z]$/);
      expect(editDistance(word, out)).toBe(1);
    }
  });

  it('does not apply to a single character', () => {
    expect(PERTURBATIONS.insert.apply('a', createRng(1))).toBeUndefined();
  });
});

describe('keyboard', () => {
  it('replaces one letter by a QWERTY neighbour of the same case (distance 1)', () => {
    for (const { word, out } of outputs('keyboard')) {
      const [i, ...rest] = differingPositions(word, out);
      expect(rest).toEqual([]);
      expect(KEYBOARD_NEIGHBOURS[word[i].toLowerCase()]).toContain(out[i].toLowerCase());
      expect(out[i] === out[i].toUpperCase()).toBe(word[i] === word[i].toUpperCase());
    }
  });

  it('has a symmetric neighbour table over the 26 letters', () => {
    expect(Object.keys(KEYBOARD_NEIGHBOURS).sort().join('')).toBe('abcdefghijklmnopqrstuvwxyz');
    for (const [key, neighbours] of Object.entries(KEYBOARD_NEIGHBOURS)) {
      for (const n of neighbours) expect(KEYBOARD_NEIGHBOURS[n]).toContain(key);
    }
  });

  it('does not apply to words without ASCII letters', () => {
    expect(PERTURBATIONS.keyboard.apply('2024', createRng(1))).toBeUndefined();
    expect(PERTURBATIONS.keyboard.apply('שלום', createRng(1))).toBeUndefined();
  });
});

describe('leet', () => {
  it('replaces one letter by its leet digit (distance 1) and the normalizer decodes it', () => {
    const digits = new Set(Object.values(LEET));
    for (const { word, out } of outputs('leet')) {
      const [i, ...rest] = differingPositions(word, out);
      expect(rest).toEqual([]);
      expect(out[i]).toBe(LEET[word[i].toLowerCase()]);
      expect(digits.has(out[i])).toBe(true);
      // The case of a decoded letter is guessed from the others ("7om" -> "tom"), so compare case-blind too.
      expect(normalizeText(out).text.toLowerCase()).toBe(word.toLowerCase());
      if (word === word.toLowerCase() || word === word.toUpperCase()) expect(normalizeText(out).text).toBe(word);
    }
  });

  it('maps each digit from one letter only, so it can be inverted', () => {
    const digits = Object.values(LEET);
    expect(new Set(digits).size).toBe(digits.length);
  });

  it('does not apply to words without a mappable letter', () => {
    expect(PERTURBATIONS.leet.apply('mum', createRng(1))).toBeUndefined();
  });
});

describe('homoglyph', () => {
  const lookAlikes = new Set(Object.values(HOMOGLYPHS).flat());

  it('replaces one Latin letter by a Cyrillic or Greek look-alike that the normalizer folds back', () => {
    for (const { word, out } of outputs('homoglyph')) {
      expect(out).not.toBe(word);
      const [i, ...rest] = differingPositions(word, out);
      expect(rest).toEqual([]);
      expect(HOMOGLYPHS[word[i]]).toContain(out[i]);
      expect(out[i]).toMatch(/^[\p{Script=Cyrillic}\p{Script=Greek}]$/u);
      expect(editDistance(word, out)).toBe(1);
      expect(normalizeText(out).text).toBe(word);
    }
  });

  it('uses each look-alike for one Latin letter only, and none that NFKC changes', () => {
    const all = Object.values(HOMOGLYPHS).flat();
    expect(lookAlikes.size).toBe(all.length);
    for (const glyph of all) {
      expect(glyph.normalize('NFKC')).toBe(glyph);
      expect(glyph).toMatch(/^[\p{Script=Cyrillic}\p{Script=Greek}]$/u);
    }
    for (const latin of Object.keys(HOMOGLYPHS)) expect(latin).toMatch(/^[A-Za-z]$/);
  });

  it('does not apply to words without a confusable letter', () => {
    expect(PERTURBATIONS.homoglyph.apply('mmm', createRng(1))).toBeUndefined();
  });
});

describe('invisible', () => {
  it('inserts one zero-width character inside the word: same visible text, different length (distance 1)', () => {
    for (const { word, out } of outputs('invisible')) {
      const at = insertedIndex(word, out);
      expect(at).toBeGreaterThanOrEqual(1);
      expect(at).toBeLessThanOrEqual(word.length - 1);
      expect(INVISIBLE_CHARACTERS).toContain(out[at]);
      expect(stripInvisible(out)).toBe(word);
      expect(out.length).toBe(word.length + 1);
      expect(normalizeText(out).text).toBe(word);
    }
  });

  it('splits the token the model reads', () => {
    const out = PERTURBATIONS.invisible.apply('money', createRng(3))!;
    expect(tokenize(out).tokens.length).toBe(2);
  });
});

describe('bidi', () => {
  it('stores the letters reversed inside RLO…PDF, which renders as the input and normalizes back to it', () => {
    for (const { word, out } of outputs('bidi')) {
      expect(out.startsWith(RIGHT_TO_LEFT_OVERRIDE)).toBe(true);
      expect(out.endsWith(POP_DIRECTIONAL_FORMATTING)).toBe(true);
      // Undoing the override (reversing the run, as a right-to-left display does) gives the input back.
      const inner = Array.from(out).slice(1, -1);
      expect(inner.reverse().join('')).toBe(word);
      expect(editDistance(word, out)).toBeLessThanOrEqual(PERTURBATIONS.bidi.maxEditDistance(word));
      expect(normalizeText(out).text).toBe(word);
    }
  });

  it('keeps astral characters whole when reversing', () => {
    const out = PERTURBATIONS.bidi.apply('a😀b', createRng(1))!;
    expect(out).toBe('\u202eb😀a\u202c');
    expect(normalizeText(out).text).toBe('a😀b');
  });
});

describe('every perturbation', () => {
  it('has a matching id, a family, a label and a description', () => {
    for (const id of PERTURBATION_IDS) {
      const p = PERTURBATIONS[id];
      expect(p.id).toBe(id);
      expect(['character', 'unicode', 'word']).toContain(p.family);
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(0);
    }
  });

  it('is reproducible from the seed', () => {
    for (const id of PERTURBATION_IDS) {
      expect(PERTURBATIONS[id].apply('unsubscribe', createRng(42))).toBe(PERTURBATIONS[id].apply('unsubscribe', createRng(42)));
    }
  });

  it('either does not apply or changes the word within its edit budget (property)', () => {
    const unit = fc.constantFrom(..."abcdeilostxyzABCEOPT0123 'é😀ж".split(/(?:)/u));
    fc.assert(
      fc.property(fc.constantFrom(...PERTURBATION_IDS), fc.string({ unit, minLength: 0, maxLength: 12 }), fc.integer(), (id, word, seed) => {
        const p = PERTURBATIONS[id];
        const out = p.apply(word, createRng(seed));
        if (out === undefined) return;
        expect(out).not.toBe(word);
        const distance = editDistance(word, out);
        expect(distance).toBeGreaterThanOrEqual(1);
        expect(distance).toBeLessThanOrEqual(p.maxEditDistance(word));
      }),
      { numRuns: 2000 },
    );
  });

  it('is undone by the normalizer for the Unicode family on any lower-case Latin word (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(['homoglyph', 'invisible', 'bidi'] as const)),
        fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 15 }),
        fc.integer(),
        (id, word, seed) => {
          const out = PERTURBATIONS[id].apply(word, createRng(seed));
          if (out === undefined) return;
          expect(normalizeText(out).text).toBe(word);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('applyToText', () => {
  it('replaces only the span of the chosen token, using its original case', () => {
    const text = 'Claim your FREE prize now!';
    const token = tokenize(text).tokens[2];
    expect(token.text).toBe('free');
    const out = applyToText(text, token, PERTURBATIONS.bidi, createRng(1))!;
    expect(out).toBe('Claim your \u202eEERF\u202c prize now!');
    expect(normalizeText(out).text).toBe(text);
  });

  it('returns undefined when the perturbation cannot change the word', () => {
    const text = 'a b';
    expect(applyToText(text, tokenize(text).tokens[0], PERTURBATIONS.swap, createRng(1))).toBeUndefined();
  });
});
