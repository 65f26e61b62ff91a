/**
 * User-supplied names (labels, class names, file paths, weight names) echoed in a message. A name can hold control
 * characters or bidi overrides that make a message (or a CI log) read differently from what it says (Trojan Source,
 * Boucher & Anderson 2021): they are shown as \u{...} escapes instead.
 */

/** C0 and C1 controls, DEL, the bidi embeddings, overrides and isolates, the direction marks and the line separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are escaped before display.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u061c]/g;

const escapeCharacter = (c: string) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}}`;

/** The text with every control and bidi character escaped, cut to `maxLength` characters with "...". */
export function escapeForMessage(value: string, maxLength = 200): string {
  const cut = value.length > maxLength ? `${value.slice(0, Math.max(0, maxLength - 3))}...` : value;
  return cut.replace(UNSAFE, escapeCharacter);
}

/** The text in double quotes, escaped as `escapeForMessage` does (and a quote inside it as \"), cut to 60 characters. */
export function quoteForMessage(value: string, maxLength = 60): string {
  return `"${escapeForMessage(value, maxLength).replace(/"/g, '\\"')}"`;
}
