/**
 * A minimal PNG encoder (8-bit grayscale, RGB or RGBA) with no dependencies, so the report's example images can be
 * made in a Web Worker or a Node script as well as on the main thread. The image data is wrapped in a zlib stream of
 * stored (uncompressed) deflate blocks: the files are larger than compressed ones, but the report's images are tiny
 * and this needs no compression library. Format: PNG (RFC 2083 / W3C PNG), zlib (RFC 1950), deflate (RFC 1951).
 */

import { PNG_SIGNATURE } from './imageHeader';

export type PngChannels = 1 | 3 | 4;

/** PNG colour types by channel count: grayscale, truecolour, truecolour with alpha. */
const COLOR_TYPE: Readonly<Record<PngChannels, number>> = { 1: 0, 3: 2, 4: 6 };
/** The largest payload one stored deflate block can carry (its LEN field is 16 bits). */
const MAX_STORED_BLOCK = 65535;
/** PNG limits width, height and chunk lengths to 2^31 - 1. */
const MAX_PNG_INT = 0x7fffffff;

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the one PNG chunks carry) of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 (RFC 1950), the checksum that closes a zlib stream. */
export function adler32(bytes: Uint8Array): number {
  const MOD = 65521;
  // 5552 is the longest run whose sums cannot exceed 2^32 before the modulo (zlib's NMAX).
  const NMAX = 5552;
  let a = 1;
  let b = 0;
  for (let start = 0; start < bytes.length; start += NMAX) {
    const end = Math.min(start + NMAX, bytes.length);
    for (let i = start; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

function checkImage(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (!(pixels instanceof Uint8Array)) throw new Error('encodePng: pixels must be a Uint8Array of 8-bit samples.');
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_PNG_INT) {
      throw new Error(`encodePng: ${name} must be a whole number of at least 1 pixel, got ${value}.`);
    }
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`encodePng: channels must be 1 (grayscale), 3 (RGB) or 4 (RGBA), got ${channels}.`);
  }
  const expected = width * height * channels;
  if (pixels.length !== expected) {
    throw new Error(`encodePng: a ${width}x${height} image with ${channels} channel(s) needs ${expected} bytes of pixels, got ${pixels.length}.`);
  }
  // The raw scanlines (one filter byte each) plus the zlib framing must fit one IDAT chunk.
  const raw = height * (1 + width * channels);
  if (raw + 6 + 5 * Math.ceil(raw / MAX_STORED_BLOCK) > MAX_PNG_INT) {
    throw new Error(`encodePng: a ${width}x${height} image is too large for one PNG data chunk; make it smaller.`);
  }
}

/** The zlib stream of stored blocks for `raw`, written into `out` at `offset`; returns the offset after it. */
function writeStoredZlib(raw: Uint8Array, out: Uint8Array, view: DataView, offset: number): number {
  let o = offset;
  // CMF 0x78 = deflate with a 32 KiB window; FLG 0x01 makes (CMF * 256 + FLG) a multiple of 31, no dictionary.
  out[o++] = 0x78;
  out[o++] = 0x01;
  for (let start = 0; start < raw.length; start += MAX_STORED_BLOCK) {
    const length = Math.min(MAX_STORED_BLOCK, raw.length - start);
    const final = start + length >= raw.length;
    out[o++] = final ? 1 : 0; // BFINAL bit, BTYPE 00 (stored); the rest of the byte is padding
    view.setUint16(o, length, true);
    view.setUint16(o + 2, ~length & 0xffff, true);
    o += 4;
    out.set(raw.subarray(start, start + length), o);
    o += length;
  }
  view.setUint32(o, adler32(raw));
  return o + 4;
}

/**
 * Encodes 8-bit pixels, row by row, top to bottom, channels interleaved (`width * height * channels` bytes), as a
 * PNG file. Throws when the sizes do not match the pixels.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: PngChannels): Uint8Array {
  checkImage(pixels, width, height, channels);
  const stride = width * channels;
  // Filter type 0 (None) on every scanline: the data is stored, so prediction would not make it smaller.
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);

  const blocks = Math.ceil(raw.length / MAX_STORED_BLOCK);
  const idatLength = 2 + raw.length + 5 * blocks + 4;
  const chunkOverhead = 12; // length, type, CRC
  const total = PNG_SIGNATURE.length + (chunkOverhead + 13) + (chunkOverhead + idatLength) + chunkOverhead;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(PNG_SIGNATURE, 0);
  let o = PNG_SIGNATURE.length;

  const startChunk = (type: string, length: number) => {
    view.setUint32(o, length);
    for (let i = 0; i < 4; i++) out[o + 4 + i] = type.charCodeAt(i);
    o += 8;
    return o - 4; // the CRC covers the type and the data
  };
  const endChunk = (crcStart: number) => {
    view.setUint32(o, crc32(out, crcStart, o));
    o += 4;
  };

  let crcStart = startChunk('IHDR', 13);
  view.setUint32(o, width);
  view.setUint32(o + 4, height);
  out[o + 8] = 8; // bit depth
  out[o + 9] = COLOR_TYPE[channels];
  out[o + 10] = 0; // compression: deflate
  out[o + 11] = 0; // filter method: adaptive (per-scanline type)
  out[o + 12] = 0; // no interlace
  o += 13;
  endChunk(crcStart);

  crcStart = startChunk('IDAT', idatLength);
  o = writeStoredZlib(raw, out, view, o);
  endChunk(crcStart);

  crcStart = startChunk('IEND', 0);
  endChunk(crcStart);
  return out;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648, with padding) of bytes; works on any size, unlike btoa over a binary string. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Joining pieces keeps memory linear and avoids one huge string concatenation chain.
  const PIECE = 3 * 4096;
  for (let start = 0; start < bytes.length; start += PIECE) {
    const end = Math.min(start + PIECE, bytes.length);
    let piece = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      piece += BASE64_ALPHABET[n >>> 18] + BASE64_ALPHABET[(n >>> 12) & 63] + BASE64_ALPHABET[(n >>> 6) & 63] + BASE64_ALPHABET[n & 63];
    }
    if (end - i === 1) {
      const n = bytes[i] << 16;
      piece += BASE64_ALPHABET[n >>> 18] + BASE64_ALPHABET[(n >>> 12) & 63] + '==';
    } else if (end - i === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      piece += BASE64_ALPHABET[n >>> 18] + BASE64_ALPHABET[(n >>> 12) & 63] + BASE64_ALPHABET[(n >>> 6) & 63] + '=';
    }
    parts.push(piece);
  }
  return parts.join('');
}

/** The PNG of `encodePng` as a `data:image/png;base64,...` URL, for an `<img>` in a self-contained page. */
export function pngDataUrl(pixels: Uint8Array, width: number, height: number, channels: PngChannels): string {
  return 'data:image/png;base64,' + bytesToBase64(encodePng(pixels, width, height, channels));
}
