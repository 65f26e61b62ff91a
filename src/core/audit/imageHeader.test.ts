import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { jpegHeader, pngBomb } from '../../../scripts/hostileFixtures';
import { checkImageHeader, MAX_IMAGE_PIXELS, readImageHeader } from './imageHeader';
import { encodePng } from './png';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

describe('readImageHeader', () => {
  it('reads the size of a PNG from its IHDR and of a JPEG from its frame header', () => {
    expect(readImageHeader(encodePng(new Uint8Array(5 * 3 * 3), 5, 3, 3))).toEqual({ format: 'PNG', width: 5, height: 3 });
    const encoded = jpeg.encode({ width: 7, height: 4, data: new Uint8Array(7 * 4 * 4) }, 90).data;
    expect(readImageHeader(new Uint8Array(encoded))).toEqual({ format: 'JPEG', width: 7, height: 4 });
    expect(readImageHeader(jpegHeader(640, 480))).toEqual({ format: 'JPEG', width: 640, height: 480 });
  });

  it('reads GIF, BMP and WebP (VP8, VP8L, VP8X) headers, written by hand from their specifications', () => {
    expect(readImageHeader(bytes(...ascii('GIF89a'), 0x20, 0x01, 0x10, 0x00))).toEqual({ format: 'GIF', width: 288, height: 16 });
    const bmp = new Uint8Array(54);
    const view = new DataView(bmp.buffer);
    bmp.set(ascii('BM'));
    view.setUint32(14, 40, true);
    view.setInt32(18, 300, true);
    view.setInt32(22, -200, true); // top-down rows
    expect(readImageHeader(bmp)).toEqual({ format: 'BMP', width: 300, height: 200 });
    const webp = (chunk: string, body: number[]) => {
      const out = new Uint8Array(40);
      out.set([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBP'), ...ascii(chunk), 0, 0, 0, 0]);
      out.set(body, 20);
      return out;
    };
    expect(readImageHeader(webp('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]))).toEqual({ format: 'WebP', width: 320, height: 240 });
    // VP8L: 0x2f, then 14 bits of width - 1 and 14 bits of height - 1 (little-endian): 100 x 50.
    const bits = 99 | (49 << 14);
    expect(readImageHeader(webp('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >>> 24]))).toEqual({
      format: 'WebP',
      width: 100,
      height: 50,
    });
    expect(readImageHeader(webp('VP8X', [0, 0, 0, 0, 0x2f, 0x75, 0x00, 0x2f, 0x75, 0x00]))).toEqual({ format: 'WebP', width: 30000, height: 30000 });
  });

  it('gives undefined for other bytes and cut headers', () => {
    expect(readImageHeader(bytes(1, 2, 3))).toBeUndefined();
    expect(readImageHeader(pngBomb().subarray(0, 20))).toBeUndefined();
    expect(readImageHeader(jpegHeader(10, 10).subarray(0, 22))).toBeUndefined();
  });
});

describe('checkImageHeader', () => {
  it('refuses a 30000x30000 PNG bomb from its header alone, without decoding it', () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(2000); // the bomb itself is tiny; decoded it would be 900 million pixels
    expect(() => checkImageHeader(bomb, 'bomb.png')).toThrow(
      /^bomb\.png declares 30000x30000 pixels in its PNG header, over the 4,194,304 pixels the playground decodes; it was not decoded\./,
    );
    expect(() => checkImageHeader(jpegHeader(30000, 30000), 'big.jpg')).toThrow(/big\.jpg declares 30000x30000 pixels in its JPEG header/);
  });

  it('accepts an image up to the limit, and refuses what it cannot size, naming the file escaped', () => {
    expect(checkImageHeader(jpegHeader(2048, 2048), 'a.jpg')).toEqual({ format: 'JPEG', width: 2048, height: 2048 });
    expect(MAX_IMAGE_PIXELS).toBe(2048 * 2048);
    expect(() => checkImageHeader(jpegHeader(2049, 2048), 'a.jpg')).toThrow(/over the 4,194,304 pixels/);
    expect(() => checkImageHeader(pngBomb().subarray(0, 20), 'cut\u202E.png')).toThrow(/^cut\\u\{202E\}\.png looks like a PNG but its size cannot be read/);
    expect(() => checkImageHeader(bytes(1, 2, 3), 'x.png')).toThrow(/x\.png is not an image the audit reads/);
    expect(() => checkImageHeader(pngBomb(0, 10), 'empty.png')).toThrow(/declares 0x10 pixels/);
  });
});
