import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImageSplit } from '../data/mnist';
import {
  buildImageSplit,
  checkSplitAgainstModel,
  compareClassNames,
  labelsFromFolders,
  matchImagesToLabelCsv,
  parseImageLabelCsv,
  parseTextCsv,
  resolveLabel,
  type DecodedImage,
  type ImageExpectation,
} from './data';

const SPAM = ['ham', 'spam'];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Runs `fn`, which must throw, and gives back the message for several assertions. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('resolveLabel', () => {
  it('takes a class name exactly, then ignoring case and spaces, then an index in range', () => {
    expect(resolveLabel('spam', SPAM)).toBe(1);
    expect(resolveLabel('SPAM', SPAM)).toBe(1);
    expect(resolveLabel(' Ham ', SPAM)).toBe(0);
    expect(resolveLabel('1', SPAM)).toBe(1);
    expect(resolveLabel('0', SPAM)).toBe(0);
  });

  it('prefers an exact name over a case-insensitive one', () => {
    expect(resolveLabel('cat', ['Cat', 'cat'])).toBe(1);
  });

  it('refuses a label matching two classes apart from case, and says to write it exactly', () => {
    const message = messageOf(() => resolveLabel('CAT', ['Cat', 'cat']));
    expect(message).toMatch(/"CAT" matches "Cat" and "cat" apart from case; write it exactly/);
  });

  it('reads numbers as names when the class names are numbers', () => {
    expect(resolveLabel('3', DIGITS)).toBe(3);
    expect(resolveLabel('7', ['3', '7'])).toBe(1);
    const message = messageOf(() => resolveLabel('1', ['3', '7']));
    expect(message).toMatch(/"1" is not one of the model's classes \("3", "7"\).*read as a class name, not as an index/);
  });

  it('says an index is out of range, with the range and the names', () => {
    const message = messageOf(() => resolveLabel('2', SPAM));
    expect(message).toMatch(/^The label "2" is out of range: the model has 2 classes, so an index must be 0 to 1/);
    expect(message).toContain('"ham", "spam"');
  });

  it('lists the first 20 valid names for an unknown label, and what to use instead', () => {
    const classes = Array.from({ length: 25 }, (_, i) => `class${i}`);
    const message = messageOf(() => resolveLabel('dog', classes));
    expect(message).toMatch(/^The label "dog" is not one of the model's classes: "class0", .* "class19" and 5 more\./);
    expect(message).not.toContain('class20');
    expect(message).toMatch(/Use one of these names \(any case\) or an index from 0 to 24\./);
    expect(() => resolveLabel('-1', SPAM)).toThrow(/not one of the model's classes/);
    expect(() => resolveLabel('1.5', SPAM)).toThrow(/not one of the model's classes/);
  });

  it('escapes control and bidi characters of a label and a file name it echoes', () => {
    // A right-to-left override would make the rest of the message read backwards in a terminal or a page.
    expect(() => resolveLabel('spam\u202E\n', ['ham', 'spamx'])).toThrow(/The label "spam\\u\{202E\}\\u\{000A\}" is not one/);
    const error = (() => {
      try {
        parseTextCsv('text,label\nhello,sp\u2066am', ['ham', 'spam'], { source: 'evil\u202Ecsv.txt' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toContain('evil\\u{202E}csv.txt, line 2: the label "sp\\u{2066}am"');
    expect(error).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('needs class names to match against', () => {
    expect(() => resolveLabel('a', [])).toThrow(/no class names.*give its classes/);
  });
});

describe('parseTextCsv', () => {
  it('reads text and label in any order and case, ignoring other columns', () => {
    const csv = '\uFEFFid,Label,TEXT\r\n1,spam,"Win $$$, now"\r\n2,0,"line one\nline two"\r\n';
    const { examples, notices } = parseTextCsv(csv, SPAM);
    expect(examples).toEqual([
      { text: 'Win $$$, now', label: 1 },
      { text: 'line one\nline two', label: 0 },
    ]);
    expect(notices).toEqual([]);
  });

  it('keeps texts as written and skips blank lines', () => {
    const { examples } = parseTextCsv('text,label\n  padded  ,ham\n\n,,\nnext,spam\n\n', SPAM);
    expect(examples).toEqual([
      { text: '  padded  ', label: 0 },
      { text: 'next', label: 1 },
    ]);
  });

  it('keeps empty texts and counts them in a notice with their lines', () => {
    const { examples, notices } = parseTextCsv('text,label\n,ham\nhello,spam\n" ",spam\n', SPAM, { source: 'mail.csv' });
    expect(examples.map((e) => e.text)).toEqual(['', 'hello', ' ']);
    expect(notices).toEqual([expect.stringMatching(/^mail\.csv: 2 examples have an empty text \(line 2, 4\); kept/)]);
  });

  it('keeps of a 10 MB text only the words the tokenizer reads, and says so', () => {
    const huge = 'win cash now '.repeat(800_000);
    const { examples, notices } = parseTextCsv(`text,label\n"${huge}",spam\nhello,ham\n`, ['ham', 'spam']);
    expect(huge.length).toBeGreaterThan(10_000_000);
    expect(examples[0].text.length).toBeLessThanOrEqual(100_000);
    expect(huge.startsWith(examples[0].text)).toBe(true);
    expect(examples[1]).toEqual({ text: 'hello', label: 0 });
    expect(notices).toEqual([expect.stringMatching(/1 text is longer than 100,000 characters \(line 2\); only the words in the first 100,000 are kept/)]);
  });

  it('keeps the first maxRows examples and says how many were left out', () => {
    const csv = 'text,label\na,ham\nb,spam\nc,nonsense\n';
    const { examples, notices } = parseTextCsv(csv, SPAM, { maxRows: 2 });
    expect(examples).toHaveLength(2);
    expect(notices).toEqual([expect.stringMatching(/used the first 2 examples; the other 1 row was left out/)]);
  });

  it('says an empty file is empty and what it needs', () => {
    for (const text of ['', '\uFEFF', '\n\n']) {
      const message = messageOf(() => parseTextCsv(text, SPAM, { source: 'mail.csv' }));
      expect(message).toMatch(/^mail\.csv is empty\. It needs a header line "text,label" and then one row per example\./);
    }
  });

  it('says a header is missing when the first line looks like data, and how to add one', () => {
    const message = messageOf(() => parseTextCsv('hello there,spam\nbye,ham\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 1: the first line must be a header naming the columns "text" and "label"/);
    expect(message).toContain('it reads "hello there", "spam"');
    expect(message).toContain('add the line "text,label" at the top');
  });

  it('names the missing column and the columns it found', () => {
    const message = messageOf(() => parseTextCsv('text,category\nhi,spam\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 1: the header has no column named "label"; the columns found are "text", "category"\./);
    expect(message).toContain('Rename the column that holds it to "label"');
  });

  it('suggests commas when the header is separated by semicolons', () => {
    const message = messageOf(() => parseTextCsv('text;label\nhi;spam\n', SPAM));
    expect(message).toMatch(/^The CSV file, line 1: .*save the file as comma-separated values/);
  });

  it('refuses two columns of the same name', () => {
    const message = messageOf(() => parseTextCsv('text,label,Text\na,ham,b\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 1: the header has 2 columns for "text" \(columns 1 and 3\); keep one/);
  });

  it('says which line misses a field', () => {
    const message = messageOf(() => parseTextCsv('text,label\nfine,ham\njust a text\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 3: the row has 1 field but the header has 2 columns, so "label" is missing\./);
    expect(message).toContain('Give every row a value for each column (text, label)');
  });

  it('says which line has an unquoted comma', () => {
    const message = messageOf(() => parseTextCsv('text,label\nHello, world,ham\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 2: the row has 3 fields but the header has 2 columns\. A value holding a comma.*double quotes/);
  });

  it('says which line has an unknown label, with the valid ones', () => {
    const message = messageOf(() => parseTextCsv('text,label\na,ham\n"two\nlines",eggs\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 3: the label "eggs" is not one of the model's classes: "ham", "spam"\. Use one of these names/);
  });

  it('says which line has an empty label', () => {
    const message = messageOf(() => parseTextCsv('text,label\na,\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 2: the label is empty; give one of the model's classes: "ham", "spam"\./);
  });

  it('says a header with no rows has no examples, and what to add', () => {
    const message = messageOf(() => parseTextCsv('text,label\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv: the header is there but no examples follow it\. Add one row per example/);
  });

  it('passes the file name into CSV syntax errors', () => {
    const message = messageOf(() => parseTextCsv('text,label\n"open,ham\n', SPAM, { source: 'mail.csv' }));
    expect(message).toMatch(/^mail\.csv, line 2: a field opened with a double quote .* never closed\. Close it with a quote/);
  });

  it('reads back any texts and labels a quoting writer wrote (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('w', 'ö', ' ', ',', '"', '\n', '\r\n', '\t', '🙂'), maxLength: 12 });
    const example = fc.record({ text, label: fc.integer({ min: 0, max: 1 }) });
    const quote = (field: string) => `"${field.replace(/"/g, '""')}"`;
    fc.assert(
      fc.property(fc.array(example, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (examples, lineBreak) => {
        // Rows whose text is only spaces would read as blank lines, so every text is quoted, as spreadsheets do.
        const csv = ['label,text', ...examples.map((e) => `${SPAM[e.label]},${quote(e.text)}`)].join(lineBreak) + lineBreak;
        expect(parseTextCsv(csv, SPAM).examples).toEqual(examples);
      }),
      { numRuns: 300 },
    );
  });
});

describe('labelsFromFolders', () => {
  it('labels each file by its parent folder, for browser and relative paths', () => {
    expect(labelsFromFolders(['digits/3/a.png', 'digits/10/b.png', 'digits/2/c.png', 'digits/3/d.png'])).toEqual({
      classes: ['2', '3', '10'],
      labels: [1, 2, 0, 1],
    });
    expect(labelsFromFolders(['cat/1.png', 'train/dog/2.png', './cat/3.png', 'dog\\4.png'])).toEqual({
      classes: ['cat', 'dog'],
      labels: [0, 1, 0, 1],
    });
  });

  it('sorts numeric names numerically and first, the rest by code unit', () => {
    expect(['b', '10', 'B', '2', 'a', '02'].sort(compareClassNames)).toEqual(['02', '2', '10', 'B', 'a', 'b']);
  });

  it('says a file outside a class folder must go into one', () => {
    const message = messageOf(() => labelsFromFolders(['cat/1.png', 'stray.png']));
    expect(message).toMatch(/^"stray\.png" is not inside a class folder\. Put each image in a subfolder named after its class/);
  });

  it('says when there are no files and what folder to choose', () => {
    expect(() => labelsFromFolders([])).toThrow(/No image files were found\. Choose a folder with one subfolder per class/);
  });
});

describe('parseImageLabelCsv', () => {
  it('maps each file to its class, with file, filename or path as the column', () => {
    for (const column of ['file', 'Filename', 'PATH']) {
      const labels = parseImageLabelCsv(`label,${column}\ncat,img/a.png\n1,"img/b, c.png"\n`, ['cat', 'dog']);
      expect([...labels]).toEqual([
        ['img/a.png', 0],
        ['img/b, c.png', 1],
      ]);
    }
  });

  it('names every accepted column when the file column is missing', () => {
    const message = messageOf(() => parseImageLabelCsv('image,label\na.png,cat\n', ['cat'], { source: 'labels.csv' }));
    expect(message).toMatch(/^labels\.csv, line 1: the header has no column named "file" \(or "filename", "path"\); the columns found are "image", "label"/);
    expect(message).toContain('Rename the column that holds it to "file"');
  });

  it('says which line has an unknown label', () => {
    const message = messageOf(() => parseImageLabelCsv('file,label\na.png,cat\nb.png,cow\n', ['cat', 'dog'], { source: 'labels.csv' }));
    expect(message).toMatch(/^labels\.csv, line 3: the label "cow" is not one of the model's classes: "cat", "dog"\. Use one/);
  });

  it('says which line lists an image twice', () => {
    const message = messageOf(() => parseImageLabelCsv('file,label\na.png,cat\nb.png,dog\na.png,dog\n', ['cat', 'dog'], { source: 'labels.csv' }));
    expect(message).toMatch(/^labels\.csv, line 4: "a\.png" is already listed on line 2; list each image once\./);
  });

  it('says which line has an empty file name', () => {
    const message = messageOf(() => parseImageLabelCsv('file,label\n ,cat\n', ['cat'], { source: 'labels.csv' }));
    expect(message).toMatch(/^labels\.csv, line 2: the file name is empty\. Give the image's path, relative to the CSV file\./);
  });

  it('says a CSV with only a header lists no images', () => {
    expect(() => parseImageLabelCsv('file,label\n', ['cat'], { source: 'labels.csv' })).toThrow(
      /^labels\.csv: the header is there but no images follow it\. Add one row per image/,
    );
  });
});

/** A w x h image filled by `pixel(x, y)`, which gives the channel values. */
function image(name: string, width: number, height: number, pixel: (x: number, y: number) => number[]): DecodedImage {
  const first = pixel(0, 0);
  const pixels = new Uint8Array(width * height * first.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(pixel(x, y), (y * width + x) * first.length);
  return { name, width, height, channels: first.length as 1 | 3 | 4, pixels };
}

const GRAY_3X2: ImageExpectation = { height: 2, width: 3, channels: 1, numClasses: 3 };
const RGB_3X2: ImageExpectation = { ...GRAY_3X2, channels: 3 };

describe('matchImagesToLabelCsv', () => {
  const CATS = ['cat', 'dog'];

  it("gives the images in the CSV's row order, as the command line reads them", () => {
    const listed = parseImageLabelCsv('file,label\nb.png,dog\na.png,cat\nc.png,dog\n', CATS);
    // Uploaded paths come sorted; the suite attacks the first images, so the order must be the CSV's.
    expect(matchImagesToLabelCsv(['a.png', 'b.png', 'c.png'], listed)).toEqual({ order: [1, 0, 2], labels: [1, 0, 1] });
  });

  it('matches CSV paths to a folder upload by their folders, not only by file name', () => {
    const listed = parseImageLabelCsv('file,label\ncat/001.png,cat\ndog/001.png,dog\n./dog/002.png,dog\n', CATS);
    const paths = ['data/cat/001.png', 'data/dog/001.png', 'data/dog/002.png'];
    expect(matchImagesToLabelCsv(paths, listed)).toEqual({ order: [0, 1, 2], labels: [0, 1, 1] });
  });

  it('refuses a file name the CSV gives twice when the path matches neither, and an image it does not list', () => {
    const listed = parseImageLabelCsv('file,label\ncat/001.png,cat\ndog/001.png,dog\n', CATS);
    expect(messageOf(() => matchImagesToLabelCsv(['001.png'], listed, { source: 'labels.csv' }))).toMatch(
      /^labels\.csv lists 2 files named "001\.png" \("cat\/001\.png", "dog\/001\.png"\) and none is the path of 001\.png\. Write each file's path/,
    );
    expect(messageOf(() => matchImagesToLabelCsv(['data/cat/002.png'], listed, { source: 'labels.csv' }))).toBe(
      'labels.csv gives no label for data/cat/002.png. Add a row "002.png,<label>".',
    );
  });

  it('refuses two images matched by one row', () => {
    const listed = parseImageLabelCsv('file,label\n001.png,cat\n', CATS);
    expect(messageOf(() => matchImagesToLabelCsv(['data/cat/001.png', 'data/dog/001.png'], listed, { source: 'labels.csv' }))).toMatch(
      /^labels\.csv: the row for "001\.png" matches both data\/cat\/001\.png and data\/dog\/001\.png\./,
    );
  });
});

describe('buildImageSplit', () => {
  it('packs opaque RGBA gray images into a grayscale split without notices', () => {
    const images = [image('a.png', 3, 2, (x, y) => [10 * x + y, 10 * x + y, 10 * x + y, 255]), image('b.png', 3, 2, () => [7, 7, 7, 255])];
    const { split, notices } = buildImageSplit(images, [2, 0], GRAY_3X2);
    expect(notices).toEqual([]);
    expect(split).toEqual({
      images: Uint8Array.from([0, 10, 20, 1, 11, 21, 7, 7, 7, 7, 7, 7]),
      labels: Uint8Array.from([2, 0]),
      count: 2,
      height: 2,
      width: 3,
      channels: 1,
      numClasses: 3,
    });
  });

  it('composites transparent pixels onto black and says so', () => {
    const images = [image('a.png', 3, 2, (x) => [200, 200, 200, x === 0 ? 0 : x === 1 ? 128 : 255])];
    const { split, notices } = buildImageSplit(images, [1], GRAY_3X2);
    expect([...split.images]).toEqual([0, 100, 200, 0, 100, 200]);
    expect(notices).toEqual([expect.stringMatching(/^1 image has transparent pixels \(the first is a\.png\);.*composited onto black/)]);
  });

  it('drops the alpha for an RGB model and keeps colour', () => {
    const { split, notices } = buildImageSplit([image('c.png', 3, 2, (x, y) => [x, y, 9, 255])], [0], RGB_3X2);
    expect(notices).toEqual([]);
    expect([...split.images.subarray(0, 9)]).toEqual([0, 0, 9, 1, 0, 9, 2, 0, 9]);
    expect(split.channels).toBe(3);
  });

  it('copies gray into R, G and B for an RGB model and says so', () => {
    const { split, notices } = buildImageSplit([image('g.png', 3, 2, (x) => [50 * x])], [0], RGB_3X2);
    expect([...split.images.subarray(0, 9)]).toEqual([0, 0, 0, 50, 50, 50, 100, 100, 100]);
    expect(notices).toEqual([
      expect.stringMatching(/^1 grayscale image was given to a model that takes RGB \(the first is g\.png\); the gray value was copied/),
    ]);
  });

  it('refuses colour for a grayscale model, counting the pixels that differ', () => {
    const images = [
      image('ok.png', 3, 2, () => [5, 5, 5]),
      image('red.png', 3, 2, (x) => (x === 2 ? [255, 0, 0] : [1, 1, 1])),
      image('blue.png', 3, 2, () => [0, 0, 9]),
    ];
    const message = messageOf(() => buildImageSplit(images, [0, 1, 2], GRAY_3X2));
    expect(message).toMatch(/^red\.png is in colour \(2 of 6 pixels have R, G and B different\), as is 1 other image, but the model takes grayscale images\./);
    expect(message).toContain('Convert the images to grayscale');
  });

  it('names the first image of the wrong size, both sizes, and the size to resize to', () => {
    const images = [image('fine.png', 3, 2, () => [0]), image('big.png', 4, 4, () => [0]), image('tall.png', 3, 5, () => [0])];
    const message = messageOf(() => buildImageSplit(images, [0, 0, 0], GRAY_3X2));
    expect(message).toMatch(
      /^big\.png is 4x4 pixels but the model takes 3x2 \(width x height\) \(2 of 3 images have another size\)\. Resize the images to 3x2/,
    );
  });

  it('needs one label per image', () => {
    const message = messageOf(() => buildImageSplit([image('a.png', 3, 2, () => [0])], [0, 1], GRAY_3X2));
    expect(message).toMatch(/^There is 1 image but 2 labels; every image needs exactly one label\./);
  });

  it('needs at least one image', () => {
    expect(() => buildImageSplit([], [], GRAY_3X2)).toThrow(/^There are no images to audit\. Give at least one image/);
  });

  it('names the image whose label is out of range', () => {
    const message = messageOf(() => buildImageSplit([image('a.png', 3, 2, () => [0]), image('b.png', 3, 2, () => [0])], [0, 3], GRAY_3X2));
    expect(message).toMatch(/^b\.png: its label 3 is not a class of the model, which has 3 classes \(0 to 2\)\. Check the label/);
  });

  it('names an image whose pixel bytes do not match its size', () => {
    const broken: DecodedImage = { name: 'cut.png', width: 3, height: 2, channels: 4, pixels: new Uint8Array(10) };
    expect(() => buildImageSplit([broken], [0], GRAY_3X2)).toThrow(/^cut\.png: decoded to 10 bytes, which is not 3x2 pixels of 4 channels\..*re-export it/);
  });

  it('refuses more classes than byte labels hold', () => {
    expect(() => buildImageSplit([image('a.png', 3, 2, () => [0])], [0], { ...GRAY_3X2, numClasses: 1000 })).toThrow(/1 to 256 classes; this model has 1000/);
  });
});

describe('checkSplitAgainstModel', () => {
  const split = (channels: number, pixels: number[], labels: number[]): ImageSplit => ({
    images: Uint8Array.from(pixels),
    labels: Uint8Array.from(labels),
    count: labels.length,
    height: 1,
    width: 2,
    channels,
    numClasses: 10,
  });
  const model: ImageExpectation = { height: 1, width: 2, channels: 1, numClasses: 4 };

  it("passes a split that fits, with the model's class count", () => {
    const { split: checked, notices } = checkSplitAgainstModel(split(1, [1, 2, 3, 4], [0, 3]), model);
    expect(notices).toEqual([]);
    expect(checked).toEqual({ ...split(1, [1, 2, 3, 4], [0, 3]), numClasses: 4 });
  });

  it('converts gray RGB for a grayscale model and refuses colour, naming the image by position', () => {
    expect([...checkSplitAgainstModel(split(3, [1, 1, 1, 2, 2, 2], [0]), model).split.images]).toEqual([1, 2]);
    expect(() => checkSplitAgainstModel(split(3, [1, 1, 1, 2, 2, 2, 0, 0, 0, 9, 0, 0], [0, 1]), model)).toThrow(
      /^Image 2 is in colour \(1 of 2 pixels .*Convert the images to grayscale/,
    );
  });

  it('runs the same size and label checks', () => {
    expect(() => checkSplitAgainstModel({ ...split(1, [1, 2], [0]), width: 1, height: 2 }, model)).toThrow(
      /^Image 1 is 1x2 pixels but the model takes 2x1.*Resize the images to 2x1/,
    );
    expect(() => checkSplitAgainstModel(split(1, [1, 2], [7]), model)).toThrow(/^Image 1: its label 7 is not a class of the model/);
  });

  it('refuses a split whose bytes do not add up, and says to rebuild it', () => {
    expect(() => checkSplitAgainstModel(split(1, [1, 2, 3], [0, 1]), model)).toThrow(
      /inconsistent: 3 pixel bytes and 2 labels for 2 images of 2x1x1 .*Rebuild it/,
    );
    expect(() => checkSplitAgainstModel(split(2, [1, 2, 3, 4], [0]), model)).toThrow(/2 channels per pixel; an image audit takes 1 \(gray\), 3 \(RGB\) or 4/);
  });
});
