/** Small PNG images for the tests of the image readers and the audit, built in memory with pngjs. */
import { PNG } from 'pngjs';

/** RGBA bytes of a w x h image, pixel by pixel from `value(x, y)`. */
export function rgbaPixels(width: number, height: number, value: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(value(x, y), 4 * (y * width + x));
  return data;
}

/** A grayscale image as opaque RGBA bytes with R = G = B = level(x, y). */
export const grayPixels = (width: number, height: number, level: (x: number, y: number) => number) =>
  rgbaPixels(width, height, (x, y) => [level(x, y), level(x, y), level(x, y), 255]);

/** A PNG file of RGBA bytes. */
export function pngBytes(width: number, height: number, data: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data.set(data);
  return PNG.sync.write(png);
}

/** A grayscale PNG file (stored as opaque RGBA with R = G = B): grayPng(28, 28, () => 255) is a white digit. */
export const grayPng = (width: number, height: number, level: (x: number, y: number) => number) => pngBytes(width, height, grayPixels(width, height, level));
