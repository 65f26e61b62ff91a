/**
 * What a reader cannot see: names for the invisible, bidirectional and look-alike characters the Unicode
 * perturbations emit, and a character-level diff of a word before and after an edit, for the lab's diff view.
 */
import { HOMOGLYPHS, INVISIBLE_CHARACTERS, POP_DIRECTIONAL_FORMATTING, RIGHT_TO_LEFT_OVERRIDE } from './perturbations';

export type CharacterKind = 'plain' | 'invisible' | 'bidi' | 'look-alike' | 'other';

export interface CharacterInfo {
  char: string;
  /** "U+0430". */
  codePoint: string;
  kind: CharacterKind;
  /** A short description for the hover text: the character's name or its script and the letter it imitates. */
  description: string;
}

const NAMES: Readonly<Record<string, string>> = {
  [INVISIBLE_CHARACTERS[0]]: 'ZERO WIDTH SPACE',
  [INVISIBLE_CHARACTERS[1]]: 'ZERO WIDTH NON-JOINER',
  [INVISIBLE_CHARACTERS[2]]: 'ZERO WIDTH JOINER',
  '\u2060': 'WORD JOINER',
  '\ufeff': 'ZERO WIDTH NO-BREAK SPACE',
  [RIGHT_TO_LEFT_OVERRIDE]: 'RIGHT-TO-LEFT OVERRIDE',
  [POP_DIRECTIONAL_FORMATTING]: 'POP DIRECTIONAL FORMATTING',
  '\u202a': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202b': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202d': 'LEFT-TO-RIGHT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
  '\u200e': 'LEFT-TO-RIGHT MARK',
  '\u200f': 'RIGHT-TO-LEFT MARK',
};

const IMITATES = new Map<string, string>(Object.entries(HOMOGLYPHS).flatMap(([latin, lookAlikes]) => lookAlikes.map((c) => [c, latin] as [string, string])));

export function codePointLabel(char: string): string {
  return 'U+' + (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

function scriptOf(char: string): string {
  if (/\p{Script=Cyrillic}/u.test(char)) return 'Cyrillic';
  if (/\p{Script=Greek}/u.test(char)) return 'Greek';
  if (/\p{Script=Latin}/u.test(char)) return 'Latin';
  return 'non-Latin';
}

/** Classifies one character (a code point) for display. */
export function describeCharacter(char: string): CharacterInfo {
  const codePoint = codePointLabel(char);
  const name = NAMES[char];
  if (name) {
    const bidi = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/u.test(char);
    return { char, codePoint, kind: bidi ? 'bidi' : 'invisible', description: `${codePoint} ${name}` };
  }
  const latin = IMITATES.get(char);
  if (latin) return { char, codePoint, kind: 'look-alike', description: `${codePoint} ${scriptOf(char)} letter that looks like Latin "${latin}"` };
  if (/^[\x20-\x7e]$/.test(char)) return { char, codePoint, kind: 'plain', description: codePoint };
  if (/\p{Cf}/u.test(char)) return { char, codePoint, kind: 'invisible', description: `${codePoint} format character (invisible)` };
  return { char, codePoint, kind: 'other', description: `${codePoint} ${scriptOf(char)} character` };
}

export type CharacterDiff =
  { op: 'same'; char: string } | { op: 'insert'; char: string } | { op: 'delete'; char: string } | { op: 'replace'; char: string; was: string };

/** A minimal edit script from `before` to `after` on code points (Levenshtein, with its backtrace). */
export function diffCharacters(before: string, after: string): CharacterDiff[] {
  const a = Array.from(before);
  const b = Array.from(after);
  const cost: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) cost[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cost[i][j] = Math.min(cost[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), cost[i - 1][j] + 1, cost[i][j - 1] + 1);
    }
  }
  const out: CharacterDiff[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i][j] === cost[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)) {
      out.push(a[i - 1] === b[j - 1] ? { op: 'same', char: b[j - 1] } : { op: 'replace', char: b[j - 1], was: a[i - 1] });
      i--;
      j--;
    } else if (j > 0 && cost[i][j] === cost[i][j - 1] + 1) {
      out.push({ op: 'insert', char: b[j - 1] });
      j--;
    } else {
      out.push({ op: 'delete', char: a[i - 1] });
      i--;
    }
  }
  return out.reverse();
}
