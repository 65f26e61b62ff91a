import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBomb } from './hostileFixtures';
import { grayPixels, pngBytes, rgbaPixels } from './imageFixtures';
import { loadImageDataset, readImageFolder, type ImageDatasetExpectation } from './imageFiles';

const ROOT = mkdtempSync(join(tmpdir(), 'audit-images-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

function write(path: string, bytes: Uint8Array | string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

const A_LEVEL = (x: number, y: number) => 16 * x + 64 * y;
const JPEG_LEVEL = (x: number, y: number) => 100 + 10 * x + 5 * y;
const C_LEVEL = () => 222;

/** root/cat/{a.png, b.jpg}, root/dog/c.png, plus files that are not images. */
function writeDigitsFolder(root: string) {
  write(join(root, 'cat', 'a.png'), pngBytes(4, 4, grayPixels(4, 4, A_LEVEL)));
  write(join(root, 'cat', 'b.jpg'), jpeg.encode({ width: 4, height: 4, data: grayPixels(4, 4, JPEG_LEVEL) }, 100).data);
  write(join(root, 'dog', 'c.png'), pngBytes(4, 4, grayPixels(4, 4, C_LEVEL)));
  write(join(root, 'dog', '._c.png'), 'macOS resource fork');
  write(join(root, 'notes.txt'), 'not an image');
}

const MODEL: ImageDatasetExpectation = { height: 4, width: 4, channels: 1, numClasses: 3, classes: ['cat', 'dog', 'bird'] };

const levels = (width: number, height: number, level: (x: number, y: number) => number) =>
  Array.from({ length: width * height }, (_, i) => level(i % width, Math.floor(i / width)));

describe('readImageFolder', () => {
  const dir = join(ROOT, 'folder');
  beforeAll(() => writeDigitsFolder(dir));

  it('decodes PNG and JPEG files in sorted path order, skipping hidden and non-image files', async () => {
    const { images, paths } = await readImageFolder(dir);
    expect(paths).toEqual(['cat/a.png', 'cat/b.jpg', 'dog/c.png']);
    expect(images.map((i) => [i.width, i.height, i.channels])).toEqual([
      [4, 4, 4],
      [4, 4, 4],
      [4, 4, 4],
    ]);
    expect(images[0].name).toBe(join(dir, 'cat/a.png'));
  });

  it('says a missing folder is missing and what to give', async () => {
    await expect(readImageFolder(join(ROOT, 'nowhere'))).rejects.toThrow(
      /nowhere is not a folder \(nothing is there\)\. Give the folder that holds one subfolder per class/,
    );
  });

  it('says a folder without images has none and where to put them', async () => {
    write(join(ROOT, 'empty', 'readme.md'), '#');
    await expect(readImageFolder(join(ROOT, 'empty'))).rejects.toThrow(/holds no \.png, \.jpg or \.jpeg files\. Put the images in one subfolder per class/);
  });
});

describe('loadImageDataset', () => {
  const dir = join(ROOT, 'dataset');
  beforeAll(() => writeDigitsFolder(dir));

  it("reads a class-folder layout as a grayscale split with the model's labels and pixels", async () => {
    const { split, notices, paths } = await loadImageDataset(dir, MODEL);
    expect(paths).toEqual(['cat/a.png', 'cat/b.jpg', 'dog/c.png']);
    expect([...split.labels]).toEqual([0, 0, 1]);
    expect({ count: split.count, height: split.height, width: split.width, channels: split.channels, numClasses: split.numClasses }).toEqual({
      count: 3,
      height: 4,
      width: 4,
      channels: 1,
      numClasses: 3,
    });
    expect([...split.images.subarray(0, 16)]).toEqual(levels(4, 4, A_LEVEL));
    expect([...split.images.subarray(32, 48)]).toEqual(levels(4, 4, C_LEVEL));
    // JPEG is lossy: close to what was written, not equal.
    const jpegPixels = [...split.images.subarray(16, 32)];
    levels(4, 4, JPEG_LEVEL).forEach((expected, i) => expect(Math.abs(jpegPixels[i] - expected)).toBeLessThanOrEqual(6));
    expect(notices).toEqual([`No images for 1 of the model's 3 classes: "bird".`]);
  });

  it('gives an RGB model three equal channels', async () => {
    const { split } = await loadImageDataset(dir, { ...MODEL, channels: 3 });
    expect(split.channels).toBe(3);
    expect([...split.images.subarray(0, 6)]).toEqual([0, 0, 0, 16, 16, 16]);
  });

  it("matches folder names to the model's classes by name, loosely by case, and says so", async () => {
    const { split, notices } = await loadImageDataset(dir, { ...MODEL, classes: ['bird', 'CAT', 'dog'] });
    expect([...split.labels]).toEqual([1, 1, 2]);
    expect(notices).toContain('The subfolder "cat" was read as the model\'s class 1 ("CAT").');
  });

  it('says which subfolder is not a class of the model and what to do', async () => {
    await expect(loadImageDataset(dir, { ...MODEL, classes: ['cat', 'horse', 'bird'] })).rejects.toThrow(
      /the subfolder "dog" does not name a class of the model\. The label "dog" is not one of the model's classes: "cat", "horse", "bird".*Rename the folder/,
    );
  });

  it("reads a CSV of file,label with paths relative to it, in the CSV's order", async () => {
    const csv = join(dir, 'labels.csv');
    write(csv, 'file,label\r\ndog/c.png,cat\r\n"cat/a.png",1\r\n');
    const { split, paths } = await loadImageDataset(csv, MODEL);
    expect(paths).toEqual(['dog/c.png', 'cat/a.png']);
    expect([...split.labels]).toEqual([0, 1]);
    expect([...split.images.subarray(16, 32)]).toEqual(levels(4, 4, A_LEVEL));
  });

  it('names the CSV line with a bad label', async () => {
    const csv = join(ROOT, 'bad-label', 'labels.csv');
    write(csv, 'file,label\na.png,cat\nb.png,zebra\n');
    await expect(loadImageDataset(csv, MODEL)).rejects.toThrow(/labels\.csv, line 3: the label "zebra" is not one of the model's classes/);
  });

  it('says which file a CSV lists that is not there, and what paths are relative to', async () => {
    const csv = join(ROOT, 'missing', 'labels.csv');
    write(csv, 'file,label\ngone.png,cat\n');
    await expect(loadImageDataset(csv, MODEL)).rejects.toThrow(
      /lists "gone\.png", but there is no readable file at .*gone\.png\. Paths in the CSV are relative to the folder that holds it/,
    );
  });

  it('names a file that is not an image at all', async () => {
    const bad = join(ROOT, 'corrupt');
    write(join(bad, 'cat', 'a.png'), pngBytes(4, 4, grayPixels(4, 4, A_LEVEL)));
    write(join(bad, 'cat', 'broken.png'), 'this is not a png');
    await expect(loadImageDataset(bad, MODEL)).rejects.toThrow(
      /cat[\\/]broken\.png is not a PNG or JPEG image \(its first bytes .*\)\. Re-export it as PNG or JPEG, or remove it/,
    );
  });

  it('names a truncated PNG that fails to decode', async () => {
    const bad = join(ROOT, 'truncated');
    const whole = pngBytes(4, 4, grayPixels(4, 4, A_LEVEL));
    write(join(bad, 'cat', 'cut.png'), whole.subarray(0, 40));
    await expect(loadImageDataset(bad, MODEL)).rejects.toThrow(
      /Could not decode .*cat[\\/]cut\.png as a PNG \(.*\)\. The file may be damaged: re-export it, or remove it/,
    );
  });

  it('refuses a PNG decompression bomb (30000x30000) from its header, before pngjs allocates its pixels', async () => {
    const dir = join(ROOT, 'bomb');
    write(join(dir, 'cat', 'bomb.png'), pngBomb());
    const before = process.memoryUsage().arrayBuffers;
    await expect(loadImageDataset(dir, MODEL)).rejects.toThrow(/bomb\.png declares 30000x30000 pixels in its PNG header, .* it was not decoded/);
    // Decoded, it would take 900 MB of gray pixels (3.6 GB as RGBA); measured here: well under 1 MB more.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a labels CSV row leaving the folder of the CSV or naming a device', async () => {
    const dir = join(ROOT, 'csv-escape');
    write(join(dir, 'cat', 'a.png'), pngBytes(4, 4, grayPixels(4, 4, A_LEVEL)));
    write(join(dir, 'up.csv'), 'file,label\ncat/a.png,cat\n../outside.png,cat\n');
    await expect(loadImageDataset(join(dir, 'up.csv'), MODEL)).rejects.toThrow(/up\.csv names an image "\.\.\/outside\.png", which is outside its folder/);
    write(join(dir, 'zero.csv'), 'file,label\n/dev/zero,cat\n');
    await expect(loadImageDataset(join(dir, 'zero.csv'), MODEL)).rejects.toThrow(/zero\.csv names an image by an absolute path, "\/dev\/zero"/);
    write(join(dir, 'folder.csv'), 'file,label\ncat,cat\n');
    await expect(loadImageDataset(join(dir, 'folder.csv'), MODEL)).rejects.toThrow(/names an image "cat", which is a folder, not a file/);
  });

  it('decodes by content, so a JPEG named .png still reads', async () => {
    const odd = join(ROOT, 'misnamed');
    write(join(odd, 'cat', 'photo.png'), jpeg.encode({ width: 4, height: 4, data: grayPixels(4, 4, () => 128) }, 95).data);
    const { split } = await loadImageDataset(odd, MODEL);
    for (const value of split.images) expect(Math.abs(value - 128)).toBeLessThanOrEqual(3);
  });

  it('names the first image of the wrong size and the size to resize to', async () => {
    const mixed = join(ROOT, 'sizes');
    write(join(mixed, 'cat', 'a.png'), pngBytes(4, 4, grayPixels(4, 4, A_LEVEL)));
    write(
      join(mixed, 'dog', 'wide.png'),
      pngBytes(
        5,
        3,
        grayPixels(5, 3, () => 0),
      ),
    );
    await expect(loadImageDataset(mixed, MODEL)).rejects.toThrow(
      /dog[\\/]wide\.png is 5x3 pixels but the model takes 4x4 \(width x height\)\. Resize the images to 4x4/,
    );
  });

  it('refuses colour images for a grayscale model', async () => {
    const colour = join(ROOT, 'colour');
    write(
      join(colour, 'cat', 'red.png'),
      pngBytes(
        4,
        4,
        rgbaPixels(4, 4, (x) => [x === 0 ? 255 : 0, 0, 0, 255]),
      ),
    );
    await expect(loadImageDataset(colour, MODEL)).rejects.toThrow(/red\.png is in colour \(4 of 16 pixels.*Convert the images to grayscale/);
  });

  it('says what to give when the path is neither a folder nor a CSV', async () => {
    await expect(loadImageDataset(join(ROOT, 'none'), MODEL)).rejects.toThrow(
      /There is nothing at .*none\. Give a folder with one subfolder per class, or a CSV/,
    );
    await expect(loadImageDataset(join(dir, 'cat', 'a.png'), MODEL)).rejects.toThrow(/is a file but not a \.csv/);
  });
});
