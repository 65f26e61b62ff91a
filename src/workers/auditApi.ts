/**
 * The audit worker's API: it holds the user's model (and the data to audit it on) between calls, so the weights
 * cross from the page once. Saving goes through a `SavedModelStore` (IndexedDB in the browser, a Map in tests), and
 * only after the checks pass, in one write: a bad model never lands in storage half-way.
 */
import { runAudit, type AuditData, type SuiteId } from '../core/audit/audit';
import {
  buildImageSplit,
  labelsFromFolders,
  matchImagesToLabelCsv,
  parseImageLabelCsv,
  parseTextCsv,
  resolveLabel,
  type DecodedImage,
} from '../core/audit/data';
import type { RobustnessReport } from '../core/audit/report';
import { parseSuiteFile, type CustomSuites } from '../core/audit/suiteFile';
import { checkImageHeader } from '../core/audit/imageHeader';
import { escapeForMessage, quoteForMessage } from '../core/audit/quote';
import { checkSpec, MAX_MODEL_BYTES, type ModelSpec } from '../core/audit/spec';
import { checkModel, inferSpec, loadUserModel, parseModelJson, shardPaths, type LoadedModel, type ModelChecks } from '../core/audit/userModel';
import type { ImageSplit } from '../core/data/mnist';
import type { LabelledText } from '../core/text/batch';
import { synonymCandidates, type SynonymTable } from '../core/text/wordnet';
import type { Handlers, JobContext } from '../rpc/serve';
import { pushAll } from '../core/arrays';
import { formatBytes } from '../core/format';

/** What a saved model is, without its bytes: the list the page shows. */
export interface SavedModelInfo {
  id: string;
  name: string;
  format: 'layers-model' | 'graph-model';
  task: 'image' | 'text';
  bytes: number;
  savedAt: string;
}

/** A saved model: exactly the files the user gave, and the spec that passed the checks. */
export interface SavedModelRecord extends SavedModelInfo {
  modelJson: string;
  shards: { path: string; bytes: ArrayBuffer }[];
  spec: ModelSpec;
}

export interface SavedModelStore {
  list(): Promise<SavedModelInfo[]>;
  get(id: string): Promise<SavedModelRecord | undefined>;
  put(record: SavedModelRecord): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface UploadedFile {
  /** The file's path as the user chose it (webkitRelativePath for a folder), else its name. */
  path: string;
  bytes: ArrayBuffer;
}

export interface LoadedModelInfo {
  fileName: string;
  format: 'layers-model' | 'graph-model';
  inputShape: (number | null)[];
  outputSize: number | null;
  parameters: number;
  weightBytes: number;
  weightsSha256: string;
  /** Filled in from the model; the page lets the user correct it. */
  spec: ModelSpec;
  /** Set when the model was opened from storage. */
  savedId?: string;
}

export type DataRequest = { kind: 'bundled' } | { kind: 'images'; files: UploadedFile[]; labelsCsv?: UploadedFile } | { kind: 'text-csv'; file: UploadedFile };

export interface DataSummary {
  name: string;
  task: 'image' | 'text';
  examples: number;
  perClass: number[];
  notices: string[];
}

export interface AuditWorkerApi {
  loadFiles: { args: { files: UploadedFile[] }; result: LoadedModelInfo };
  loadUrl: { args: { url: string }; result: LoadedModelInfo };
  check: { args: { spec: ModelSpec }; result: ModelChecks & { specProblems: string[] } };
  save: { args: { spec: ModelSpec }; result: SavedModelInfo };
  listSaved: { args: Record<string, never>; result: SavedModelInfo[] };
  openSaved: { args: { id: string }; result: LoadedModelInfo };
  removeSaved: { args: { id: string }; result: SavedModelInfo[] };
  setData: { args: { spec: ModelSpec; data: DataRequest; synonyms?: UploadedFile }; result: DataSummary };
  /** Reads a suite file (your own budgets and parameters), as the command line's --suite-file does. */
  checkSuiteFile: { args: { file: UploadedTextFile }; result: SuiteFileSummary };
  run: {
    args: { spec: ModelSpec; suite: SuiteId; suiteFile?: UploadedTextFile; seed: number; examples?: number; referenceBudget?: number };
    result: RobustnessReport;
  };
}

export interface UploadedTextFile {
  name: string;
  text: string;
}

/** What a suite file asks for, in a line the page can show. */
export interface SuiteFileSummary {
  name: string;
  summary: string;
}

function summariseSuites(suites: CustomSuites): SuiteFileSummary {
  const { image, text } = suites;
  return {
    name: suites.name,
    summary:
      `images: ${image.examples} examples, L∞ budgets ${image.linfBudgets.map((b) => Number(b.toPrecision(3))).join(', ')}, PGD-${image.pgdIterations}, ` +
      `Square ${image.square.queries} queries on ${image.square.examples}; texts: ${text.examples} examples, word shares ${text.budgets.join(', ')}, ${text.maxQueries} queries`,
  };
}

export interface AuditWorkerDeps {
  store: SavedModelStore;
  /** Decodes one image file (createImageBitmap in a browser worker, pngjs in Node tests). */
  decodeImage(bytes: ArrayBuffer, name: string): Promise<DecodedImage>;
  /** The bundled test split for a task: MNIST digits for images, SpamAssassin messages for text. */
  bundledData(task: 'image' | 'text'): Promise<{ name: string; split?: ImageSplit; texts?: LabelledText[] }>;
  /** Fetches a model file by URL (the global fetch in a browser worker; a stub in tests). */
  fetch(url: string): Promise<Response>;
  backend(): string;
  now?: () => Date;
}

const decoder = new TextDecoder();

/**
 * The body of a response, read chunk by chunk and stopped as soon as it passes `maxBytes`: a huge or endless file
 * is never held whole. A declared Content-Length over the limit is refused before reading anything.
 */
export async function readBodyWithin(response: Response, maxBytes: number, tooLarge: (readBytes: number) => string): Promise<ArrayBuffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new Error(tooLarge(declared));
  if (!response.body) return new ArrayBuffer(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(tooLarge(total));
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

/** The address of model.json, if it is a full http(s) URL; else a message saying what to give. */
function modelJsonUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL. Give the full address of model.json, such as https://example.org/model/model.json.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`${parsed.protocol} addresses cannot load a model: give an http:// or https:// address of model.json, or choose the files.`);
  }
  return parsed;
}

/** Picks model.json among the files (the one file whose name ends in .json and holds a topology). */
function modelJsonOf(files: readonly UploadedFile[]): UploadedFile {
  const jsons = files.filter((f) => f.path.toLowerCase().endsWith('.json'));
  const named = jsons.filter((f) => f.path.split('/').pop() === 'model.json');
  // A folder holding several models: loading one of them silently would audit a model the user may not mean.
  if (named.length > 1)
    throw new Error(`Several model.json files (${named.map((f) => escapeForMessage(f.path)).join(', ')}): select the folder or the files of one model.`);
  const pick = named[0] ?? (jsons.length === 1 ? jsons[0] : undefined);
  if (!pick) {
    throw new Error(
      jsons.length === 0
        ? 'No model.json among the files. Select model.json together with its weight files (.bin).'
        : `Several JSON files and none is called model.json (${jsons.map((f) => escapeForMessage(f.path)).join(', ')}): select model.json and its weight files.`,
    );
  }
  return pick;
}

export function auditHandlers(deps: AuditWorkerDeps): Handlers<AuditWorkerApi> {
  let current: { model: LoadedModel; files: UploadedFile[]; modelJson: string; info: LoadedModelInfo } | undefined;
  let data: { spec: ModelSpec; audit: AuditData; synonyms?: (w: string) => readonly string[] } | undefined;

  const replace = async (files: UploadedFile[], fileName: string, savedId?: string, savedSpec?: ModelSpec): Promise<LoadedModelInfo> => {
    const jsonFile = modelJsonOf(files);
    const modelJson = decoder.decode(jsonFile.bytes);
    const json = parseModelJson(modelJson, jsonFile.path.split('/').pop());
    // Shards are keyed relative to model.json's folder, and those beside it come first, so a folder that also holds
    // other files of the same name (old/weights.bin) gives model.json its own shards.
    const dir = jsonFile.path.slice(0, jsonFile.path.lastIndexOf('/') + 1);
    const byKey = new Map<string, UploadedFile>();
    for (const f of files) if (f !== jsonFile && f.path.startsWith(dir)) byKey.set(f.path.slice(dir.length), f);
    for (const f of files) if (f !== jsonFile && !f.path.startsWith(dir) && !byKey.has(f.path)) byKey.set(f.path, f);
    const shards = new Map([...byKey].map(([key, f]) => [key, f.bytes] as const));
    const model = await loadUserModel(json, shards);
    // Only a model that loaded replaces the one before: a bad upload leaves the page as it was.
    current?.model.dispose();
    data = undefined;
    const base =
      fileName
        .replace(/\/?model\.json$/i, '')
        .split('/')
        .pop() || 'my-model';
    const spec = savedSpec ?? (await inferSpec(model, base));
    const info: LoadedModelInfo = {
      fileName,
      format: model.format,
      inputShape: model.inputShape,
      outputSize: model.outputSize,
      parameters: model.parameters,
      weightBytes: model.weightBytes,
      weightsSha256: model.weightsSha256,
      spec,
      savedId,
    };
    // Keep exactly the files the model was loaded from (the same lookup as loadUserModel's), for saving.
    const baseName = (path: string) => path.split('/').pop();
    const used = new Set(shardPaths(json).map((p) => byKey.get(p) ?? [...byKey].find(([key]) => baseName(key) === baseName(p))?.[1]));
    current = { model, files: files.filter((f) => f === jsonFile || used.has(f)), modelJson, info };
    return info;
  };

  const need = () => {
    if (!current) throw new Error('Load a model first.');
    return current;
  };

  return {
    async loadFiles({ files }) {
      const jsonFile = modelJsonOf(files);
      return replace(files, jsonFile.path);
    },

    async loadUrl({ url }) {
      const parsed = modelJsonUrl(url);
      // Weights come from model.json's own origin (or the one its address redirected to): a model file must not make
      // the page fetch from hosts the user never named.
      const origins = new Set([parsed.origin]);
      let downloaded = 0;
      /** Fetches one file; `landedAt` is told the origin it came from (after redirects) before its body is read. */
      const get = async (address: URL, what: string, landedAt: (origin: string) => void) => {
        let response: Response;
        try {
          response = await deps.fetch(address.href);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        } catch (error) {
          throw new Error(
            `Could not fetch ${what} from ${address.href}: ${(error as Error).message}. Check the address, and that the server allows this page to read it (CORS).`,
            { cause: error },
          );
        }
        landedAt(response.redirected && response.url ? new URL(response.url).origin : address.origin);
        const bytes = await readBodyWithin(
          response,
          MAX_MODEL_BYTES - downloaded,
          (read) =>
            `Stopped downloading ${what} from ${address.href}: the model would be over the ${formatBytes(MAX_MODEL_BYTES)} limit (${formatBytes(downloaded + read)} so far). Audit a smaller model.`,
        );
        downloaded += bytes.byteLength;
        return bytes;
      };
      const modelBytes = await get(parsed, 'model.json', (origin) => origins.add(origin));
      const json = parseModelJson(decoder.decode(modelBytes), parsed.pathname.split('/').pop() || 'model.json');
      const files: UploadedFile[] = [{ path: 'model.json', bytes: modelBytes }];
      // Every shard address is resolved and checked before any is fetched.
      const shards = shardPaths(json).map((path) => ({ path, address: new URL(path, parsed) }));
      for (const { path, address } of shards) {
        if (!origins.has(address.origin)) {
          throw new Error(
            `model.json lists the weight file "${path}" at ${address.origin}, another origin than model.json's (${parsed.origin}). A model by URL loads its weights only from the origin of model.json: host the weight files next to model.json and list them by relative paths (as tfjs's converter writes them), or download them and choose the files.`,
          );
        }
      }
      const sameOrigin = (what: string) => (origin: string) => {
        if (!origins.has(origin))
          throw new Error(
            `${what} redirected to ${origin}, another origin than model.json's: a model by URL loads its weights only from the origin of model.json. Host the weight files next to model.json.`,
          );
      };
      for (const { path, address } of shards) files.push({ path, bytes: await get(address, `the weight file ${path}`, sameOrigin(`The weight file ${path}`)) });
      return replace(files, parsed.href);
    },

    async check({ spec }) {
      const specProblems = checkSpec(spec);
      if (specProblems.length > 0) return { checks: [], gradients: false, usable: false, specProblems };
      return { ...(await checkModel(need().model, spec)), specProblems };
    },

    async save({ spec }) {
      const c = need();
      const problems = checkSpec(spec);
      if (problems.length > 0) throw new Error(`Not saved: ${problems.join(' ')}`);
      const { usable, checks } = await checkModel(c.model, spec);
      if (!usable)
        throw new Error(
          `Not saved: the model fails its checks (${checks
            .filter((x) => x.verdict === 'fail')
            .map((x) => x.detail)
            .join(' ')}).`,
        );
      const id = c.info.savedId ?? `${spec.name}-${c.model.weightsSha256.slice(0, 8)}`;
      const record: SavedModelRecord = {
        id,
        name: spec.name,
        format: c.model.format,
        task: spec.task,
        bytes: c.files.reduce((n, f) => n + f.bytes.byteLength, 0),
        savedAt: (deps.now?.() ?? new Date()).toISOString(),
        modelJson: c.modelJson,
        shards: c.files.filter((f) => !f.path.endsWith('.json')).map((f) => ({ path: f.path, bytes: f.bytes })),
        spec,
      };
      await deps.store.put(record);
      c.info = { ...c.info, savedId: id, spec };
      const { modelJson: _j, shards: _s, spec: _p, ...info } = record;
      return info;
    },

    listSaved: () => deps.store.list(),

    async openSaved({ id }) {
      const record = await deps.store.get(id);
      if (!record) throw new Error('That saved model is gone (deleted in another tab?). Reload the list.');
      const files: UploadedFile[] = [{ path: 'model.json', bytes: new TextEncoder().encode(record.modelJson).buffer as ArrayBuffer }, ...record.shards];
      return replace(files, `${record.name} (saved)`, record.id, record.spec);
    },

    async removeSaved({ id }) {
      await deps.store.remove(id);
      if (current?.info.savedId === id) current.info = { ...current.info, savedId: undefined };
      return deps.store.list();
    },

    async setData({ spec, data: request, synonyms }) {
      const classes = spec.classes;
      let audit: AuditData;
      const notices: string[] = [];
      if (request.kind === 'bundled') {
        const bundled = await deps.bundledData(spec.task);
        if (spec.task === 'image') {
          const split = bundled.split!;
          const [h, w, c] = spec.inputShape;
          if (split.height !== h || split.width !== w || split.channels !== c) {
            throw new Error(
              `The bundled ${bundled.name} holds ${split.width}x${split.height}x${split.channels} images; this model takes ${w}x${h}x${c}. Upload images of the model's size.`,
            );
          }
          if (classes.length !== split.numClasses)
            throw new Error(
              `The bundled ${bundled.name} has ${split.numClasses} classes; this model has ${classes.length}. Upload data labelled with the model's classes.`,
            );
          audit = { task: 'image', name: bundled.name, split };
        } else {
          if (classes.length !== 2)
            throw new Error(
              `The bundled ${bundled.name} has 2 classes (ham, spam); this model has ${classes.length}. Upload a CSV labelled with the model's classes.`,
            );
          audit = { task: 'text', name: bundled.name, examples: bundled.texts! };
        }
      } else if (request.kind === 'text-csv') {
        if (spec.task !== 'text') throw new Error('A CSV of texts needs a text model; this one takes images.');
        const parsed = parseTextCsv(decoder.decode(request.file.bytes), classes, { source: request.file.path });
        pushAll(notices, parsed.notices);
        audit = { task: 'text', name: request.file.path, examples: parsed.examples };
      } else {
        if (spec.task !== 'image') throw new Error('Images need an image model; this one takes text. Upload a CSV of text,label.');
        // Hidden files and folders are skipped as the command line skips them (macOS leaves "._a.png" beside a.png);
        // the first part of a folder upload's path is the chosen folder itself.
        const hidden = (path: string) =>
          path
            .split('/')
            .slice(path.includes('/') ? 1 : 0)
            .some((part) => part.startsWith('.'));
        let images = request.files
          .filter((f) => /\.(png|jpe?g|gif|bmp|webp)$/i.test(f.path) && !hidden(f.path))
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        if (images.length === 0) throw new Error('None of the files is an image (PNG, JPEG, GIF, BMP or WebP).');
        let labels: number[];
        if (request.labelsCsv) {
          const listed = parseImageLabelCsv(decoder.decode(request.labelsCsv.bytes), classes, { source: request.labelsCsv.path });
          // In the CSV's order, as the command line reads them: the suite takes the first images.
          const matched = matchImagesToLabelCsv(
            images.map((f) => f.path),
            listed,
            { source: request.labelsCsv.path },
          );
          images = matched.order.map((i) => images[i]);
          labels = matched.labels;
        } else {
          if (!images.every((f) => f.path.includes('/'))) {
            throw new Error('Without a labels CSV, labels come from folder names: choose a folder with one subfolder per class, or add a CSV of file,label.');
          }
          const folders = labelsFromFolders(images.map((f) => f.path));
          const index = folders.classes.map((folder) => {
            try {
              return resolveLabel(folder, classes);
            } catch (error) {
              throw new Error(`The folder ${quoteForMessage(folder)} does not name a class of the model. ${(error as Error).message}`, { cause: error });
            }
          });
          labels = folders.labels.map((l) => index[l]);
        }
        const decoded: DecodedImage[] = [];
        for (const f of images) {
          // The size in the header first: the browser's decoder would allocate every pixel a bomb declares.
          checkImageHeader(new Uint8Array(f.bytes), f.path);
          decoded.push(await deps.decodeImage(f.bytes, f.path));
        }
        const [height, width, channels] = spec.inputShape;
        const built = buildImageSplit(decoded, labels, { height, width, channels: channels as 1 | 3, numClasses: classes.length });
        pushAll(notices, built.notices);
        // Named as the command line names it: the folder given, or the CSV of labels.
        const top = images[0].path.split('/')[0];
        const folderName = images.every((f) => f.path.includes('/') && f.path.split('/')[0] === top) ? top : undefined;
        const name = request.labelsCsv ? request.labelsCsv.path.split('/').pop()! : (folderName ?? `${images.length} uploaded images`);
        audit = { task: 'image', name, split: built.split };
      }
      let lookup: ((w: string) => readonly string[]) | undefined;
      if (synonyms) {
        let table: SynonymTable;
        try {
          table = JSON.parse(decoder.decode(synonyms.bytes)) as SynonymTable;
        } catch (error) {
          throw new Error(`${synonyms.path} is not valid JSON (${(error as Error).message}).`, { cause: error });
        }
        if (!table || typeof table.synonyms !== 'object')
          throw new Error(`${synonyms.path} is not a synonym table: it needs a "synonyms" object (see models/spam-bow/synonyms.json).`);
        lookup = (w) => synonymCandidates(table, w);
      }
      data = { spec, audit, synonyms: lookup };
      const labels = audit.task === 'image' ? Array.from(audit.split.labels) : audit.examples.map((e) => e.label);
      const perClass = classes.map((_, i) => labels.filter((l) => l === i).length);
      return { name: audit.name, task: audit.task, examples: labels.length, perClass, notices };
    },

    async checkSuiteFile({ file }) {
      return summariseSuites(parseSuiteFile(file.text, file.name));
    },

    async run({ spec, suite, suiteFile, seed, examples, referenceBudget }, context: JobContext) {
      const customSuites = suiteFile ? parseSuiteFile(suiteFile.text, suiteFile.name) : undefined;
      const c = need();
      if (!data) throw new Error('Choose the data to audit the model on first.');
      if (data.spec.task !== spec.task || data.spec.classes.join('\u0000') !== spec.classes.join('\u0000')) {
        throw new Error('The task or the class names changed since the data were chosen: choose the data again.');
      }
      return runAudit(
        {
          model: c.model,
          spec,
          data: data.audit,
          suite,
          customSuites,
          seed,
          examples,
          referenceBudget,
          synonyms: data.synonyms,
          environment: { runtime: 'browser', backend: deps.backend() },
          now: deps.now,
        },
        context.control,
      );
    },
  };
}
