/**
 * Turns a raw RFC 822 / MIME email into the text a spam filter reads: the decoded Subject and the plain-text body.
 * Headers, attachments and non-text parts are dropped; base64 and quoted-printable text parts are decoded; HTML is
 * converted to text when a message has no text/plain part. Pure TypeScript (TextDecoder only), never throws.
 */

export interface EmailText {
  subject: string;
  body: string;
}

interface Header {
  name: string;
  value: string;
}

interface MimePart {
  headers: Header[];
  body: string;
}

interface ContentType {
  type: string;
  params: Record<string, string>;
}

interface TextLeaf {
  kind: 'plain' | 'html';
  text: string;
}

/** Nested multiparts deeper than this are treated as opaque (a guard against crafted input). */
const MAX_MIME_DEPTH = 12;
const HEADER_LINE = /^([!-9;-~]+)[ \t]*:(.*)$/;

export function emailToText(raw: string): EmailText {
  try {
    const message = parsePart(String(raw ?? '').replace(/\r\n?/g, '\n'), true);
    const subject = collapseInline(decodeEncodedWords(headerValue(message.headers, 'subject') ?? ''));
    const leaves: TextLeaf[] = [];
    collectText(message, 0, leaves);
    const plain = leaves.filter((leaf) => leaf.kind === 'plain' && leaf.text.trim() !== '');
    const chosen = plain.length > 0 ? plain : leaves.filter((leaf) => leaf.kind === 'html');
    const body = collapseWhitespace(chosen.map((leaf) => dropNonText(leaf.kind === 'html' ? htmlToText(leaf.text) : leaf.text)).join('\n\n'));
    return { subject, body };
  } catch {
    // Garbage in, empty text out: the caller drops empty messages.
    return { subject: '', body: '' };
  }
}

/** The key two messages are compared by when removing duplicates: case, Unicode forms and spacing are ignored. */
export function normalizeForDedup(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Headers and MIME structure

/** Splits a message or a body part into unfolded headers and body. `topLevel` skips an mbox "From " line. */
function parsePart(text: string, topLevel: boolean): MimePart {
  const lines = text.split('\n');
  const headers: Header[] = [];
  let i = 0;
  if (topLevel && lines[0]?.startsWith('From ')) i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      break;
    }
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ' ' + line.trim();
      continue;
    }
    const match = HEADER_LINE.exec(line);
    if (!match) {
      // Not a header: the part has no (more) headers and its body starts here.
      break;
    }
    headers.push({ name: match[1].toLowerCase(), value: match[2].trim() });
  }
  return { headers, body: lines.slice(i).join('\n') };
}

function headerValue(headers: Header[], name: string): string | undefined {
  return headers.find((header) => header.name === name)?.value;
}

function parseParams(value: string): { main: string; params: Record<string, string> } {
  const semicolon = value.indexOf(';');
  const main = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  if (semicolon >= 0) {
    const re = /;?\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)/g;
    const rest = value.slice(semicolon);
    for (let m = re.exec(rest); m; m = re.exec(rest)) {
      let v = m[2].trim();
      if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
      const key = m[1].toLowerCase();
      if (!(key in params)) params[key] = v;
    }
  }
  return { main, params };
}

function contentType(headers: Header[]): ContentType {
  const value = headerValue(headers, 'content-type');
  if (!value) return { type: 'text/plain', params: {} };
  const { main, params } = parseParams(value);
  // A malformed type ("text", "") falls back to the RFC 2045 default.
  return { type: main.includes('/') ? main : 'text/plain', params };
}

function isAttachment(headers: Header[]): boolean {
  const disposition = headerValue(headers, 'content-disposition');
  return disposition !== undefined && parseParams(disposition).main === 'attachment';
}

function collectText(part: MimePart, depth: number, out: TextLeaf[]): void {
  if (depth > MAX_MIME_DEPTH || isAttachment(part.headers)) return;
  const { type, params } = contentType(part.headers);
  if (type.startsWith('multipart/')) {
    const children = params.boundary ? splitMultipart(part.body, params.boundary) : [];
    for (const child of children) collectText(parsePart(child, false), depth + 1, out);
    return;
  }
  if (type === 'message/rfc822') {
    // A forwarded message: keep its text, not its headers.
    collectText(parsePart(decodeTransfer(part), true), depth + 1, out);
    return;
  }
  if (type !== 'text/plain' && type !== 'text/html') return;
  const text = decodeTransfer(part, params.charset);
  const strayBoundary = type === 'text/plain' ? findStrayBoundary(text) : undefined;
  if (strayBoundary !== undefined) {
    // Badly built spam: a multipart body sent as text/plain (or with no Content-Type). Walk it as multipart,
    // keeping the text before the first boundary (it may be a message that quotes a MIME source).
    const preamble = text.slice(0, text.search(new RegExp('^--' + escapeRegExp(strayBoundary), 'm')));
    if (preamble.trim() !== '') out.push({ kind: 'plain', text: preamble });
    for (const child of splitMultipart(text, strayBoundary)) collectText(parsePart(child, false), depth + 1, out);
    return;
  }
  // Many spams send HTML without a Content-Type (or labelled text/plain): convert it as HTML.
  const looksLikeHtml = /<html[\s>]|<body[\s>]|<!doctype\s+html/i.test(text);
  out.push({ kind: type === 'text/html' || looksLikeHtml ? 'html' : 'plain', text });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A `--boundary` line directly followed by a Content-Type header inside a part that is not declared multipart. */
function findStrayBoundary(text: string): string | undefined {
  const match = /^--([^\s].{0,200}?)[ \t]*\n(?:content-[a-z-]+:.*\n)*content-type:/im.exec(text);
  return match ? match[1] : undefined;
}

/** The body parts between `--boundary` lines; the preamble and the epilogue are dropped. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = '--' + boundary;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split('\n')) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === delimiter + '--') {
      if (current) parts.push(current.join('\n'));
      current = trimmed === delimiter ? [] : null;
      if (current === null) return parts;
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\n'));
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Transfer encodings and charsets

function decodeTransfer(part: MimePart, charset?: string): string {
  const encoding = (headerValue(part.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  if (encoding === 'base64') return decodeBytes(base64ToBytes(part.body), charset);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body, charset);
  return part.body;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = new Map([...BASE64_ALPHABET].map((c, i) => [c, i] as const));

/** Lenient base64: characters outside the alphabet are skipped, decoding stops at padding. */
function base64ToBytes(text: string): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text) {
    if (c === '=') break;
    const value = BASE64_VALUES.get(c);
    if (value === undefined) continue;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function decodeBytes(bytes: Uint8Array, charset?: string): string {
  const label = (charset ?? '').trim().toLowerCase().replace(/\*.*$/, '');
  if (label === 'us-ascii' || label === 'ascii' || label === 'iso-8859-1' || label === 'latin1' || label === 'latin-1') {
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    }
    return text;
  }
  try {
    return new TextDecoder(label || 'utf-8').decode(bytes);
  } catch {
    // Unknown charset label: UTF-8 with replacement characters is the least surprising guess.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Quoted-printable (RFC 2045): soft line breaks removed, runs of =XX bytes decoded in the part's charset. */
function decodeQuotedPrintable(text: string, charset?: string): string {
  const joined = text.replace(/=[ \t]*\n/g, '');
  return joined.replace(/(?:=[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return decodeBytes(bytes, charset);
  });
}

/** RFC 2047 encoded-words; whitespace between two adjacent encoded-words is dropped. */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1')
    .replace(word, (_, charset: string, encoding: string, text: string) => {
      if (encoding.toUpperCase() === 'B') return decodeBytes(base64ToBytes(text), charset);
      return decodeQuotedPrintable(text.replace(/_/g, ' '), charset);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// HTML and whitespace

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  sbquo: '‚',
  bdquo: '„',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  laquo: '«',
  raquo: '»',
  iexcl: '¡',
  iquest: '¿',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  sup2: '²',
  sup3: '³',
  micro: 'µ',
  shy: '',
  zwnj: '',
  zwj: '',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  aacute: 'á',
  eacute: 'é',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  agrave: 'à',
  egrave: 'è',
  igrave: 'ì',
  ograve: 'ò',
  ugrave: 'ù',
  acirc: 'â',
  ecirc: 'ê',
  icirc: 'î',
  ocirc: 'ô',
  ucirc: 'û',
  auml: 'ä',
  euml: 'ë',
  iuml: 'ï',
  ouml: 'ö',
  uuml: 'ü',
  atilde: 'ã',
  otilde: 'õ',
  ntilde: 'ñ',
  ccedil: 'ç',
  aring: 'å',
  szlig: 'ß',
  Aacute: 'Á',
  Eacute: 'É',
  Iacute: 'Í',
  Oacute: 'Ó',
  Uacute: 'Ú',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  Ntilde: 'Ñ',
  Ccedil: 'Ç',
};

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : '';
    }
    return NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

const BLOCK_TAGS = /<\/?(?:br|p|div|tr|li|ul|ol|table|h[1-6]|blockquote|pre|hr|center|title|dd|dt|dl)\b[^>]*>/gi;

export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    // Only closed elements are removed: spam often opens a <head> it never closes, around the whole message.
    .replace(/<(script|style|head|object|applet)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(BLOCK_TAGS, '\n')
    .replace(/<\/?[a-zA-Z!?][^>]*(?:>|$)/g, ' ')
    // Tag-like remnants split across lines or left unclosed.
    .replace(/<\/?[a-zA-Z][^<>\n]*$/gm, ' ');
  // Entities are decoded last so that an encoded "&lt;b&gt;" stays text and is not read as a tag.
  return decodeHtmlEntities(text);
}

/**
 * Removes what is not message text even inside a text part: header lines pasted or leaked into the body
 * (transport, list and MIME headers with their continuation lines), PGP armour and uuencoded blocks.
 */
function dropNonText(text: string): string {
  const headerLine =
    /^(received|return-path|delivered-to|message-id|in-reply-to|references|x-[a-z0-9-]+|content-[a-z-]+|mime-version|errors-to|precedence|list-[a-z-]+|sender|envelope-to):/i;
  const kept: string[] = [];
  let skippingHeader = false;
  let skippingBlock: RegExp | null = null;
  for (const line of text.split('\n')) {
    if (skippingBlock) {
      if (skippingBlock.test(line)) skippingBlock = null;
      continue;
    }
    if (skippingHeader && /^[ \t]+\S/.test(line)) continue;
    skippingHeader = false;
    if (headerLine.test(line.trimStart())) {
      skippingHeader = true;
      continue;
    }
    if (/^-----BEGIN PGP SIGNATURE-----/.test(line)) {
      skippingBlock = /^-----END PGP SIGNATURE-----/;
      continue;
    }
    if (/^begin [0-7]{3,4} \S/.test(line)) {
      skippingBlock = /^end\s*$/;
      continue;
    }
    if (/^-----BEGIN PGP SIGNED MESSAGE-----/.test(line) || /^Hash: [A-Z0-9-]+\s*$/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n');
}

/** Zero-width characters (space, non-joiner, joiner, word joiner, BOM), each removed on its own. */
// eslint-disable-next-line no-misleading-character-class -- the joiner is matched alone on purpose, not as part of a sequence.
const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff]/g;

/** Spaces and tabs collapse to one space, lines are trimmed, runs of blank lines become one blank line. */
function collapseWhitespace(text: string): string {
  return text
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v\r ]+/g, ' ')
    .replace(ZERO_WIDTH, '')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function collapseInline(text: string): string {
  return text.replace(ZERO_WIDTH, '').replace(/\s+/g, ' ').trim();
}
