/**
 * An image's width and height read from its header, before any decoding: a PNG of a few hundred kilobytes can
 * declare 30000x30000 pixels and inflate to gigabytes (a decompression bomb). PNG (IHDR), JPEG (SOF markers), GIF
 * (logical screen), BMP (DIB header) and WebP (VP8, VP8L, VP8X) headers are read; the file is refused before it is
 * decoded when it is larger than any model input could be, or when its header cannot be read.
 */
import { MAX_INPUT_ELEMENTS } from './spec';
import { escapeForMessage } from './quote';
import { formatCount } from '../format';

export type ImageFormat = 'PNG' | 'JPEG' | 'GIF' | 'BMP' | 'WebP';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** The most pixels an image may have: no model input the playground accepts is larger (see MAX_INPUT_ELEMENTS). */
export const MAX_IMAGE_PIXELS = MAX_INPUT_ELEMENTS;

export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The format by signature, whether or not its size can be read. */
export function imageFormatOf(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'PNG';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'GIF';
  if (startsWith(bytes, ascii('BM'))) return 'BMP';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'WebP';
  return undefined;
}

/** A JPEG's size from its first start-of-frame marker (SOF0..SOF15 but DHT, JPG and DAC), walking the segments. */
function jpegSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, or scan data before any frame header
    if ((marker >= 0xd0 && marker <= 0xd8) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > bytes.length) return undefined;
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    if (length < 2) return undefined;
    i += 2 + length;
  }
  return undefined;
}

function webpSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  if (bytes.length < 30) return undefined;
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const u24 = (at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return undefined;
}

/** The format and size an image file declares, or undefined when it is not one of the formats or its header is cut. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  const format = imageFormatOf(bytes);
  if (!format) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let size: { width: number; height: number } | undefined;
  if (format === 'PNG') {
    if (bytes.length >= 24 && startsWith(bytes, ascii('IHDR'), 12)) size = { width: view.getUint32(16), height: view.getUint32(20) };
  } else if (format === 'JPEG') {
    size = jpegSize(bytes, view);
  } else if (format === 'GIF') {
    if (bytes.length >= 10) size = { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  } else if (format === 'BMP') {
    if (bytes.length >= 26) {
      size =
        view.getUint32(14, true) === 12
          ? { width: view.getUint16(18, true), height: view.getUint16(20, true) }
          : { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
    }
  } else {
    size = webpSize(bytes, view);
  }
  return size ? { format, ...size } : undefined;
}

/**
 * The header of an image about to be decoded; throws, naming the file, when its size cannot be read from it or is
 * over `maxPixels`. Call it before any decoder sees the bytes.
 */
export function checkImageHeader(bytes: Uint8Array, name: string, maxPixels = MAX_IMAGE_PIXELS): ImageHeader {
  const shownName = escapeForMessage(name);
  const format = imageFormatOf(bytes);
  if (!format) {
    const what = bytes.length === 0 ? 'the file is empty' : 'its first bytes are not those of a PNG, JPEG, GIF, BMP or WebP file';
    throw new Error(`${shownName} is not an image the audit reads (${what}). Re-export it as PNG or JPEG, or remove it.`);
  }
  const header = readImageHeader(bytes);
  if (!header)
    throw new Error(
      `${shownName} looks like a ${format} but its size cannot be read from its header: the file is damaged or cut short. Re-export it, or remove it.`,
    );
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new Error(
      `${shownName} declares ${header.width}x${header.height} pixels in its ${format} header, over the ${formatCount(maxPixels)} pixels the playground decodes; it was not decoded. Resize it (for an audit, to the model's input size).`,
    );
  }
  if (pixels === 0) throw new Error(`${shownName} declares ${header.width}x${header.height} pixels: an image needs at least one. Re-export it, or remove it.`);
  return header;
}
