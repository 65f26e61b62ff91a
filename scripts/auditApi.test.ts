/**
 * The audit worker's handlers in Node, driven as the browser worker drives them: every argument and result goes
 * through structuredClone (what postMessage does), the saved models live in `memoryModelStore`, images are decoded
 * with pngjs, the bundled data and "remote" files come from the repository. Nothing of the audit is mocked.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/core/audit/audit';
import { reportResults, type RobustnessReport } from '../src/core/audit/report';
import { validateReport } from '../src/core/audit/reportSchema';
import { parseVocabularyFile, type ImageModelSpec, type ModelSpec, type TextModelSpec } from '../src/core/audit/spec';
import { loadUserModel, parseModelJson } from '../src/core/audit/userModel';
import { parseSpamSplit, SPAM_SPLIT } from '../src/core/data/spam';
import { auditHandlers, type AuditWorkerApi, type UploadedFile } from '../src/workers/auditApi';
import { memoryModelStore } from '../src/workers/savedModels';
import type { JobContext } from '../src/rpc/serve';
import { pngBomb, writeHugeInputModel } from './hostileFixtures';
import { grayPng } from './imageFixtures';
import { decodeImageFile } from './imageFiles';
import { loadMnistFromDisk, toArrayBuffer, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';

const NOW = new Date('2026-03-04T05:06:07.000Z');
const LOCAL = 'http://local.test/';
const MNIST_NAME = 'MNIST test split (bundled)';
const SPAM_NAME = 'SpamAssassin test split (bundled)';

const fileBytes = (path: string) => toArrayBuffer(readFileSync(path));
const textFile = (path: string, text: string): UploadedFile => ({ path, bytes: toArrayBuffer(new TextEncoder().encode(text)) });

/** A bundled model's files as a file picker gives them, optionally inside a folder (webkitRelativePath). */
function modelFiles(id: string, folder?: string): UploadedFile[] {
  const dir = join(MODELS_DIR, id);
  return ['model.json', 'weights.bin'].map((name) => ({ path: folder ? `${folder}/${name}` : name, bytes: fileBytes(join(dir, name)) }));
}

const spamTestPath = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files.test);

interface ProgressCall {
  fraction: number;
  message?: string;
}

/** A JobContext as serveWorker makes one, with the progress calls recorded and cancel as a flag. */
function fakeContext(onProgress?: (calls: ProgressCall[]) => void) {
  const calls: ProgressCall[] = [];
  const controller = new AbortController();
  const state = {
    get cancelled() {
      return controller.signal.aborted;
    },
    set cancelled(value: boolean) {
      if (value) controller.abort();
    },
  };
  const context: JobContext = {
    progress: (fraction, message) => {
      calls.push({ fraction, message });
      onProgress?.(calls);
    },
    cancelled: () => state.cancelled,
    yield: async () => undefined,
    checkpoint: async () => undefined,
    control: { signal: controller.signal, onProgress: (fraction, message) => context.progress(fraction, message) },
  };
  return { context, calls, state };
}

/**
 * The worker's handlers with Node deps, called through structuredClone both ways as messages are. Fetch is a stub:
 * `routes` answers given URLs, other local.test URLs are read from the repository, and any other host fails.
 */
function makeWorker(
  routes: Record<string, () => Response> = {},
  decodeImage = async (bytes: ArrayBuffer, name: string) => decodeImageFile(new Uint8Array(bytes), name),
) {
  const store = memoryModelStore();
  const fetched: string[] = [];
  const handlers = auditHandlers({
    store,
    decodeImage,
    async bundledData(task) {
      if (task === 'image') return { name: MNIST_NAME, split: loadMnistFromDisk('test') };
      return { name: SPAM_NAME, texts: parseSpamSplit(JSON.parse(readFileSync(spamTestPath, 'utf8')), spamTestPath) };
    },
    async fetch(url) {
      fetched.push(url);
      if (routes[url]) return routes[url]();
      if (!url.startsWith(LOCAL)) throw new TypeError('getaddrinfo ENOTFOUND');
      if (url === `${LOCAL}weightless/model.json`) return new Response(fileBytes(join(MODELS_DIR, 'mnist-cnn', 'model.json')));
      const path = join(PROJECT_ROOT, decodeURIComponent(new URL(url).pathname));
      try {
        return new Response(fileBytes(path));
      } catch {
        return new Response('not found', { status: 404 });
      }
    },
    backend: () => 'wasm',
    now: () => NOW,
  });
  const call = async <M extends keyof AuditWorkerApi>(
    method: M,
    args: AuditWorkerApi[M]['args'],
    context: JobContext = fakeContext().context,
  ): Promise<AuditWorkerApi[M]['result']> => {
    const handler = handlers[method] as (a: AuditWorkerApi[M]['args'], c: JobContext) => Promise<AuditWorkerApi[M]['result']>;
    const result = await handler(structuredClone(args), context);
    return structuredClone(result);
  };
  return { call, store, fetched };
}

/** A 28x28 (or other size) grayscale PNG as RGBA with R=G=B, opaque. */
const grayPngBuffer = (width: number, height: number, value: (x: number, y: number) => number): ArrayBuffer => toArrayBuffer(grayPng(width, height, value));

const digitLike = (seed: number) => grayPngBuffer(28, 28, (x, y) => ((x * 7 + y * 13 + seed * 31) % 5 === 0 && x > 6 && x < 22 ? 255 : 0));

const mnistSpecOf = async (call: ReturnType<typeof makeWorker>['call'], folder?: string) =>
  (await call('loadFiles', { files: modelFiles('mnist-cnn', folder) })).spec as ImageModelSpec;

beforeAll(async () => {
  await useNodeWasm();
});

describe('loading a model from files', () => {
  it('reads mnist-cnn from model.json and weights.bin, with the spec filled in, and passes its checks', async () => {
    const { call } = makeWorker();
    const info = await call('loadFiles', { files: modelFiles('mnist-cnn') });
    expect(info).toMatchObject({ fileName: 'model.json', format: 'layers-model', inputShape: [28, 28, 1], outputSize: 10 });
    expect(info.savedId).toBeUndefined();
    const spec = info.spec as ImageModelSpec;
    expect(spec).toMatchObject({ task: 'image', name: 'my-model', inputShape: [28, 28, 1], channelOrder: 'grayscale', valueRange: [0, 1], output: 'logits' });
    expect(spec.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    const checked = await call('check', { spec });
    expect(checked.specProblems).toEqual([]);
    expect(checked.usable).toBe(true);
    expect(checked.gradients).toBe(true);
    expect(checked.checks).toHaveLength(4);
    expect(checked.checks.every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('reads the files of a folder upload (mnist-cnn/model.json) and names the model after the folder', async () => {
    const { call } = makeWorker();
    const info = await call('loadFiles', { files: modelFiles('mnist-cnn', 'mnist-cnn') });
    expect(info).toMatchObject({ fileName: 'mnist-cnn/model.json', format: 'layers-model', inputShape: [28, 28, 1] });
    expect(info.spec).toMatchObject({ name: 'mnist-cnn', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    expect((await call('check', { spec: info.spec })).usable).toBe(true);
  });

  it('reports a spec problem without running any check', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    const checked = await call('check', { spec: { ...spec, classes: ['a'] } });
    expect(checked.specProblems.length).toBeGreaterThan(0);
    expect(checked.specProblems.join(' ')).toMatch(/at least two class names/);
    expect(checked.checks).toEqual([]);
    expect(checked.usable).toBe(false);
  });
});

describe('bad loads', () => {
  it('leave the model loaded before in place', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    const [modelJson] = modelFiles('mnist-cnn');
    await expect(call('loadFiles', { files: [modelJson] })).rejects.toThrow(/missing: weights\.bin.*select all the files together/);
    const checked = await call('check', { spec });
    expect(checked.usable).toBe(true);
    expect(checked.checks).toHaveLength(4);
  });

  it('say which model.json is wanted when there is none, or several JSON files and none is model.json', async () => {
    const { call } = makeWorker();
    const [, weights] = modelFiles('mnist-cnn');
    await expect(call('loadFiles', { files: [weights] })).rejects.toThrow(
      'No model.json among the files. Select model.json together with its weight files (.bin).',
    );
    await expect(call('loadFiles', { files: [textFile('a.json', '{}'), textFile('b.json', '{}'), weights] })).rejects.toThrow(
      /Several JSON files and none is called model\.json \(a\.json, b\.json\): select model\.json/,
    );
    await expect(call('check', { spec: await mnistSpecOf(makeWorker().call) })).rejects.toThrow('Load a model first.');
  });

  it('refuse a folder holding several models, and take the shards beside model.json over same-named ones elsewhere', async () => {
    const { call } = makeWorker();
    const inside = (folder: string, files: UploadedFile[]) => files.map((f) => ({ ...f, path: `${folder}/${f.path}` }));
    await expect(
      call('loadFiles', { files: [...inside('models/mnist-mlp', modelFiles('mnist-mlp')), ...inside('models/mnist-cnn', modelFiles('mnist-cnn'))] }),
    ).rejects.toThrow('Several model.json files (models/mnist-mlp/model.json, models/mnist-cnn/model.json): select the folder or the files of one model.');
    // A backup of other weights under the same file name, listed first, must not be taken for the model's own.
    const [cnnJson, cnnWeights] = modelFiles('mnist-cnn', 'mnist-cnn');
    const [, mlpWeights] = modelFiles('mnist-mlp', 'mnist-cnn/old');
    const info = await call('loadFiles', { files: [mlpWeights, cnnJson, cnnWeights] });
    expect(info).toMatchObject({ fileName: 'mnist-cnn/model.json', inputShape: [28, 28, 1] });
    expect((await call('check', { spec: info.spec })).usable).toBe(true);
    // Only the files the model was read from are saved.
    const saved = await call('save', { spec: info.spec });
    expect(saved.bytes).toBe(cnnJson.bytes.byteLength + cnnWeights.bytes.byteLength);
  });

  it('from a URL say what to do, and a good URL loads', async () => {
    const { call, fetched } = makeWorker();
    await expect(call('loadUrl', { url: 'not a url' })).rejects.toThrow(/"not a url" is not a URL\. Give the full address of model\.json/);
    await expect(call('loadUrl', { url: 'http://nowhere.test/model.json' })).rejects.toThrow(
      /Could not fetch model\.json from http:\/\/nowhere\.test\/model\.json: getaddrinfo ENOTFOUND\. Check the address, and that the server allows this page to read it \(CORS\)\./,
    );
    const url = `${LOCAL}models/mnist-cnn/model.json`;
    const info = await call('loadUrl', { url });
    expect(fetched.slice(-2)).toEqual([url, `${LOCAL}models/mnist-cnn/weights.bin`]);
    expect(info).toMatchObject({ fileName: url, format: 'layers-model', inputShape: [28, 28, 1], outputSize: 10 });
    expect(info.spec.name).toBe('mnist-cnn');
    expect((await call('check', { spec: info.spec })).usable).toBe(true);
  });

  it('from a URL name the file that could not be fetched, and keep the model loaded before', async () => {
    const { call } = makeWorker();
    await expect(call('loadUrl', { url: `${LOCAL}models/no-such-model/model.json` })).rejects.toThrow(
      /Could not fetch model\.json from http:\/\/local\.test\/models\/no-such-model\/model\.json: HTTP 404/,
    );
    const spec = await mnistSpecOf(call);
    // model.json is served, its weights are not: the message names the weight file.
    await expect(call('loadUrl', { url: `${LOCAL}weightless/model.json` })).rejects.toThrow(
      /Could not fetch the weight file weights\.bin from http:\/\/local\.test\/weightless\/weights\.bin: HTTP 404\. Check the address/,
    );
    expect((await call('check', { spec })).usable).toBe(true);
  });
});

describe('hostile files get the message the command line gives, and nothing is kept', () => {
  it('a malformed weightsManifest entry is named, not a TypeError, and the model before stays', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    const [modelJson, weights] = modelFiles('mnist-cnn');
    const json = JSON.parse(new TextDecoder().decode(modelJson.bytes));
    json.weightsManifest[0].weights[2] = null;
    await expect(call('loadFiles', { files: [textFile('model.json', JSON.stringify(json)), weights] })).rejects.toThrow(
      /model\.json has a malformed "weightsManifest": weightsManifest\[0\]\.weights\[2\] must be an object, not null/,
    );
    expect((await call('check', { spec })).usable).toBe(true);
  });

  it('a model declaring a 4096x4096x3 input is refused by its spec before any input tensor is made, and not saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huge-input-'));
    try {
      await writeHugeInputModel(dir);
      const { call } = makeWorker();
      const bytesBefore = tf.memory().numBytes;
      const info = await call('loadFiles', { files: ['model.json', 'weights.bin'].map((name) => ({ path: name, bytes: fileBytes(join(dir, name)) })) });
      expect(info).toMatchObject({ inputShape: [4096, 4096, 3], weightBytes: 32 });
      const checked = await call('check', { spec: info.spec });
      expect(checked.usable).toBe(false);
      expect(checked.specProblems.join(' ')).toMatch(/input takes 4096 x 4096 x 3 = 50,331,648 numbers per example, over the 4,194,304/);
      await expect(call('save', { spec: info.spec })).rejects.toThrow(/^Not saved: .*over the 4,194,304/);
      expect(await call('listSaved', {})).toEqual([]);
      // The model's 32 bytes of weights, and no probe batch (one would take 200 MB or more).
      expect(tf.memory().numBytes - bytesBefore).toBeLessThan(1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a PNG decompression bomb is refused from its header, before the image decoder sees it', async () => {
    const decoded: string[] = [];
    const { call } = makeWorker({}, async (bytes, name) => {
      decoded.push(name);
      return decodeImageFile(new Uint8Array(bytes), name);
    });
    const spec = await mnistSpecOf(call);
    const files: UploadedFile[] = [
      { path: 'digits/3/a.png', bytes: digitLike(1) },
      { path: 'digits/3/bomb.png', bytes: toArrayBuffer(pngBomb()) },
    ];
    await expect(call('setData', { spec, data: { kind: 'images', files } })).rejects.toThrow(
      /digits\/3\/bomb\.png declares 30000x30000 pixels in its PNG header, over the 4,194,304 pixels the playground decodes; it was not decoded/,
    );
    expect(decoded).toEqual(['digits/3/a.png']);
  });
});

describe('saving', () => {
  it('refuses a spec that fails the checks, and stores nothing', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    await expect(call('save', { spec: { ...spec, classes: ['a', 'b', 'c'] } })).rejects.toThrow(
      /^Not saved: the model fails its checks .*outputs 10 scores but the spec names 3 classes/,
    );
    await expect(call('save', { spec: { ...spec, name: ' ' } })).rejects.toThrow(/^Not saved: Give the model a name\./);
    expect(await call('listSaved', {})).toEqual([]);
  });

  it('stores the model whole, reopens it with its spec, and deletes it', async () => {
    const { call, store } = makeWorker();
    const spec = await mnistSpecOf(call, 'mnist-cnn');
    const named: ImageModelSpec = { ...spec, name: 'my digits', classes: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] };
    const saved = await call('save', { spec: named });
    const bytes = statSync(join(MODELS_DIR, 'mnist-cnn', 'model.json')).size + statSync(join(MODELS_DIR, 'mnist-cnn', 'weights.bin')).size;
    expect(saved).toMatchObject({ name: 'my digits', task: 'image', format: 'layers-model', bytes, savedAt: NOW.toISOString() });
    expect(saved.id).toMatch(/^my digits-[0-9a-f]{8}$/);
    const list = await call('listSaved', {});
    expect(list).toEqual([saved]);
    // The store hands out copies, as IndexedDB does.
    (await store.get(saved.id))!.name = 'changed by a caller';
    expect(await call('listSaved', {})).toEqual([saved]);

    // Another model loaded in between; opening the saved one brings back its files and spec.
    await call('loadFiles', { files: modelFiles('mnist-mlp') });
    const opened = await call('openSaved', { id: saved.id });
    expect(opened).toMatchObject({ fileName: 'my digits (saved)', savedId: saved.id, format: 'layers-model', inputShape: [28, 28, 1], outputSize: 10 });
    expect(opened.spec).toEqual(named);
    expect((await call('check', { spec: opened.spec })).usable).toBe(true);

    // Saving the opened model again keeps its id and its size.
    const again = await call('save', { spec: { ...named, name: 'my digits v2' } });
    expect(again).toMatchObject({ id: saved.id, name: 'my digits v2', bytes });
    expect(await call('listSaved', {})).toEqual([again]);

    expect(await call('removeSaved', { id: saved.id })).toEqual([]);
    expect(await call('listSaved', {})).toEqual([]);
    await expect(call('openSaved', { id: saved.id })).rejects.toThrow('That saved model is gone (deleted in another tab?). Reload the list.');
    // The model stays loaded; saving it now makes a new record.
    const resaved = await call('save', { spec: named });
    expect(resaved.id).toBe(saved.id);
    expect(await call('listSaved', {})).toHaveLength(1);
  });
});

describe('choosing the data', () => {
  it('takes the bundled MNIST test split for an image model', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    const summary = await call('setData', { spec, data: { kind: 'bundled' } });
    expect(summary).toMatchObject({ name: MNIST_NAME, task: 'image', examples: 2000, notices: [] });
    expect(summary.perClass).toHaveLength(10);
    expect(summary.perClass.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(summary.perClass.every((n) => n > 100)).toBe(true);
    await expect(call('setData', { spec: { ...spec, classes: ['a', 'b'] }, data: { kind: 'bundled' } })).rejects.toThrow(/has 10 classes; this model has 2/);
  });

  it('labels uploaded images by their folders, or by a labels CSV', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    const files: UploadedFile[] = [
      { path: 'digits/3/a.png', bytes: digitLike(1) },
      { path: 'digits/3/c.png', bytes: digitLike(2) },
      { path: 'digits/7/b.png', bytes: digitLike(3) },
      textFile('digits/.DS_Store', 'not an image'),
      // What macOS leaves beside a copied image, and a hidden folder: skipped, as the command line skips them.
      { path: 'digits/3/._a.png', bytes: toArrayBuffer(new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0])) },
      { path: 'digits/.thumbnails/a.png', bytes: grayPngBuffer(8, 8, () => 0) },
    ];
    const byFolder = await call('setData', { spec, data: { kind: 'images', files } });
    expect(byFolder).toMatchObject({ name: 'digits', task: 'image', examples: 3 });
    expect(byFolder.perClass).toEqual([0, 0, 0, 2, 0, 0, 0, 1, 0, 0]);

    const flat: UploadedFile[] = [
      { path: 'a.png', bytes: digitLike(1) },
      { path: 'b.png', bytes: digitLike(3) },
      { path: 'c.png', bytes: digitLike(2) },
    ];
    const labelsCsv = textFile('labels.csv', 'file,label\na.png,3\nb.png,7\nc.png,3\n');
    const byCsv = await call('setData', { spec, data: { kind: 'images', files: flat, labelsCsv } });
    expect(byCsv).toMatchObject({ name: 'labels.csv', examples: 3, perClass: byFolder.perClass });

    // A folder upload ("data/...") with a CSV of paths relative to it: same file names in two class folders.
    const sameNames: UploadedFile[] = [
      { path: 'data/3/001.png', bytes: digitLike(1) },
      { path: 'data/7/001.png', bytes: digitLike(3) },
    ];
    const byPath = await call('setData', {
      spec,
      data: { kind: 'images', files: sameNames, labelsCsv: textFile('labels.csv', 'file,label\n3/001.png,3\n7/001.png,7\n') },
    });
    expect(byPath.perClass).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);

    const partialCsv = textFile('labels.csv', 'file,label\na.png,3\nb.png,7\n');
    await expect(call('setData', { spec, data: { kind: 'images', files: flat, labelsCsv: partialCsv } })).rejects.toThrow(
      /labels\.csv gives no label for c\.png/,
    );
  });

  it('refuses images of the wrong size, flat files without a CSV, and folders that are not classes', async () => {
    const { call } = makeWorker();
    const spec = await mnistSpecOf(call);
    const small = grayPngBuffer(10, 10, () => 128);
    await expect(call('setData', { spec, data: { kind: 'images', files: [{ path: 'digits/3/small.png', bytes: small }] } })).rejects.toThrow(
      /digits\/3\/small\.png is 10x10 pixels but the model takes 28x28/,
    );
    await expect(call('setData', { spec, data: { kind: 'images', files: [{ path: 'a.png', bytes: digitLike(1) }] } })).rejects.toThrow(
      /Without a labels CSV, labels come from folder names: choose a folder with one subfolder per class, or add a CSV of file,label\./,
    );
    await expect(call('setData', { spec, data: { kind: 'images', files: [{ path: 'digits/cat/a.png', bytes: digitLike(1) }] } })).rejects.toThrow(
      /The folder "cat" does not name a class of the model\./,
    );
    await expect(call('setData', { spec, data: { kind: 'images', files: [textFile('notes.txt', 'hi')] } })).rejects.toThrow(/None of the files is an image/);
    await expect(call('setData', { spec, data: { kind: 'text-csv', file: textFile('t.csv', 'text,label\nhi,0\n') } })).rejects.toThrow(/needs a text model/);
  });

  it('reads a CSV of texts for spam-bow, quoted commas and line breaks included, and names the line of a bad label', async () => {
    const { call } = makeWorker();
    const info = await call('loadFiles', { files: modelFiles('spam-bow', 'spam-bow') });
    expect(info.spec.task).toBe('text');
    const vocabulary = parseVocabularyFile(readFileSync(join(MODELS_DIR, 'spam-bow', 'vocabulary.json'), 'utf8'), 'vocabulary.json');
    const spec: TextModelSpec = { ...(info.spec as TextModelSpec), classes: ['ham', 'spam'], tokenizer: { kind: 'words-v1', vocabulary } };
    expect((await call('check', { spec })).usable).toBe(true);

    const csv = 'text,label\n"Lunch at noon, then\nthe meeting",ham\nWIN a FREE prize now,spam\nsee you tomorrow,ham\ncheap pills online,spam\n';
    const summary = await call('setData', { spec, data: { kind: 'text-csv', file: textFile('mail.csv', csv) } });
    expect(summary).toMatchObject({ name: 'mail.csv', task: 'text', examples: 4, perClass: [2, 2], notices: [] });

    const bad = 'text,label\nhello,ham\nhi there,eggs\n';
    await expect(call('setData', { spec, data: { kind: 'text-csv', file: textFile('bad.csv', bad) } })).rejects.toThrow(
      /^bad\.csv, line 3: the label "eggs" is not one of the model's classes/,
    );

    const bundled = await call('setData', { spec, data: { kind: 'bundled' } });
    const texts = parseSpamSplit(JSON.parse(readFileSync(spamTestPath, 'utf8')), spamTestPath);
    expect(bundled).toMatchObject({ name: SPAM_NAME, task: 'text', examples: texts.length });
    expect(bundled.perClass.reduce((a, b) => a + b, 0)).toBe(texts.length);
    await expect(call('setData', { spec, data: { kind: 'images', files: [{ path: 'digits/3/a.png', bytes: digitLike(1) }] } })).rejects.toThrow(
      /Images need an image model/,
    );
  });
});

describe('running the audit', () => {
  let spec: ImageModelSpec;
  let worker: ReturnType<typeof makeWorker>;
  let report: RobustnessReport;
  let calls: ProgressCall[];

  beforeAll(async () => {
    worker = makeWorker();
    spec = await mnistSpecOf(worker.call, 'mnist-cnn');
    await worker.call('setData', { spec, data: { kind: 'bundled' } });
    const fake = fakeContext();
    calls = fake.calls;
    report = await worker.call('run', { spec, suite: 'quick', seed: 3, examples: 20 }, fake.context);
  });

  it('gives a report that validates, made in the "browser", with progress that only goes forward', () => {
    expect(validateReport(report)).toEqual([]);
    expect(report.environment).toMatchObject({ runtime: 'browser', backend: 'wasm' });
    expect(report.createdAt).toBe(NOW.toISOString());
    expect(report.partial).toBe(false);
    expect(report.data).toMatchObject({ name: MNIST_NAME, examples: 20, available: 2000 });
    expect(report.suite).toEqual({ id: 'quick', seed: 3, examples: 20 });
    expect(calls.length).toBeGreaterThan(2);
    for (let i = 1; i < calls.length; i++) expect(calls[i].fraction, `progress call ${i}`).toBeGreaterThanOrEqual(calls[i - 1].fraction);
    expect(calls[0].fraction).toBeGreaterThanOrEqual(0);
    expect(calls.at(-1)!.fraction).toBeGreaterThan(0.95);
    expect(calls.at(-1)!.fraction).toBeLessThanOrEqual(1);
  });

  it('adds nothing of its own: the same results as runAudit on the same model, spec, data and seed', async () => {
    const dir = join(MODELS_DIR, 'mnist-cnn');
    const model = await loadUserModel(
      parseModelJson(readFileSync(join(dir, 'model.json'), 'utf8')),
      new Map([['weights.bin', fileBytes(join(dir, 'weights.bin'))]]),
    );
    try {
      const direct = await runAudit(
        {
          model,
          spec,
          data: { task: 'image', name: MNIST_NAME, split: loadMnistFromDisk('test') },
          suite: 'quick',
          seed: 3,
          examples: 20,
          environment: { runtime: 'node', backend: 'wasm' },
        },
        { onStep: async () => undefined },
      );
      expect(reportResults(report)).toEqual(reportResults(direct));
    } finally {
      model.dispose();
    }
  });

  it('stops when cancelled and returns a partial report that still validates', async () => {
    const fake = fakeContext(() => (fake.state.cancelled = true));
    const partial = await worker.call('run', { spec, suite: 'quick', seed: 3, examples: 20 }, fake.context);
    expect(partial.partial).toBe(true);
    expect(validateReport(partial)).toEqual([]);
    expect(partial.findings.some((f) => /cancelled/.test(f.text))).toBe(true);
    expect(fake.calls.length).toBeLessThan(calls.length);
  });

  it("audits images labelled by a CSV in the CSV's order, as the command line does", async () => {
    const { call } = makeWorker();
    const fresh = await mnistSpecOf(call);
    const flat: UploadedFile[] = [
      { path: 'a.png', bytes: digitLike(1) },
      { path: 'b.png', bytes: digitLike(3) },
    ];
    // b.png (a 7) is the CSV's first row: a one-example audit must attack it, not a.png.
    await call('setData', { spec: fresh, data: { kind: 'images', files: flat, labelsCsv: textFile('labels.csv', 'file,label\nb.png,7\na.png,3\n') } });
    const first = await call('run', { spec: fresh, suite: 'quick', seed: 1, examples: 1 });
    expect(first.data.perClass).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('asks for the data first, and again after the class names change', async () => {
    const { call } = makeWorker();
    const fresh = await mnistSpecOf(call);
    await expect(call('run', { spec: fresh, suite: 'quick', seed: 1, examples: 20 })).rejects.toThrow('Choose the data to audit the model on first.');
    await call('setData', { spec: fresh, data: { kind: 'bundled' } });
    const renamed: ModelSpec = { ...fresh, classes: fresh.classes.map((c) => `digit ${c}`) };
    await expect(call('run', { spec: renamed, suite: 'quick', seed: 1, examples: 20 })).rejects.toThrow(
      /class names changed since the data were chosen: choose the data again/,
    );
    // Loading another model drops the data chosen for the one before.
    await call('loadFiles', { files: modelFiles('mnist-cnn') });
    await expect(call('run', { spec: fresh, suite: 'quick', seed: 1, examples: 20 })).rejects.toThrow('Choose the data to audit the model on first.');
  });
});

describe('tensors', () => {
  it('none leak across load, check, run and a replacing load, beyond the loaded model’s weights', async () => {
    const { call } = makeWorker();
    const before = tf.memory().numTensors;
    const spec = await mnistSpecOf(call);
    const withModel = tf.memory().numTensors;
    expect(withModel).toBeGreaterThan(before);
    await call('check', { spec });
    await call('setData', { spec, data: { kind: 'bundled' } });
    await call('run', { spec, suite: 'quick', seed: 5, examples: 20 });
    // A failed load keeps the model and adds nothing.
    await expect(call('loadFiles', { files: [modelFiles('mnist-cnn')[0]] })).rejects.toThrow(/missing/);
    expect(tf.memory().numTensors).toBe(withModel);
    await call('loadFiles', { files: modelFiles('mnist-cnn') });
    expect(tf.memory().numTensors).toBe(withModel);
    await call('openSaved', { id: (await call('save', { spec })).id });
    expect(tf.memory().numTensors).toBe(withModel);
  });
});

describe('loading a model by URL: where its files may come from, and how large they may be', () => {
  const MB = 1024 * 1024;
  /** mnist-cnn's model.json with its weight paths replaced. */
  const modelJsonListing = (paths: string[]) => {
    const json = JSON.parse(readFileSync(join(MODELS_DIR, 'mnist-cnn', 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0].paths = paths;
    return () => new Response(JSON.stringify(json));
  };
  /** A body of `chunks` chunks of 1 MB (endless by default), counting what the reader pulled and whether it cancelled. */
  const streamed = (chunks = Infinity, headers: Record<string, string> = {}) => {
    const seen = { pulled: 0, cancelled: false };
    const chunk = new Uint8Array(MB);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.pulled >= chunks) return controller.close();
        seen.pulled++;
        controller.enqueue(chunk);
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    return { seen, response: () => new Response(body, { headers }) };
  };

  it('refuses addresses that are not http or https, fetching nothing', async () => {
    const { call, fetched } = makeWorker();
    for (const url of ['file:///home/me/model.json', 'data:application/json,{}', 'javascript:alert(1)', 'blob:http://local.test/1234']) {
      await expect(call('loadUrl', { url })).rejects.toThrow(
        /^[a-z]+: addresses cannot load a model: give an http:\/\/ or https:\/\/ address of model\.json, or choose the files\.$/,
      );
    }
    expect(fetched).toEqual([]);
  });

  it('resolves weight paths against model.json and refuses a weight file on another origin, before fetching any', async () => {
    for (const path of ['https://elsewhere.test/weights.bin', '//elsewhere.test/weights.bin', 'http://local.test:8080/weights.bin']) {
      const url = `${LOCAL}hostile/model.json`;
      const { call, fetched } = makeWorker({ [url]: modelJsonListing(['weights.bin', path]) });
      await expect(call('loadUrl', { url })).rejects.toThrow(
        /^model\.json lists the weight file ".+" at (https?:\/\/elsewhere\.test|http:\/\/local\.test:8080), another origin than model\.json's \(http:\/\/local\.test\)\. A model by URL loads its weights only from the origin of model\.json: host the weight files next to model\.json/,
      );
      expect(fetched).toEqual([url]);
    }
  });

  it('refuses a weight file that redirects to another origin, and follows model.json where it redirected', async () => {
    const url = `${LOCAL}moved/model.json`;
    const redirected = (response: Response, to: string) => Object.defineProperties(response, { redirected: { value: true }, url: { value: to } });
    const shard = () => redirected(new Response(fileBytes(join(MODELS_DIR, 'mnist-cnn', 'weights.bin'))), 'https://cdn.test/weights.bin');
    const { call } = makeWorker({ [url]: modelJsonListing(['weights.bin']), [`${LOCAL}moved/weights.bin`]: shard });
    await expect(call('loadUrl', { url })).rejects.toThrow(
      /^The weight file weights\.bin redirected to https:\/\/cdn\.test, another origin than model\.json's/,
    );
    // When model.json itself was redirected there, its weights may come from there too.
    const movedJson = () => redirected(modelJsonListing(['weights.bin'])(), 'https://cdn.test/model.json');
    const { call: callAgain } = makeWorker({ [url]: movedJson, [`${LOCAL}moved/weights.bin`]: shard });
    expect((await callAgain('loadUrl', { url })).parameters).toBe(108_618);
  });

  it('refuses a weight file whose Content-Length is over the limit without reading its body', async () => {
    const url = `${LOCAL}big/model.json`;
    const body = streamed(Infinity, { 'content-length': String(300 * MB) });
    const { call } = makeWorker({ [url]: modelJsonListing(['weights.bin']), [`${LOCAL}big/weights.bin`]: body.response });
    await expect(call('loadUrl', { url })).rejects.toThrow(
      /^Stopped downloading the weight file weights\.bin from http:\/\/local\.test\/big\/weights\.bin: the model would be over the 256\.0 MB limit \(300\.0 MB so far\)\. Audit a smaller model\.$/,
    );
    expect(body.seen.pulled).toBeLessThanOrEqual(1); // a stream may pull one chunk ahead when it is made
  });

  it('stops an endless weight file as the download passes 256 MB, and cancels the stream', async () => {
    const url = `${LOCAL}endless/model.json`;
    const body = streamed();
    const { call } = makeWorker({ [url]: modelJsonListing(['weights.bin']), [`${LOCAL}endless/weights.bin`]: body.response });
    await expect(call('loadUrl', { url })).rejects.toThrow(
      /^Stopped downloading the weight file weights\.bin from http:\/\/local\.test\/endless\/weights\.bin: the model would be over the 256\.0 MB limit \(256\.\d MB so far\)/,
    );
    expect(body.seen.pulled).toBeGreaterThanOrEqual(256);
    expect(body.seen.pulled).toBeLessThanOrEqual(258);
    expect(body.seen.cancelled).toBe(true);
  });
});

describe('a suite file in the worker', () => {
  it('is read as the command line reads it: a summary, or the same message for a bad one', async () => {
    const { call } = makeWorker();
    const text = JSON.stringify({
      kind: 'adversarial-playground/audit-suite',
      version: 1,
      name: 'mine',
      base: 'quick',
      image: { linfBudgets: [0.1], pgdIterations: 5 },
    });
    const summary = await call('checkSuiteFile', { file: { name: 'mine.json', text } });
    expect(summary.name).toBe('mine');
    expect(summary.summary).toContain('L∞ budgets 0, 0.1, PGD-5');
    const bad = JSON.stringify({ kind: 'adversarial-playground/audit-suite', version: 1, base: 'huge' });
    await expect(call('checkSuiteFile', { file: { name: 'bad.json', text: bad } })).rejects.toThrow(
      '/base must be equal to one of the allowed values (quick, standard)',
    );
  });
});
