/**
 * Small hostile inputs for the tests, built in memory or in a temporary folder (nothing large is written: a "huge"
 * file is sparse). Each stands for a case of issue #11 that an independent check reproduced.
 */
import * as tf from '@tensorflow/tfjs';
import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/core/audit/png';
import { PNG_SIGNATURE } from '../src/core/audit/imageHeader';
import { serializeLayersModel } from '../src/core/models/io';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * A decompression bomb: a valid PNG whose IHDR declares `width` x `height` 8-bit grayscale pixels (900 million for
 * 30000x30000), followed by a tiny zlib stream. A decoder that trusts the header allocates gigabytes.
 */
export function pngBomb(width = 30000, height = 30000): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, grayscale, deflate, adaptive filters, no interlace
  const idat = deflateSync(Buffer.alloc(64 * 1024)); // a few hundred bytes standing for rows of zeros
  return new Uint8Array(Buffer.concat([Uint8Array.from(PNG_SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]));
}

/** The start of a baseline JPEG: SOI, an APP0 segment, then a SOF0 frame header declaring `width` x `height`. */
export function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

/** A file of `bytes` bytes that takes no disk space (ftruncate makes it sparse). */
export function sparseFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * A layers model with 32 bytes of weights that declares a `side` x `side` x 3 input (global average pooling, then a
 * dense layer to two classes), written to `dir` as model.json + weights.bin. Loading the checks of a model that
 * trusts the declared shape would allocate batches of 50 million numbers each.
 */
export async function writeHugeInputModel(dir: string, side = 4096): Promise<string> {
  const model = tf.sequential({
    layers: [tf.layers.globalAveragePooling2d({ inputShape: [side, side, 3] }), tf.layers.dense({ units: 2, kernelInitializer: 'ones' })],
  });
  try {
    const { modelJson, weights } = await serializeLayersModel(model);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(join(dir, 'weights.bin'), weights);
    return join(dir, 'model.json');
  } finally {
    model.dispose();
  }
}
