import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { adler32, bytesToBase64, crc32, encodePng, pngDataUrl, type PngChannels } from './png';

/** Byte-for-byte equality; faster than a deep toEqual on large arrays. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Deterministic "random" bytes, so a failure can be reproduced. */
function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** pngjs always hands back RGBA; this expands our samples the same way for comparison. */
function toRgba(pixels: Uint8Array, channels: PngChannels): Uint8Array {
  const count = pixels.length / channels;
  const out = new Uint8Array(count * 4);
  for (let p = 0; p < count; p++) {
    const s = pixels.subarray(p * channels, (p + 1) * channels);
    const [r, g, b, a] = channels === 1 ? [s[0], s[0], s[0], 255] : channels === 3 ? [s[0], s[1], s[2], 255] : [s[0], s[1], s[2], s[3]];
    out.set([r, g, b, a], p * 4);
  }
  return out;
}

interface Chunk {
  type: string;
  data: Uint8Array;
  crc: number;
  crcOk: boolean;
}

function chunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let o = 8; o < png.length;) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + length);
    const crc = view.getUint32(o + 8 + length);
    out.push({ type, data, crc, crcOk: crc === crc32(png, o + 4, o + 8 + length) });
    o += 12 + length;
  }
  return out;
}

/** The stored deflate blocks of a zlib stream: their lengths and BFINAL flags. */
function storedBlocks(zlib: Uint8Array): { length: number; final: boolean }[] {
  const view = new DataView(zlib.buffer, zlib.byteOffset, zlib.byteLength);
  const blocks: { length: number; final: boolean }[] = [];
  let o = 2;
  for (;;) {
    const header = zlib[o];
    expect(header & 0b110).toBe(0); // BTYPE 00
    const length = view.getUint16(o + 1, true);
    expect(view.getUint16(o + 3, true)).toBe(~length & 0xffff);
    blocks.push({ length, final: (header & 1) === 1 });
    o += 5 + length;
    if (header & 1) break;
  }
  expect(o + 4).toBe(zlib.length); // only the Adler-32 follows the final block
  return blocks;
}

function roundTrip(width: number, height: number, channels: PngChannels, seed = 1) {
  const pixels = pattern(width * height * channels, seed);
  const png = encodePng(pixels, width, height, channels);
  const decoded = PNG.sync.read(Buffer.from(png));
  return { pixels, png, decoded };
}

describe('checksums', () => {
  it('CRC-32 of "123456789" is the standard check value', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('Adler-32 of "Wikipedia" is 0x11E60398, and of nothing is 1', () => {
    expect(adler32(ascii('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
  });

  it('Adler-32 stays right over long runs of 0xFF (where the sums would overflow without the modulo)', () => {
    const bytes = new Uint8Array(100_000).fill(255);
    // Reference by the definition, with the modulo at every step.
    let a = 1;
    let b = 0;
    for (const v of bytes) {
      a = (a + v) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(bytes)).toBe(((b << 16) | a) >>> 0);
  });
});

describe('encodePng', () => {
  it.each([
    ['grayscale', 1],
    ['RGB', 3],
    ['RGBA', 4],
  ] as const)('round-trips %s pixels exactly through pngjs', (_name, channels) => {
    const { pixels, decoded } = roundTrip(7, 5, channels, channels);
    expect(decoded.width).toBe(7);
    expect(decoded.height).toBe(5);
    expect(Uint8Array.from(decoded.data)).toEqual(toRgba(pixels, channels));
  });

  it('writes the colour type, bit depth and no interlace in IHDR, with correct chunk CRCs', () => {
    for (const [channels, colorType] of [
      [1, 0],
      [3, 2],
      [4, 6],
    ] as const) {
      const png = encodePng(pattern(6 * channels), 3, 2, channels);
      expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const list = chunks(png);
      expect(list.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect(list.every((c) => c.crcOk)).toBe(true);
      expect(Array.from(list[0].data)).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, colorType, 0, 0, 0]);
    }
  });

  it('stores a 1x1 image', () => {
    const { pixels, decoded } = roundTrip(1, 1, 4, 9);
    expect(decoded.width).toBe(1);
    expect(decoded.height).toBe(1);
    expect(Uint8Array.from(decoded.data)).toEqual(pixels);
  });

  it('splits image data larger than 65535 bytes over several stored blocks, and pngjs reads it back', () => {
    const width = 300;
    const height = 200;
    const { pixels, png, decoded } = roundTrip(width, height, 3, 5);
    expect(sameBytes(decoded.data, toRgba(pixels, 3))).toBe(true);

    const idat = chunks(png).find((c) => c.type === 'IDAT')!;
    const rawLength = height * (1 + width * 3);
    const blocks = storedBlocks(idat.data);
    expect(blocks.length).toBe(Math.ceil(rawLength / 65535));
    expect(blocks.length).toBeGreaterThan(2);
    expect(blocks.slice(0, -1).every((b) => b.length === 65535 && !b.final)).toBe(true);
    expect(blocks.reduce((sum, b) => sum + b.length, 0)).toBe(rawLength);

    // zlib itself accepts the stream (header, blocks, Adler-32), and every scanline has filter type 0.
    const raw = inflateSync(Buffer.from(idat.data));
    expect(raw.length).toBe(rawLength);
    for (let y = 0; y < height; y++) expect(raw[y * (1 + width * 3)]).toBe(0);
  });

  it('uses one block for exactly 65535 bytes of scanlines and two for 65536', () => {
    const one = encodePng(pattern(65534), 65534, 1, 1); // 1 filter byte + 65534 samples
    expect(storedBlocks(chunks(one)[1].data).map((b) => b.length)).toEqual([65535]);
    const two = encodePng(pattern(65535), 65535, 1, 1);
    expect(storedBlocks(chunks(two)[1].data).map((b) => b.length)).toEqual([65535, 1]);
    expect(sameBytes(PNG.sync.read(Buffer.from(two)).data, toRgba(pattern(65535), 1))).toBe(true);
  });

  it('rejects pixels that do not match the size, and empty or fractional sizes, saying what was expected', () => {
    expect(() => encodePng(new Uint8Array(11), 2, 2, 3)).toThrow(/needs 12 bytes of pixels, got 11/);
    expect(() => encodePng(new Uint8Array(0), 0, 2, 1)).toThrow(/width must be a whole number of at least 1/);
    expect(() => encodePng(new Uint8Array(0), 2, 0, 1)).toThrow(/height must be a whole number of at least 1/);
    expect(() => encodePng(new Uint8Array(3), 1.5, 2, 1)).toThrow(/width/);
    expect(() => encodePng(new Uint8Array(8), 2, 2, 2 as PngChannels)).toThrow(/channels must be 1 \(grayscale\), 3 \(RGB\) or 4 \(RGBA\)/);
    expect(() => encodePng(new Uint8Array(8), 2, 2, 2 as PngChannels)).toThrow(Error);
  });
});

describe('base64 and data URLs', () => {
  it('matches Node\u2019s base64 for every padding case and a long buffer', () => {
    for (let length = 0; length <= 7; length++) {
      const bytes = pattern(length, length + 1);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
    const long = pattern(100_001, 3);
    expect(bytesToBase64(long)).toBe(Buffer.from(long).toString('base64'));
  });

  it('pngDataUrl is a data URL of the same PNG', () => {
    const pixels = pattern(4 * 4, 2);
    const url = pngDataUrl(pixels, 4, 4, 1);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const bytes = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(new Uint8Array(bytes)).toEqual(encodePng(pixels, 4, 4, 1));
  });
});
