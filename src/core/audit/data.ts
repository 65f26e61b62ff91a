/**
 * The data side of "bring your own model": the user's files (a CSV of texts, a folder of images with one subfolder
 * per class, or a CSV of file,label) turned into checked data sets. Every bad input ends in one Error saying what was
 * wrong, where (file, line or image) and what to do; anything fixed silently on the way is reported as a notice.
 *
 * Pure TypeScript (no tfjs, DOM or Node): the browser decodes images with its own codecs, the command line with
 * pngjs and jpeg-js (scripts/imageFiles.ts), and both hand the pixels to `buildImageSplit`.
 */
import type { ImageSplit } from '../data/mnist';
import type { LabelledText } from '../text/batch';
import { DEFAULT_MAX_CHARS, readablePart } from '../text/tokenizer';
import { parseCsvRecords, type CsvRecord } from './csv';
import { escapeForMessage, quoteForMessage } from './quote';
import { formatCount } from '../format';

/** Where a CSV came from, for the messages; "The CSV file" when not given. */
export interface CsvSourceOptions {
  source?: string;
}

const DEFAULT_SOURCE = 'The CSV file';
const LISTED_CLASSES = 20;
const LISTED_LINES = 10;
const INTEGER = /^[0-9]+$/;

const quoted = (value: string) => quoteForMessage(value);
const capitalize = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function listClasses(classes: readonly string[]): string {
  const shown = classes.slice(0, LISTED_CLASSES).map(quoted).join(', ');
  return classes.length > LISTED_CLASSES ? `${shown} and ${classes.length - LISTED_CLASSES} more` : shown;
}

function listLines(lines: readonly number[]): string {
  const shown = lines.slice(0, LISTED_LINES).join(', ');
  return lines.length > LISTED_LINES ? `${shown}, ...` : shown;
}

/** The class index for a label, or the reason there is none (a sentence to prefix with a place). */
function matchLabel(value: string, classes: readonly string[]): number | string {
  const exact = classes.indexOf(value);
  if (exact >= 0) return exact;
  const trimmed = value.trim();
  if (trimmed === '') return `the label is empty; give one of the model's classes: ${listClasses(classes)}.`;
  const trimmedExact = classes.indexOf(trimmed);
  if (trimmedExact >= 0) return trimmedExact;
  const lower = trimmed.toLowerCase();
  const loose = classes.flatMap((name, index) => (name.trim().toLowerCase() === lower ? [index] : []));
  if (loose.length === 1) return loose[0];
  if (loose.length > 1) {
    return `the label ${quoted(value)} matches ${loose.map((i) => quoted(classes[i])).join(' and ')} apart from case; write it exactly as one of them.`;
  }
  if (INTEGER.test(trimmed)) {
    // When class names are numbers themselves, "3" as an index and "3" as a name would disagree: read names only.
    if (classes.some((name) => INTEGER.test(name.trim()))) {
      return (
        `the label ${quoted(value)} is not one of the model's classes (${listClasses(classes)}); ` +
        'the class names are numbers, so a number is read as a class name, not as an index. Use one of these names.'
      );
    }
    const index = Number(trimmed);
    if (index < classes.length) return index;
    return (
      `the label ${quoted(value)} is out of range: the model has ${plural(classes.length, 'class', 'classes')}, ` +
      `so an index must be 0 to ${classes.length - 1}. Use an index in range or a class name: ${listClasses(classes)}.`
    );
  }
  return (
    `the label ${quoted(value)} is not one of the model's classes: ${listClasses(classes)}. ` +
    `Use one of these names (any case) or an index from 0 to ${classes.length - 1}.`
  );
}

/**
 * A label as the user wrote it, as a class index: the class name exactly, then ignoring case and surrounding spaces,
 * then an integer index in range (only when no class name is itself a number).
 */
export function resolveLabel(value: string, classes: readonly string[]): number {
  if (classes.length === 0) throw new Error('The model has no class names to match labels against; give its classes first.');
  const result = matchLabel(value, classes);
  if (typeof result === 'number') return result;
  throw new Error(capitalize(result));
}

interface Table {
  header: CsvRecord;
  /** Column index per wanted column key. */
  columns: Record<string, number>;
  rows: CsvRecord[];
}

interface WantedColumn {
  key: string;
  /** Accepted header names, lower-case; the first is the one suggested to the user. */
  names: readonly string[];
}

const isBlank = (record: CsvRecord) => record.fields.every((field) => field.trim() === '');

/**
 * The header and data rows of a CSV, with the wanted columns found by name (any case, any order, extra columns
 * ignored). Rows with nothing in them are dropped, since spreadsheets often leave a few at the end.
 */
function readTable(text: string, wanted: readonly WantedColumn[], source: string, whatRowsAre: string): Table {
  const records = parseCsvRecords(text, source).filter((record) => !isBlank(record));
  const headerExample = wanted.map((w) => w.names[0]).join(',');
  if (records.length === 0) {
    throw new Error(`${source} is empty. It needs a header line "${headerExample}" and then one row per ${whatRowsAre}.`);
  }
  const [header, ...rows] = records;
  const names = header.fields.map((field) => field.trim().toLowerCase());
  const columns: Record<string, number> = {};
  const missing: WantedColumn[] = [];
  for (const column of wanted) {
    const found = names.flatMap((name, index) => (column.names.includes(name) ? [index] : []));
    if (found.length > 1) {
      throw new Error(
        `${source}, line ${header.line}: the header has ${found.length} columns for "${column.names[0]}" ` +
          `(columns ${found.map((i) => i + 1).join(' and ')}); keep one and rename or delete the others.`,
      );
    }
    if (found.length === 1) columns[column.key] = found[0];
    else missing.push(column);
  }
  const foundList = header.fields.map((field) => quoted(field)).join(', ');
  // One field holding ; or tabs usually means a spreadsheet saved with another separator.
  const separatorHint =
    header.fields.length === 1 && /[;\t]/.test(header.fields[0])
      ? ' The line looks separated by semicolons or tabs; save the file as comma-separated values.'
      : '';
  if (missing.length === wanted.length) {
    throw new Error(
      `${source}, line ${header.line}: the first line must be a header naming the columns ${wanted.map((w) => `"${w.names[0]}"`).join(' and ')}, ` +
        `but it reads ${foundList}. If the file has no header, add the line "${headerExample}" at the top.${separatorHint}`,
    );
  }
  if (missing.length > 0) {
    const describe = (w: WantedColumn) =>
      w.names.length === 1
        ? `"${w.names[0]}"`
        : `"${w.names[0]}" (or ${w.names
            .slice(1)
            .map((n) => `"${n}"`)
            .join(', ')})`;
    throw new Error(
      `${source}, line ${header.line}: the header has no column named ${missing.map(describe).join(' or ')}; ` +
        `the columns found are ${foundList}. Rename the column that holds it to "${missing[0].names[0]}".${separatorHint}`,
    );
  }
  const headerNames = wanted.map((w) => w.names[0]).join(', ');
  for (const row of rows) {
    if (row.fields.length < header.fields.length) {
      const absent = wanted.filter((w) => columns[w.key] >= row.fields.length).map((w) => `"${w.names[0]}"`);
      throw new Error(
        `${source}, line ${row.line}: the row has ${plural(row.fields.length, 'field')} but the header has ` +
          `${plural(header.fields.length, 'column')}${absent.length > 0 ? `, so ${absent.join(' and ')} is missing` : ''}. ` +
          `Give every row a value for each column (${headerNames}), separated by commas.`,
      );
    }
    if (row.fields.length > header.fields.length) {
      // More fields than columns is almost always an unquoted comma, which would shift every later column.
      throw new Error(
        `${source}, line ${row.line}: the row has ${plural(row.fields.length, 'field')} but the header has ` +
          `${plural(header.fields.length, 'column')}. A value holding a comma, a quote or a line break must be in ` +
          'double quotes, with a quote inside it written as two ("").',
      );
    }
  }
  return { header, columns, rows };
}

function labelAt(value: string, classes: readonly string[], source: string, line: number): number {
  const result = matchLabel(value, classes);
  if (typeof result === 'number') return result;
  throw new Error(`${source}, line ${line}: ${result}`);
}

export interface TextCsvOptions extends CsvSourceOptions {
  /** Keep only the first rows; the rest are left out and their labels not checked. */
  maxRows?: number;
}

/** A CSV with a header naming `text` and `label` (any case, any order, other columns ignored), one example a row. */
export function parseTextCsv(text: string, classes: readonly string[], options: TextCsvOptions = {}): { examples: LabelledText[]; notices: string[] } {
  const source = escapeForMessage(options.source ?? DEFAULT_SOURCE);
  if (classes.length === 0) throw new Error('The model has no class names to match labels against; give its classes first.');
  const table = readTable(
    text,
    [
      { key: 'text', names: ['text'] },
      { key: 'label', names: ['label'] },
    ],
    source,
    'example',
  );
  if (table.rows.length === 0) {
    throw new Error(`${source}: the header is there but no examples follow it. Add one row per example: a text, a comma, its label.`);
  }
  const maxRows = options.maxRows ?? Infinity;
  if (!(maxRows >= 1)) throw new Error(`maxRows must be at least 1 (got ${maxRows}).`);
  const used = table.rows.slice(0, maxRows);
  const examples: LabelledText[] = [];
  const emptyLines: number[] = [];
  const longLines: number[] = [];
  for (const row of used) {
    const value = row.fields[table.columns.text];
    if (value.trim() === '') emptyLines.push(row.line);
    // The tokenizer reads the first 100,000 characters; keeping only those bounds every attack query on a huge text.
    const text = readablePart(value);
    if (text.length < value.length) longLines.push(row.line);
    examples.push({ text, label: labelAt(row.fields[table.columns.label], classes, source, row.line) });
  }
  const notices: string[] = [];
  if (longLines.length > 0) {
    notices.push(
      `${source}: ${plural(longLines.length, 'text is', 'texts are')} longer than ${formatCount(DEFAULT_MAX_CHARS)} characters ` +
        `(line ${listLines(longLines)}); only the words in the first ${formatCount(DEFAULT_MAX_CHARS)} are kept, as the tokenizer reads no further.`,
    );
  }
  if (emptyLines.length > 0) {
    notices.push(
      `${source}: ${plural(emptyLines.length, 'example has', 'examples have')} an empty text (line ${listLines(emptyLines)}); ` +
        'kept, so the model is also judged on empty input.',
    );
  }
  if (used.length < table.rows.length) {
    notices.push(
      `${source}: used the first ${plural(used.length, 'example')}; the other ${plural(table.rows.length - used.length, 'row was', 'rows were')} left out (labels not checked).`,
    );
  }
  return { examples, notices };
}

/** Numeric names in numeric order ("2" before "10") and first, then the rest in code-unit order (locale-free). */
export function compareClassNames(a: string, b: string): number {
  const numericA = INTEGER.test(a);
  const numericB = INTEGER.test(b);
  if (numericA && numericB) {
    const byValue = Number(a) - Number(b);
    if (byValue !== 0) return byValue;
  } else if (numericA !== numericB) {
    return numericA ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Labels from a folder layout: each file's class is the name of the folder it sits in ("digits/3/img1.png" is
 * class "3"), for a browser's webkitRelativePath or a path relative to the chosen folder. Classes come back sorted.
 */
export function labelsFromFolders(paths: readonly string[]): { classes: string[]; labels: number[] } {
  if (paths.length === 0) {
    throw new Error("No image files were found. Choose a folder with one subfolder per class, each holding that class's images.");
  }
  const parents = paths.map((path) => {
    const parts = path.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
    if (parts.length < 2) {
      throw new Error(
        `${quoted(path)} is not inside a class folder. Put each image in a subfolder named after its class ` +
          '(for example digits/3/img1.png for class "3") and choose the folder that holds the subfolders.',
      );
    }
    return parts[parts.length - 2];
  });
  const classes = [...new Set(parents)].sort(compareClassNames);
  const indexOf = new Map(classes.map((name, index) => [name, index]));
  return { classes, labels: parents.map((name) => indexOf.get(name)!) };
}

/** A CSV of `file` (or `filename`, `path`) and `label`: each file as written in the CSV, with its class index. */
export function parseImageLabelCsv(text: string, classes: readonly string[], options: CsvSourceOptions = {}): Map<string, number> {
  const source = escapeForMessage(options.source ?? DEFAULT_SOURCE);
  if (classes.length === 0) throw new Error('The model has no class names to match labels against; give its classes first.');
  const table = readTable(
    text,
    [
      { key: 'file', names: ['file', 'filename', 'path'] },
      { key: 'label', names: ['label'] },
    ],
    source,
    'image',
  );
  if (table.rows.length === 0) {
    throw new Error(`${source}: the header is there but no images follow it. Add one row per image: its file, a comma, its label.`);
  }
  const labels = new Map<string, number>();
  const lineOf = new Map<string, number>();
  for (const row of table.rows) {
    const file = row.fields[table.columns.file].trim();
    if (file === '') {
      throw new Error(`${source}, line ${row.line}: the file name is empty. Give the image's path, relative to the CSV file.`);
    }
    const label = labelAt(row.fields[table.columns.label], classes, source, row.line);
    const earlier = lineOf.get(file);
    if (earlier !== undefined) {
      throw new Error(`${source}, line ${row.line}: ${quoted(file)} is already listed on line ${earlier}; list each image once.`);
    }
    labels.set(file, label);
    lineOf.set(file, row.line);
  }
  return labels;
}

/**
 * Pairs uploaded image paths with the rows of a labels CSV (`parseImageLabelCsv`), in the CSV's row order as the
 * command line reads them, so both audit the same images in the same order. A row matches a path written exactly,
 * as its end after a folder ("cat/1.png" for an upload "data/cat/1.png"), or by file name when only one row has it.
 */
export function matchImagesToLabelCsv(
  paths: readonly string[],
  listed: ReadonlyMap<string, number>,
  options: CsvSourceOptions = {},
): { order: number[]; labels: number[] } {
  const source = escapeForMessage(options.source ?? DEFAULT_SOURCE);
  const rows = [...listed].map(([file, label]) => ({ file, key: file.replace(/^(\.\/)+/, ''), label }));
  const baseName = (path: string) => path.split('/').pop()!;
  const rowOf = (path: string): number => {
    const exact = rows.findIndex((r) => r.file === path || r.key === path);
    if (exact >= 0) return exact;
    const suffixes = rows.flatMap((r, i) => (path.endsWith(`/${r.key}`) ? [i] : []));
    if (suffixes.length > 0) return suffixes.reduce((best, i) => (rows[i].key.length > rows[best].key.length ? i : best));
    const sameName = rows.flatMap((r, i) => (baseName(r.key) === baseName(path) ? [i] : []));
    if (sameName.length === 1) return sameName[0];
    if (sameName.length > 1) {
      throw new Error(
        `${source} lists ${sameName.length} files named ${quoted(baseName(path))} (${sameName
          .slice(0, 5)
          .map((i) => quoted(rows[i].file))
          .join(', ')}) ` +
          `and none is the path of ${escapeForMessage(path)}. Write each file's path in the CSV with its folders, relative to the folder you chose.`,
      );
    }
    throw new Error(`${source} gives no label for ${escapeForMessage(path)}. Add a row "${escapeForMessage(baseName(path))},<label>".`);
  };
  const matched = paths.map((path, index) => ({ index, row: rowOf(path) }));
  const byRow = new Map<number, number>();
  for (const { index, row } of matched) {
    const other = byRow.get(row);
    if (other !== undefined) {
      throw new Error(
        `${source}: the row for ${quoted(rows[row].file)} matches both ${escapeForMessage(paths[other])} and ${escapeForMessage(paths[index])}. ` +
          'Give each image its own row, with its folders in the path.',
      );
    }
    byRow.set(row, index);
  }
  matched.sort((a, b) => a.row - b.row);
  return { order: matched.map((m) => m.index), labels: matched.map((m) => rows[m.row].label) };
}

/** Pixels as a decoder gives them: 0..255, row-major [height, width, channels]. */
export interface DecodedImage {
  /** The file (or other name) the messages point at. */
  name: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  pixels: Uint8Array;
}

/** What the model takes, as far as the data is concerned. */
export interface ImageExpectation {
  height: number;
  width: number;
  channels: 1 | 3;
  numClasses: number;
}

/** ImageSplit labels are bytes. */
const MAX_IMAGE_CLASSES = 256;

/**
 * Checks the images fit the model (size, channels, labels) and packs them into an ImageSplit. RGBA loses its alpha
 * (composited onto black, with a notice when anything was transparent), RGB feeds a grayscale model only when it is
 * gray already, and grayscale feeds an RGB model by copying the channel.
 */
export function buildImageSplit(
  images: readonly DecodedImage[],
  labels: readonly number[],
  expected: ImageExpectation,
): { split: ImageSplit; notices: string[] } {
  const { height, width, channels, numClasses } = expected;
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > MAX_IMAGE_CLASSES) {
    throw new Error(`Image audits support 1 to ${MAX_IMAGE_CLASSES} classes; this model has ${numClasses}.`);
  }
  if (images.length === 0) {
    throw new Error('There are no images to audit. Give at least one image with its label.');
  }
  if (images.length !== labels.length) {
    throw new Error(
      `There ${images.length === 1 ? 'is' : 'are'} ${plural(images.length, 'image')} but ${plural(labels.length, 'label')}; ` +
        'every image needs exactly one label.',
    );
  }
  for (const [i, image] of images.entries()) {
    const bytes = image.width * image.height * image.channels;
    if (![1, 3, 4].includes(image.channels) || image.pixels.length !== bytes) {
      throw new Error(
        `${escapeForMessage(image.name)}: decoded to ${image.pixels.length} bytes, which is not ${image.width}x${image.height} pixels of ` +
          `${image.channels} channels. The file may be damaged; re-export it or leave it out.`,
      );
    }
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(
        `${escapeForMessage(image.name)}: its label ${label} is not a class of the model, which has ${plural(numClasses, 'class', 'classes')} ` +
          `(0 to ${numClasses - 1}). Check the label given for this image.`,
      );
    }
  }
  const wrongSize = images.filter((image) => image.width !== width || image.height !== height);
  if (wrongSize.length > 0) {
    const first = wrongSize[0];
    const others = wrongSize.length > 1 ? ` (${wrongSize.length} of ${images.length} images have another size)` : '';
    throw new Error(
      `${escapeForMessage(first.name)} is ${first.width}x${first.height} pixels but the model takes ${width}x${height} (width x height)${others}. ` +
        `Resize the images to ${width}x${height} before the audit.`,
    );
  }

  const pixelsPerImage = height * width;
  const out = new Uint8Array(images.length * pixelsPerImage * channels);
  const transparent: string[] = [];
  const grayToRgb: string[] = [];
  const colour: { name: string; differing: number }[] = [];
  const rgb = new Uint8Array(pixelsPerImage * 3);
  for (const [i, image] of images.entries()) {
    const target = out.subarray(i * pixelsPerImage * channels, (i + 1) * pixelsPerImage * channels);
    const source = image.pixels;
    if (image.channels === 1) {
      if (channels === 1) {
        target.set(source);
      } else {
        for (let p = 0; p < pixelsPerImage; p++) target.fill(source[p], 3 * p, 3 * p + 3);
        grayToRgb.push(escapeForMessage(image.name));
      }
      continue;
    }
    let colourPixels = source;
    if (image.channels === 4) {
      // Transparent pixels over black, so a light-on-transparent drawing stays light on dark.
      let anyTransparent = false;
      for (let p = 0; p < pixelsPerImage; p++) {
        const alpha = source[4 * p + 3];
        if (alpha < 255) anyTransparent = true;
        for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.round((source[4 * p + c] * alpha) / 255);
      }
      if (anyTransparent) transparent.push(escapeForMessage(image.name));
      colourPixels = rgb;
    }
    if (channels === 3) {
      target.set(colourPixels.subarray(0, pixelsPerImage * 3));
      continue;
    }
    let differing = 0;
    for (let p = 0; p < pixelsPerImage; p++) {
      const r = colourPixels[3 * p];
      if (r !== colourPixels[3 * p + 1] || r !== colourPixels[3 * p + 2]) differing++;
      target[p] = r;
    }
    if (differing > 0) colour.push({ name: image.name, differing });
  }
  if (colour.length > 0) {
    const first = colour[0];
    const others = colour.length > 1 ? `, as ${colour.length === 2 ? 'is' : 'are'} ${plural(colour.length - 1, 'other image')}` : '';
    throw new Error(
      `${escapeForMessage(first.name)} is in colour (${first.differing} of ${pixelsPerImage} pixels have R, G and B different)${others}, ` +
        'but the model takes grayscale images. Convert the images to grayscale before the audit.',
    );
  }

  const notices: string[] = [];
  if (transparent.length > 0) {
    notices.push(
      `${plural(transparent.length, 'image has', 'images have')} transparent pixels (the first is ${transparent[0]}); ` +
        'the model takes no alpha channel, so they were composited onto black.',
    );
  }
  if (grayToRgb.length > 0) {
    notices.push(
      `${plural(grayToRgb.length, 'grayscale image was', 'grayscale images were')} given to a model that takes RGB ` +
        `(the first is ${grayToRgb[0]}); the gray value was copied to R, G and B.`,
    );
  }
  return {
    split: { images: out, labels: Uint8Array.from(labels), count: images.length, height, width, channels, numClasses },
    notices,
  };
}

/** The same checks and conversions for data already in an ImageSplit; images are named by position from 1. */
export function checkSplitAgainstModel(split: ImageSplit, expected: ImageExpectation): { split: ImageSplit; notices: string[] } {
  const { count, height, width, channels } = split;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`The data set has ${channels} channels per pixel; an image audit takes 1 (gray), 3 (RGB) or 4 (RGBA).`);
  }
  const size = height * width * channels;
  if (split.images.length !== count * size || split.labels.length !== count) {
    throw new Error(
      `The data set is inconsistent: ${split.images.length} pixel bytes and ${split.labels.length} labels for ${count} ` +
        `images of ${width}x${height}x${channels} (expected ${count * size} bytes). Rebuild it from the image files.`,
    );
  }
  const images: DecodedImage[] = Array.from({ length: count }, (_, i) => ({
    name: `Image ${i + 1}`,
    width,
    height,
    channels,
    pixels: split.images.subarray(i * size, (i + 1) * size),
  }));
  return buildImageSplit(images, Array.from(split.labels), expected);
}
