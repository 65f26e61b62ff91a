import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv';

/**
 * The simplest correct writer: quote a field only when it holds a comma, a quote or a line break, or starts with a
 * byte-order mark (which a reader would otherwise take for the file's own).
 */
function writeCsv(rows: readonly (readonly string[])[], lineBreak: string): string {
  const cell = (field: string) => (/[",\r\n]|^\uFEFF/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
  return rows.map((row) => row.map(cell).join(',') + lineBreak).join('');
}

describe('parseCsv', () => {
  it('reads plain fields, LF and CRLF line ends, with or without a final line break', () => {
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\r\nc,d\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\rc,d\r')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks inside', () => {
    expect(parseCsv('"a,b","say ""hi""","two\nlines","crlf\r\nkept"\n')).toEqual([['a,b', 'say "hi"', 'two\nlines', 'crlf\r\nkept']]);
  });

  it('keeps empty fields, including a trailing one, and blank lines as one empty field', () => {
    expect(parseCsv(',a,\n\n"",x')).toEqual([['', 'a', ''], [''], ['', 'x']]);
    expect(parseCsv('"a",')).toEqual([['a', '']]);
  });

  it('drops a UTF-8 byte-order mark at the start only', () => {
    expect(parseCsv('\uFEFFtext,label\n')).toEqual([['text', 'label']]);
    expect(parseCsv('a,\uFEFFb')).toEqual([['a', '\uFEFFb']]);
  });

  it('reads an empty text as no rows', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });

  it('keeps a stray quote inside an unquoted field', () => {
    expect(parseCsv('a 5" screen,b')).toEqual([['a 5" screen', 'b']]);
  });

  it('gives the line each record starts on, counting line breaks inside quotes', () => {
    const records = parseCsvRecords('h1,h2\r\n"multi\nline",x\n\nlast,y\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 5]);
  });

  it('names the line where an unterminated quote opened, and says how to fix it', () => {
    expect(() => parseCsv('a,b\nc,d\ne,"never closed\nmore')).toThrow(/CSV line 3: .*never closed.*Close it with a quote/);
    expect(() => parseCsvRecords('a\n"x', 'texts.csv')).toThrow(/^texts\.csv, line 2: /);
  });

  it('rejects text after a closing quote, naming the line', () => {
    expect(() => parseCsv('a\n"b"c,d')).toThrow(/CSV line 2: text follows the closing quote.*write a quote inside it as two/);
  });

  it('reads back what a quoting writer wrote (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r', 'é', '😀', '\uFEFF'), maxLength: 8 });
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 6 });
    fc.assert(
      fc.property(rows, fc.constantFrom('\n', '\r\n'), fc.boolean(), (table, lineBreak, bom) => {
        expect(parseCsv((bom ? '\uFEFF' : '') + writeCsv(table, lineBreak))).toEqual(table);
      }),
      { numRuns: 500 },
    );
  });
});
