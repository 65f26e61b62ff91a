/**
 * Input normalizer: the defense against the perturbations in ./perturbations.ts, applied before tokenizing.
 *
 * It undoes the imperceptible Unicode attacks of Boucher et al., "Bad Characters: Imperceptible NLP Attacks"
 * (IEEE S&P 2022), who suggest exactly this kind of sanitisation as a defense: reordering by bidirectional
 * overrides, invisible characters, compatibility forms (Unicode NFKC, UAX #15) and homoglyphs (folded with the
 * inverse of our confusables table, after UTS #39), then decodes leetspeak. Typos (swap, delete, insert, keyboard)
 * are not undone here: that needs a spelling model over the vocabulary.
 *
 * Steps run in this order, each can be switched off, and the result says how much each one changed.
 */
import { HOMOGLYPHS, LEET } from './perturbations';

export type NormalizationStepId = 'bidi-reorder' | 'bidi-controls' | 'invisible' | 'nfkc' | 'homoglyphs' | 'leet';

export interface NormalizationStep {
  id: NormalizationStepId;
  label: string;
  /** How many things this step changed; what a "thing" is depends on the step, see STEP_LABELS. */
  count: number;
}

export interface Normalization {
  text: string;
  /** Every step in the order it ran, including those that changed nothing (count 0); skipped steps are left out. */
  steps: NormalizationStep[];
}

export interface NormalizeOptions {
  /** Turn single steps off (all are on by default), e.g. to measure what each one contributes as a defense. */
  steps?: Partial<Record<NormalizationStepId, boolean>>;
}

export const NORMALIZATION_STEPS: readonly NormalizationStepId[] = ['bidi-reorder', 'bidi-controls', 'invisible', 'nfkc', 'homoglyphs', 'leet'];

export const STEP_LABELS: Readonly<Record<NormalizationStepId, string>> = {
  'bidi-reorder': 'Right-to-left override runs put back in reading order',
  'bidi-controls': 'Bidirectional control characters removed',
  invisible: 'Invisible characters removed',
  nfkc: 'Compatibility characters rewritten (NFKC)',
  homoglyphs: 'Cyrillic/Greek look-alikes folded to Latin',
  leet: 'Leetspeak digits decoded to letters',
};

// ---------------------------------------------------------------------------------------------------------------
// Character classes

/** LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; ARABIC LETTER MARK. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * An RLO run with no other embedding or override inside, ended by PDF or, as the Unicode Bidirectional Algorithm
 * (UAX #9) does for an unterminated one, by the end of the paragraph.
 */
const INNERMOST_RLO_RUN = /\u202e([^\u202a-\u202e\n\r\u2029]*)(?:\u202c|(?=[\n\r\u2029])|$)/g;

/**
 * Zero-width space, non-joiner, joiner, word joiner, invisible operators, BOM/zero-width no-break space, soft hyphen,
 * Mongolian vowel separator. A zero-width joiner between two emoji is kept: it builds one emoji (👩‍💻), not a word.
 */
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- an emoji then an optional variation selector or skin tone, by design.
  /[\u200b\u200c\u2060-\u2064\ufeff\u00ad\u180e]|(?<!\p{Extended_Pictographic}[\ufe0f\u{1f3fb}-\u{1f3ff}]?)\u200d|\u200d(?!\p{Extended_Pictographic})/gu;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const LATIN_LETTER = /\p{Script=Latin}/u;
const LETTER = /\p{L}/gu;

/** Look-alike -> Latin letter, the inverse of HOMOGLYPHS. */
const HOMOGLYPH_TO_LATIN: ReadonlyMap<string, string> = new Map(
  Object.entries(HOMOGLYPHS).flatMap(([latin, lookAlikes]) => lookAlikes.map((glyph) => [glyph, latin] as const)),
);

// None of the look-alikes is a regex metacharacter, so they can go straight into a class; a cheap pre-check.
const ANY_LOOK_ALIKE = new RegExp(`[${[...HOMOGLYPH_TO_LATIN.keys()].join('')}]`, 'u');

/** Leet digit -> lower-case letter, the inverse of LEET. */
const LEET_TO_LETTER: ReadonlyMap<string, string> = new Map(Object.entries(LEET).map(([letter, digit]) => [digit, letter]));

/** Numbers with a unit or ordinal suffix ("1st", "10am", "5kg") are real words, not leetspeak. */
const NUMBER_WITH_SUFFIX = /^\d+(?:st|nd|rd|th|am|pm|s|k|m|kg|km|g|mg|ml|l|mb|gb|kb|tb|px|mm|cm|ms|x|d|h|hr|hrs|min)$/i;

// ---------------------------------------------------------------------------------------------------------------
// Steps: each returns the new text and how many things it changed

type Step = (text: string) => { text: string; count: number };

/**
 * Reverses every RLO…PDF run back to reading order, innermost first: reversing nested runs from the deepest level
 * out is how UAX #9 (rule L2) reorders nested right-to-left levels. Code points are reversed, as the display is.
 */
const undoRightToLeftOverrides: Step = (text) => {
  let count = 0;
  let current = text;
  for (;;) {
    let changed = false;
    current = current.replace(INNERMOST_RLO_RUN, (_run, content: string) => {
      changed = true;
      count++;
      return Array.from(content).reverse().join('');
    });
    if (!changed) return { text: current, count };
  }
};

function removeAll(pattern: RegExp): Step {
  return (text) => {
    let count = 0;
    const out = text.replace(pattern, () => {
      count++;
      return '';
    });
    return { text: out, count };
  };
}

/** Counts code points that NFKC rewrites on their own (full-width letters, ligatures, ℌ); composition is not counted. */
const nfkc: Step = (text) => {
  const out = text.normalize('NFKC');
  if (out === text) return { text, count: 0 };
  let count = 0;
  for (const ch of text) if (ch.normalize('NFKC') !== ch) count++;
  return { text: out, count };
};

/**
 * Folds look-alikes to Latin only in words that are probably Latin: those with a Latin letter (mixed-script words,
 * UTS #39 section 5) or made only of look-alikes. Real Russian or Greek words with other letters stay as they are.
 */
const foldHomoglyphs: Step = (text) => {
  if (!ANY_LOOK_ALIKE.test(text)) return { text, count: 0 };
  let count = 0;
  const out = text.replace(WORD, (word) => {
    const chars = Array.from(word);
    if (!chars.some((ch) => HOMOGLYPH_TO_LATIN.has(ch))) return word;
    const letters = word.match(LETTER) ?? [];
    const probablyLatin = LATIN_LETTER.test(word) || letters.every((ch) => HOMOGLYPH_TO_LATIN.has(ch));
    if (!probablyLatin) return word;
    return chars
      .map((ch) => {
        const latin = HOMOGLYPH_TO_LATIN.get(ch);
        if (latin === undefined) return ch;
        count++;
        return latin;
      })
      .join('');
  });
  return { text: out, count };
};

/**
 * Decodes leet digits in words that mix Latin letters and digits ("fr33" -> "free"); numbers ("2024") and numbers with a
 * unit or ordinal ("1st", "10am") stay. Known false positives: product names such as "mp3" become "mpe".
 */
const decodeLeet: Step = (text) => {
  if (!/[0-9]/.test(text)) return { text, count: 0 };
  let count = 0;
  const out = text.replace(WORD, (word) => {
    if (!LATIN_LETTER.test(word) || !/[0-9]/.test(word) || NUMBER_WITH_SUFFIX.test(word)) return word;
    const letters = word.match(LETTER) ?? [];
    // An all-capitals word ("FR33") decodes to capitals; anything else to lower case.
    const upper = letters.some((ch) => ch !== ch.toLowerCase()) && letters.every((ch) => ch === ch.toUpperCase());
    return word.replace(/[0-9]/g, (digit) => {
      const letter = LEET_TO_LETTER.get(digit);
      if (letter === undefined) return digit;
      count++;
      return upper ? letter.toUpperCase() : letter;
    });
  });
  return { text: out, count };
};

const STEPS: Readonly<Record<NormalizationStepId, Step>> = {
  'bidi-reorder': undoRightToLeftOverrides,
  'bidi-controls': removeAll(BIDI_CONTROLS),
  invisible: removeAll(INVISIBLE),
  nfkc,
  homoglyphs: foldHomoglyphs,
  leet: decodeLeet,
};

/** Runs the normalization steps in order; never throws on any string. */
export function normalizeText(text: string, options: NormalizeOptions = {}): Normalization {
  const steps: NormalizationStep[] = [];
  let current = text;
  for (const id of NORMALIZATION_STEPS) {
    if (options.steps?.[id] === false) continue;
    const result = STEPS[id](current);
    current = result.text;
    steps.push({ id, label: STEP_LABELS[id], count: result.count });
  }
  return { text: current, steps };
}
