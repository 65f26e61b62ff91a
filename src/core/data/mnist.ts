/** The split every script and the app share. Changing the seed changes every model card, so it is fixed here. */
export const MNIST_SPLIT = {
  seed: 20261122,
  trainSize: 8000,
  testSize: 2000,
  height: 28,
  width: 28,
  channels: 1,
  numClasses: 10,
  /** Where the generated files live, relative to the app's origin and to `public/`. */
  urlPath: 'data/mnist',
} as const;

export const MNIST_PIXELS = MNIST_SPLIT.height * MNIST_SPLIT.width * MNIST_SPLIT.channels;

/** Image data kept as bytes: 0..255 per pixel, row-major [count, height, width, channels]; labels 0..9. */
export interface ImageSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
}

export type SplitName = 'train' | 'test';

export function splitFileNames(split: SplitName): { images: string; labels: string } {
  return { images: `${split}-images.u8`, labels: `${split}-labels.u8` };
}

/** Checks the byte lengths agree before anything indexes into them. */
export function makeMnistSplit(images: Uint8Array, labels: Uint8Array): ImageSplit {
  if (images.length !== labels.length * MNIST_PIXELS) {
    throw new Error(
      `MNIST data is inconsistent: ${images.length} pixel bytes for ${labels.length} labels ` +
        `(expected ${labels.length * MNIST_PIXELS}). Regenerate it with "npm run prepare-data".`,
    );
  }
  return {
    images,
    labels,
    count: labels.length,
    height: MNIST_SPLIT.height,
    width: MNIST_SPLIT.width,
    channels: MNIST_SPLIT.channels,
    numClasses: MNIST_SPLIT.numClasses,
  };
}

/** A view of `count` examples from `start`, sharing the bytes (no copy). */
export function sliceSplit(split: ImageSplit, start: number, count: number): ImageSplit {
  const size = split.height * split.width * split.channels;
  return {
    ...split,
    images: split.images.subarray(start * size, (start + count) * size),
    labels: split.labels.subarray(start, start + count),
    count,
  };
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Could not load MNIST data from ${url} (HTTP ${response.status}). Run "npm run prepare-data" and reload.`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Loads a split over HTTP from `baseUrl` (a folder URL ending in "/"), in a page, a worker or Node. */
export async function fetchMnistSplit(baseUrl: string, split: SplitName): Promise<ImageSplit> {
  const names = splitFileNames(split);
  const [images, labels] = await Promise.all([fetchBytes(baseUrl + names.images), fetchBytes(baseUrl + names.labels)]);
  return makeMnistSplit(images, labels);
}
