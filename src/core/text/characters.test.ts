import { describe, expect, it } from 'vitest';
import { describeCharacter, diffCharacters } from './characters';
import { editDistance } from './perturbations';

describe('describeCharacter', () => {
  it('names invisible and bidirectional controls and look-alikes', () => {
    expect(describeCharacter('\u200b')).toMatchObject({ kind: 'invisible', codePoint: 'U+200B' });
    expect(describeCharacter('\u200b').description).toContain('ZERO WIDTH SPACE');
    expect(describeCharacter('\u202e')).toMatchObject({ kind: 'bidi', codePoint: 'U+202E' });
    const cyrillicA = describeCharacter('\u0430');
    expect(cyrillicA.kind).toBe('look-alike');
    expect(cyrillicA.description).toContain('Cyrillic');
    expect(cyrillicA.description).toContain('"a"');
    expect(describeCharacter('\u03bf').description).toContain('Greek');
    expect(describeCharacter('a')).toMatchObject({ kind: 'plain', codePoint: 'U+0061' });
    expect(describeCharacter('😀')).toMatchObject({ kind: 'other', codePoint: 'U+1F600' });
  });
});

describe('diffCharacters', () => {
  it.each([
    ['viagra', 'v1agra'],
    ['viagra', 'vaigra'],
    ['free', 'fr\u200bee'],
    ['cheap', 'chp'],
    ['', 'abc'],
    ['abc', ''],
    ['offer', '\u202ereffo\u202c'],
  ])('%j -> %j: replays to the new word in as many edits as the Levenshtein distance', (before, after) => {
    const diff = diffCharacters(before, after);
    expect(
      diff
        .filter((d) => d.op !== 'delete')
        .map((d) => d.char)
        .join(''),
    ).toBe(after);
    expect(
      diff
        .filter((d) => d.op !== 'insert')
        .map((d) => (d.op === 'replace' ? d.was : d.char))
        .join(''),
    ).toBe(before);
    expect(diff.filter((d) => d.op !== 'same').length).toBe(editDistance(before, after));
  });
});
