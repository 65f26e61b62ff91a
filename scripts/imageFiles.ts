/**
 * Image data sets from disk for the command line (`npm run audit -- --data ...`): a folder with one subfolder per
 * class, or a CSV of file,label. Decodes PNG with pngjs and JPEG with jpeg-js and leaves every check and channel
 * conversion to src/core/audit/data.ts, so the command line and the browser accept exactly the same data.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ImageSplit } from '../src/core/data/mnist';
import { buildImageSplit, labelsFromFolders, parseImageLabelCsv, resolveLabel, type DecodedImage, type ImageExpectation } from '../src/core/audit/data';
import { checkImageHeader, imageFormatOf } from '../src/core/audit/imageHeader';
import { escapeForMessage, quoteForMessage } from '../src/core/audit/quote';
import { checkedFileSize, fileInside, MAX_DATA_FILE_BYTES, readCheckedText } from './safeFiles';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Decodes by content, not extension, so a JPEG saved as .png still reads; always RGBA (data.ts drops the alpha). The
 * size in the header is checked first, so a decompression bomb is refused before the decoder allocates its pixels.
 */
export function decodeImageFile(bytes: Uint8Array, name: string): DecodedImage {
  const kind = imageFormatOf(bytes);
  if (kind !== 'PNG' && kind !== 'JPEG') {
    const what = bytes.length === 0 ? 'the file is empty' : kind ? `it is a ${kind}` : 'its first bytes are neither a PNG nor a JPEG signature';
    throw new Error(`${escapeForMessage(name)} is not a PNG or JPEG image (${what}). Re-export it as PNG or JPEG, or remove it.`);
  }
  checkImageHeader(bytes, name);
  try {
    if (kind === 'PNG') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      return { name, width: png.width, height: png.height, channels: 4, pixels: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    }
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { name, width: decoded.width, height: decoded.height, channels: 4, pixels: decoded.data };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not decode ${escapeForMessage(name)} as a ${kind} (${reason}). The file may be damaged: re-export it, or remove it.`, {
      cause: error,
    });
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Image files under `root` as paths relative to it with "/" separators; hidden entries (".DS_Store", "._x.png") skipped. */
async function listImageFiles(root: string, relative = ''): Promise<string[]> {
  const entries: Dirent[] = await readdir(join(root, relative), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    // macOS copies leave "._name.png" resource files next to the images; they are not images.
    if (entry.name.startsWith('.')) continue;
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && (await statOrUndefined(join(root, path)))?.isDirectory());
    if (isDirectory) found.push(...(await listImageFiles(root, path)));
    else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(path);
  }
  return found;
}

/** Every .png, .jpg and .jpeg under `dir`, decoded, in sorted path order so a run is reproducible. */
export async function readImageFolder(dir: string): Promise<{ images: DecodedImage[]; paths: string[] }> {
  const info = await statOrUndefined(dir);
  if (!info?.isDirectory()) {
    throw new Error(`${dir} is not a folder${info ? '' : ' (nothing is there)'}. Give the folder that holds one subfolder per class.`);
  }
  // Code-unit order, not the locale's, so every machine reads the files in the same order.
  const paths = (await listImageFiles(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (paths.length === 0) {
    throw new Error(`${dir} holds no .png, .jpg or .jpeg files. Put the images in one subfolder per class inside it.`);
  }
  const images: DecodedImage[] = [];
  for (const path of paths) {
    const file = join(dir, path);
    checkedFileSize(file, 'image', MAX_DATA_FILE_BYTES);
    images.push(decodeImageFile(await readFile(file), file));
  }
  return { images, paths };
}

export interface ImageDatasetExpectation extends ImageExpectation {
  /** The model's class names, by index; folder names and CSV labels are matched to them. */
  classes: readonly string[];
}

export interface LoadedImageDataset {
  split: ImageSplit;
  notices: string[];
  /** Each image's file in split order: relative to the folder, or as written in the CSV. */
  paths: string[];
}

function classesWithoutImages(labels: readonly number[], classes: readonly string[]): string[] {
  const present = new Set(labels);
  const missing = classes.filter((_, index) => !present.has(index));
  if (missing.length === 0) return [];
  const shown = missing
    .slice(0, 20)
    .map((name) => quoteForMessage(name))
    .join(', ');
  return [`No images for ${missing.length} of the model's ${classes.length} classes: ${shown}${missing.length > 20 ? ', ...' : ''}.`];
}

async function loadFolder(dir: string, expected: ImageDatasetExpectation): Promise<LoadedImageDataset> {
  const { images, paths } = await readImageFolder(dir);
  const folders = labelsFromFolders(paths);
  const notices: string[] = [];
  const modelIndex = folders.classes.map((folder) => {
    let index: number;
    try {
      index = resolveLabel(folder, expected.classes);
    } catch (error) {
      throw new Error(
        `${escapeForMessage(dir)}: the subfolder ${quoteForMessage(folder)} does not name a class of the model. ${(error as Error).message} ` +
          'Rename the folder after the class its images belong to.',
        { cause: error },
      );
    }
    // Say when a folder matched only loosely (by case or as an index), so a surprise is visible.
    if (expected.classes[index] !== folder) {
      notices.push(`The subfolder ${quoteForMessage(folder)} was read as the model's class ${index} (${quoteForMessage(expected.classes[index])}).`);
    }
    return index;
  });
  const labels = folders.labels.map((folderIndex) => modelIndex[folderIndex]);
  const built = buildImageSplit(images, labels, expected);
  return { split: built.split, notices: [...notices, ...built.notices, ...classesWithoutImages(labels, expected.classes)], paths };
}

async function loadCsv(csvPath: string, expected: ImageDatasetExpectation): Promise<LoadedImageDataset> {
  const listed = parseImageLabelCsv(readCheckedText(csvPath, 'CSV', MAX_DATA_FILE_BYTES), expected.classes, { source: csvPath });
  const base = dirname(csvPath);
  const images: DecodedImage[] = [];
  const paths = [...listed.keys()];
  for (const file of paths) {
    // A row may not reach outside the CSV's folder (.., an absolute path, a link) or name a device or a folder.
    const found = fileInside(base, file, csvPath, 'an image');
    if (found && found.size > MAX_DATA_FILE_BYTES) checkedFileSize(found.path, 'image', MAX_DATA_FILE_BYTES);
    let bytes: Uint8Array | undefined;
    try {
      if (found) bytes = await readFile(found.path);
    } catch {
      bytes = undefined;
    }
    if (!bytes) {
      throw new Error(
        `${escapeForMessage(csvPath)} lists ${quoteForMessage(file)}, but there is no readable file at ${escapeForMessage(resolve(base, file))}. Paths in the CSV are relative to the folder that holds it.`,
      );
    }
    images.push(decodeImageFile(bytes, found!.path));
  }
  const labels = [...listed.values()];
  const built = buildImageSplit(images, labels, expected);
  return { split: built.split, notices: [...built.notices, ...classesWithoutImages(labels, expected.classes)], paths };
}

/**
 * An image data set checked against the model: `pathOrCsv` is a folder with one subfolder per class (named after
 * the model's classes) or a .csv with columns file,label whose paths are relative to the CSV.
 */
export async function loadImageDataset(pathOrCsv: string, expected: ImageDatasetExpectation): Promise<LoadedImageDataset> {
  if (expected.classes.length !== expected.numClasses) {
    throw new Error(`The model lists ${expected.classes.length} class names for ${expected.numClasses} outputs; give one name per output.`);
  }
  const info = await statOrUndefined(pathOrCsv);
  if (info === undefined) {
    throw new Error(`There is nothing at ${pathOrCsv}. Give a folder with one subfolder per class, or a CSV of file,label.`);
  }
  if (info.isDirectory()) return loadFolder(pathOrCsv, expected);
  if (extname(pathOrCsv).toLowerCase() === '.csv') return loadCsv(pathOrCsv, expected);
  throw new Error(`${pathOrCsv} is a file but not a .csv. Give a folder with one subfolder per class, or a CSV of file,label.`);
}
