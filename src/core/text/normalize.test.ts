import { describe, expect, it } from 'vitest';
import { NORMALIZATION_STEPS, normalizeText, type NormalizationStepId } from './normalize';

function counts(text: string): Record<NormalizationStepId, number> {
  return Object.fromEntries(normalizeText(text).steps.map((s) => [s.id, s.count])) as Record<NormalizationStepId, number>;
}

describe('normalizeText', () => {
  it('leaves plain ASCII text alone and reports zero for every step', () => {
    const text = 'Meeting moved to 3pm on the 2nd, see you in room 101.';
    const result = normalizeText(text);
    expect(result.text).toBe(text);
    expect(result.steps.map((s) => s.id)).toEqual(NORMALIZATION_STEPS);
    expect(result.steps.every((s) => s.count === 0 && s.label.length > 0)).toBe(true);
  });

  it('handles empty text', () => {
    expect(normalizeText('').text).toBe('');
  });

  it('reverses right-to-left override runs and strips the controls', () => {
    expect(normalizeText('get \u202eeerf\u202c money').text).toBe('get free money');
    expect(counts('get \u202eeerf\u202c money')).toMatchObject({ 'bidi-reorder': 1, 'bidi-controls': 0 });
    // Unterminated: the override lasts to the end of the paragraph (UAX #9).
    expect(normalizeText('\u202eeerf\nnext').text).toBe('free\nnext');
    // Nested: the inner run is reversed twice, so it reads in stored order inside the outer run.
    expect(normalizeText('\u202eab\u202ecd\u202c\u202c').text).toBe('cdba');
  });

  it('strips other bidi controls without reordering', () => {
    const text = '\u202dfree\u202c \u2067money\u2069 \u200eok\u200f';
    expect(normalizeText(text).text).toBe('free money ok');
    expect(counts(text)['bidi-controls']).toBe(6);
  });

  it('strips invisible characters but keeps the joiner inside an emoji sequence', () => {
    const text = 'fr\u200bee mo\u200cney cl\u200dick pa\u2060ss\ufeff soft\u00adware 👩\u200d💻';
    const result = normalizeText(text);
    expect(result.text).toBe('free money click pass software 👩\u200d💻');
    expect(counts(text).invisible).toBe(6);
  });

  it('applies NFKC: full-width letters and ligatures become ASCII', () => {
    const text = 'ｆｒｅｅ ﬁnance';
    expect(normalizeText(text).text).toBe('free finance');
    expect(counts(text).nfkc).toBe(5);
  });

  it('folds look-alikes in Latin or all-look-alike words but keeps real Cyrillic and Greek words', () => {
    expect(normalizeText('p\u0430ypal \u0430\u0440\u0440le').text).toBe('paypal apple');
    expect(normalizeText('\u0391\u039c\u0391\u0396\u039fN').text).toBe('AMAZON');
    expect(counts('p\u0430yp\u0430l').homoglyphs).toBe(2);
    expect(normalizeText('привет мир').text).toBe('привет мир');
    expect(normalizeText('καλημέρα').text).toBe('καλημέρα');
  });

  it('decodes leetspeak in words mixing letters and digits, but not numbers or numbers with units', () => {
    expect(normalizeText('fr33 m0n3y, CL1CK h3re').text).toBe('free money, CLICK here');
    expect(counts('fr33 m0n3y').leet).toBe(4);
    const unchanged = 'In 2024 the 1st of 10 sales at 10am weighed 5kg, call 555-0199.';
    expect(normalizeText(unchanged).text).toBe(unchanged);
  });

  it('undoes several attacks in one text', () => {
    const attacked = 'Cl\u200bick \u202eereh\u202c to cl\u0430im y0ur ｐｒｉｚｅ';
    expect(normalizeText(attacked).text).toBe('Click here to claim your prize');
  });

  it('can switch single steps off', () => {
    const result = normalizeText('fr33 \u0430', { steps: { leet: false, homoglyphs: false } });
    expect(result.text).toBe('fr33 \u0430');
    expect(result.steps.map((s) => s.id)).toEqual(['bidi-reorder', 'bidi-controls', 'invisible', 'nfkc']);
  });

  it('does not throw on emoji, RTL text, control characters and lone surrogates', () => {
    const text = 'مرحبا 🎉 שָׁלוֹם \u0000\u0007\ud800x\udfff\u202e';
    expect(() => normalizeText(text)).not.toThrow();
    expect(normalizeText(text).text).toBe('مرحبا 🎉 שָׁלוֹם \u0000\u0007\ud800x\udfff');
  });

  it('is fast on a 1 MB text', () => {
    const text = 'fr\u200bee m0ney \u0430pple \u202eeerf\u202c '.repeat(30_000).slice(0, 1_000_000);
    const started = performance.now();
    normalizeText(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
