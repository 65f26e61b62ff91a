import { describe, expect, it } from 'vitest';
import { escapeForMessage, quoteForMessage } from './quote';

describe('quoteForMessage', () => {
  it('quotes plain names as they are', () => {
    expect(quoteForMessage('cat')).toBe('"cat"');
    expect(quoteForMessage('chat noir é 猫')).toBe('"chat noir é 猫"');
  });

  it('escapes bidi overrides, isolates and marks, so a label cannot reorder the message around it', () => {
    expect(quoteForMessage('dog\u202Egpj.exe')).toBe('"dog\\u{202E}gpj.exe"');
    expect(quoteForMessage('\u2066a\u2069\u200E\u200F\u202A')).toBe('"\\u{2066}a\\u{2069}\\u{200E}\\u{200F}\\u{202A}"');
  });

  it('escapes C0 and C1 controls (a line break or an ANSI escape cannot fake a log line)', () => {
    expect(quoteForMessage('a\nPASS\u001b[32m\u0085')).toBe('"a\\u{000A}PASS\\u{001B}[32m\\u{0085}"');
    expect(escapeForMessage('x\ty')).toBe('x\\u{0009}y');
  });

  it('escapes a quote inside, and cuts long names', () => {
    expect(quoteForMessage('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteForMessage('a'.repeat(100))).toBe(`"${'a'.repeat(57)}..."`);
  });
});
