/**
 * npm run bench [-- --repeats 5 --only node|browser --workloads fgsmSweep,oracleQueries --out bench-results/latest.json]
 *
 * Runs each benchmark workload in Node (wasm) and in headless Chromium (wasm and webgl, in the app's worker),
 * prints a table of medians, items per second and the ratio to Node wasm, and writes every run's timings to a
 * JSON file. Timings are medians over repeated runs after a warm-up: the machine is shared and noisy.
 * The `textSearch` and `audit` workloads time the text worker's searches and the audit worker's whole suite.
 * `coldLoad` loads the app in a fresh browser context with the cache off and measures the bytes served and the time
 * until the image lab shows its first prediction and the text lab its first spam score (browser only). `longTasks`
 * runs one job per lab through the page and records the longest main-thread task while it runs (browser only).
 */
import * as tf from '@tensorflow/tfjs';
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { build, preview, type Plugin } from 'vite';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BenchRun, BrowserBenchRequest, BrowserBenchResult } from '../src/bench/benchPage';
import { BENCH_BUDGETS, median, timeWorkload, WORKLOADS, workloadItems, type WorkloadId } from '../src/core/bench/workloads';
import { sliceSplit } from '../src/core/data/mnist';
import { classifierFromLayersModel } from '../src/core/models/classifier';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingMessage } from './chromium';
import { loadMnistFromDisk, loadModelFromDisk, toArrayBuffer, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';
import { TEXT_SEARCH_IDS, textSearchAttack } from '../src/core/bench/textSearches';
import type { TextBenchRequest, TextBenchResult } from '../src/bench/benchPage';
import { textHandlers } from '../src/workers/textApi';
import { loadTextModelFromDisk } from './node-tf';
import type { AuditBenchRequest, AuditBenchResult } from '../src/bench/benchPage';
import type { SuiteId } from '../src/core/audit/audit';
import { reportResults, type RobustnessReport } from '../src/core/audit/report';
import { auditHandlers, type AuditWorkerApi, type UploadedFile } from '../src/workers/auditApi';
import { memoryModelStore } from '../src/workers/savedModels';
import { localJobContext, type JobContext } from '../src/rpc/serve';

interface BenchRow extends BenchRun {
  model: string;
  environment: string;
  backend: string;
  detail: string;
  millis: number[];
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const repeats = Number(option('repeats', '5'));
const onlyWorkloads = option('workloads', '').split(',').filter(Boolean);
const only = option('only', 'all');
const out = option('out', join(PROJECT_ROOT, 'bench-results', 'latest.json'));
const modelId = 'mnist-cnn';
const OTHER_WORKLOADS = ['textSearch', 'audit', 'coldLoad', 'longTasks'];
const unknownWorkloads = onlyWorkloads.filter((w) => !(w in WORKLOADS) && !OTHER_WORKLOADS.includes(w));
if (!Number.isInteger(repeats) || repeats < 1 || !['all', 'node', 'browser'].includes(only) || unknownWorkloads.length) {
  if (unknownWorkloads.length)
    console.error(`Unknown workloads: ${unknownWorkloads.join(', ')}. Known: ${[...Object.keys(WORKLOADS), ...OTHER_WORKLOADS].join(', ')}.`);
  console.error('Usage: npm run bench -- [--repeats N>=1] [--only all|node|browser] [--workloads a,b] [--out file.json]');
  process.exit(2);
}

/** What each workload runs on: heavy ones on fewer digits or runs (items per second makes them comparable). */
function plan(backend: string): BenchRun[] {
  const slow = backend === 'webgl'; // SwiftShader: software rendering, several times slower than wasm here
  return [
    { workload: 'forward', count: slow ? 500 : 2000, repeats },
    { workload: 'inputGradient', count: slow ? 500 : 2000, repeats },
    { workload: 'fgsmSweep', count: slow ? 500 : 2000, repeats: slow ? 1 : repeats },
    { workload: 'fgsmOneByOne', count: slow ? 50 : 200, repeats: slow ? 1 : Math.min(repeats, 3) },
    { workload: 'pgd10Sweep', count: slow ? 100 : 500, repeats: 1 },
    { workload: 'oracleQueries', count: slow ? 500 : 2000, repeats },
    { workload: 'substituteRound', count: 2000, repeats: slow ? 1 : Math.min(repeats, 3) },
  ].filter((run) => onlyWorkloads.length === 0 || onlyWorkloads.includes(run.workload)) as BenchRun[];
}

async function benchNode(): Promise<BenchRow[]> {
  await useNodeWasm();
  const { model, card } = await loadModelFromDisk(modelId);
  const classifier = classifierFromLayersModel(model, card);
  const test = loadMnistFromDisk('test');
  const rows: BenchRow[] = [];
  const detail = `Node ${process.version}, SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}`;
  for (const run of plan('wasm')) {
    const millis = await timeWorkload(run.workload, classifier, sliceSplit(test, 0, run.count), run.repeats);
    rows.push({ ...run, model: modelId, environment: 'node', backend: 'wasm', detail, millis });
    console.log(`node wasm ${run.workload} (${run.count} digits): median ${median(millis).toFixed(0)} ms`);
  }
  classifier.dispose();
  return rows;
}

let built: Promise<unknown> | undefined;

/** Builds the app once per bench, serves it on a free port, and opens bench.html in a fresh headless Chromium. */
async function withBenchPage<T>(ready: string, body: (page: Page, browserVersion: string) => Promise<T>): Promise<T> {
  const missing = chromiumMissingMessage();
  if (missing) throw new Error(missing);
  built ??= build({ root: PROJECT_ROOT, logLevel: 'warn' });
  await built;
  const server = await preview({ root: PROJECT_ROOT, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
    await page.goto(`${server.resolvedUrls!.local[0]}bench.html`);
    await page.waitForFunction((name) => name in window, ready);
    return await body(page, browser.version());
  } finally {
    await browser.close();
    await server.close();
  }
}

function benchBrowser(): Promise<BenchRow[]> {
  return withBenchPage('runBench', async (page) => {
    const rows: BenchRow[] = [];
    for (const backend of ['wasm', 'webgl'] as const) {
      const request: BrowserBenchRequest = { backend, modelId, runs: plan(backend) };
      const result = await page.evaluate((r) => (window as unknown as { runBench(r: BrowserBenchRequest): Promise<BrowserBenchResult> }).runBench(r), request);
      for (const run of result.results) {
        rows.push({ ...run, model: modelId, environment: 'chromium', backend: result.backend, detail: result.detail });
        console.log(`chromium ${result.backend} ${run.workload} (${run.count} digits): median ${median(run.millis).toFixed(0)} ms`);
      }
    }
    return rows;
  });
}

const itemsPerSecond = (row: BenchRow) => workloadItems(row.workload, row.count) / (median(row.millis) / 1000);

function printTable(rows: BenchRow[]): void {
  const baseline = (workload: WorkloadId) => rows.find((r) => r.workload === workload && r.environment === 'node');
  console.log(`\n${modelId}; sweeps at ${BENCH_BUDGETS.length} budgets; medians over timed runs after a warm-up`);
  console.log('workload        environment  backend  digits  runs   median ms   items/s   vs node wasm');
  for (const row of rows) {
    const base = baseline(row.workload);
    const ratio = base ? `${(itemsPerSecond(base) / itemsPerSecond(row)).toFixed(2)}x time` : '-';
    console.log(
      `${row.workload.padEnd(15)} ${row.environment.padEnd(12)} ${row.backend.padEnd(7)} ${String(row.count).padStart(6)} ${String(row.millis.length).padStart(5)} ` +
        `${median(row.millis).toFixed(0).padStart(11)} ${itemsPerSecond(row)
          .toFixed(itemsPerSecond(row) < 10 ? 2 : 0)
          .padStart(9)}   ${ratio}`,
    );
  }
  for (const environment of ['node', 'chromium']) {
    for (const backend of ['wasm', 'webgl']) {
      const batched = rows.find((r) => r.environment === environment && r.backend === backend && r.workload === 'fgsmSweep');
      const single = rows.find((r) => r.environment === environment && r.backend === backend && r.workload === 'fgsmOneByOne');
      if (batched && single) {
        console.log(
          `${environment} ${backend}: batching FGSM is ${(itemsPerSecond(batched) / itemsPerSecond(single)).toFixed(1)}x faster than one image per call; ` +
            `the full sweep (2,000 digits x ${BENCH_BUDGETS.length} budgets) takes ${((2000 * BENCH_BUDGETS.length) / itemsPerSecond(batched)).toFixed(1)} s at that rate`,
        );
      }
    }
  }
}

// Text searches: messages attacked per second and queries per message, on the first 100 test spam messages.
const TEXT_MODEL = 'spam-bow';
const TEXT_MESSAGES = 100;
const runText = onlyWorkloads.length === 0 || onlyWorkloads.includes('textSearch');
const runImage = onlyWorkloads.length === 0 || onlyWorkloads.some((w) => w in WORKLOADS);

interface TextRow extends TextBenchResult {
  environment: string;
  messages: number;
}

async function benchNodeText(): Promise<TextRow[]> {
  await useNodeWasm();
  const handlers = textHandlers(() => loadTextModelFromDisk(TEXT_MODEL));
  const ref = { id: TEXT_MODEL, url: '', card: undefined as never };
  const context = localJobContext();
  await handlers.load({ model: ref }, context);
  const rows: TextRow[] = [];
  for (const search of TEXT_SEARCH_IDS) {
    const args = {
      model: ref,
      count: TEXT_MESSAGES,
      label: 1,
      attacks: [textSearchAttack(search)],
      settings: ['none' as const],
      budgets: [0.15],
      goodWordSource: 'model' as const,
      seed: 1,
    };
    await handlers.batch({ ...args, count: 5 }, context); // warm-up
    const millis: number[] = [];
    let summary;
    for (let r = 0; r < Math.min(repeats, 3); r++) {
      const result = await handlers.batch(args, context);
      millis.push(result.millis);
      summary = result.rows[0].summary;
    }
    rows.push({
      search,
      millis,
      queriesPerMessage: summary!.averageQueries,
      successRate: summary!.successRate,
      environment: 'node wasm',
      messages: TEXT_MESSAGES,
    });
    console.log(`node wasm text ${search}: median ${median(millis).toFixed(0)} ms for ${TEXT_MESSAGES} messages`);
  }
  return rows;
}

function benchBrowserText(): Promise<TextRow[]> {
  return withBenchPage('runTextBench', async (page) => {
    const request: TextBenchRequest = { modelId: TEXT_MODEL, searches: TEXT_SEARCH_IDS, count: TEXT_MESSAGES, repeats: Math.min(repeats, 3) };
    const results = await page.evaluate(
      (r) => (window as unknown as { runTextBench(r: TextBenchRequest): Promise<TextBenchResult[]> }).runTextBench(r),
      request,
    );
    return results.map((r) => ({ ...r, environment: 'chromium wasm', messages: TEXT_MESSAGES }));
  });
}

function printTextTable(rows: TextRow[]): void {
  console.log(`\n${TEXT_MODEL}: text searches over the first ${TEXT_MESSAGES} test spam messages (15% of words, 100 queries at most)`);
  console.log('search               environment     runs   median ms   messages/s   queries/message   success');
  for (const row of rows) {
    const perSecond = row.messages / (median(row.millis) / 1000);
    console.log(
      `${row.search.padEnd(20)} ${row.environment.padEnd(15)} ${String(row.millis.length).padStart(4)} ${median(row.millis).toFixed(0).padStart(11)} ` +
        `${perSecond.toFixed(1).padStart(12)} ${row.queriesPerMessage.toFixed(1).padStart(17)} ${(row.successRate * 100).toFixed(1).padStart(8)}%`,
    );
  }
}

// The audit: the quick suite on mnist-cnn over the bundled MNIST test split (its first 100 digits), seed 1, timed
// from `run` with the model loaded and checked and the data set. No warm-up run: one suite run takes about a minute,
// and `check` has already run the model forward and backward once.
const AUDIT_SUITE: SuiteId = 'quick';
const AUDIT_SEED = 1;
const AUDIT_REPEATS = Math.min(repeats, 3);
const runAuditBench = onlyWorkloads.length === 0 || onlyWorkloads.includes('audit');

interface AuditRow {
  environment: string;
  backend: string;
  detail: string;
  model: string;
  suite: SuiteId;
  seed: number;
  examples: number;
  /** Each timed `run`, from the call to its report. */
  millis: number[];
  /** Each report's own `environment.seconds` (runAudit's clock: checks and suite, no messaging). */
  reportSeconds: number[];
  reports: RobustnessReport[];
}

const auditRow = (environment: string, detail: string, runs: { millis: number; report: RobustnessReport }[]): AuditRow => ({
  environment,
  backend: runs[0].report.environment.backend,
  detail,
  model: modelId,
  suite: AUDIT_SUITE,
  seed: AUDIT_SEED,
  examples: runs[0].report.data.examples,
  millis: runs.map((r) => r.millis),
  reportSeconds: runs.map((r) => r.report.environment.seconds),
  reports: runs.map((r) => r.report),
});

/** The audit worker's handlers in Node, called as scripts/auditApi.test.ts calls them (structuredClone both ways). */
async function benchNodeAudit(): Promise<AuditRow> {
  await useNodeWasm();
  const handlers = auditHandlers({
    store: memoryModelStore(),
    decodeImage: async (_bytes, name) => {
      throw new Error(`The audit bench decodes no images (asked for ${name}): it runs on the bundled digits.`);
    },
    async bundledData(task) {
      if (task !== 'image') throw new Error('The audit bench runs an image model on the bundled MNIST digits.');
      return { name: 'MNIST test split (bundled)', split: loadMnistFromDisk('test') };
    },
    fetch: async (url) => {
      throw new Error(`The audit bench reads the model from disk; it fetches nothing (asked for ${url}).`);
    },
    backend: () => 'wasm',
  });
  const context = localJobContext();
  const call = async <M extends keyof AuditWorkerApi>(method: M, args: AuditWorkerApi[M]['args']): Promise<AuditWorkerApi[M]['result']> => {
    const handler = handlers[method] as (a: AuditWorkerApi[M]['args'], c: JobContext) => Promise<AuditWorkerApi[M]['result']>;
    return structuredClone(await handler(structuredClone(args), context));
  };
  // The files as a folder upload gives them, so the spec is named "mnist-cnn" as the browser's loadUrl names it.
  const dir = join(MODELS_DIR, modelId);
  const bytes = (name: string) => toArrayBuffer(readFileSync(join(dir, name)));
  const shards = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest.flatMap(
    (g) => g.paths,
  );
  const files: UploadedFile[] = ['model.json', ...shards].map((name) => ({ path: `${modelId}/${name}`, bytes: bytes(name) }));
  const { spec } = await call('loadFiles', { files });
  const checked = await call('check', { spec });
  if (!checked.usable)
    throw new Error(`${modelId} fails its checks in Node: ${checked.specProblems.join(' ')} ${checked.checks.map((c) => c.detail).join(' ')}`);
  await call('setData', { spec, data: { kind: 'bundled' } });
  const runs: { millis: number; report: RobustnessReport }[] = [];
  for (let r = 0; r < AUDIT_REPEATS; r++) {
    const started = performance.now();
    const report = await call('run', { spec, suite: AUDIT_SUITE, seed: AUDIT_SEED });
    runs.push({ millis: performance.now() - started, report });
    console.log(
      `node wasm audit ${AUDIT_SUITE} run ${r + 1}/${AUDIT_REPEATS}: ${(runs[r].millis / 1000).toFixed(1)} s (report: ${report.environment.seconds.toFixed(1)} s)`,
    );
  }
  const detail = `Node ${process.version}, SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}`;
  return auditRow('node wasm', detail, runs);
}

function benchBrowserAudit(): Promise<AuditRow> {
  return withBenchPage('runAuditBench', async (page, version) => {
    const request: AuditBenchRequest = { modelId, suite: AUDIT_SUITE, seed: AUDIT_SEED, repeats: AUDIT_REPEATS };
    const result = await page.evaluate(
      (r) => (window as unknown as { runAuditBench(r: AuditBenchRequest): Promise<AuditBenchResult> }).runAuditBench(r),
      request,
    );
    result.runs.forEach((run, r) =>
      console.log(
        `chromium audit ${AUDIT_SUITE} run ${r + 1}/${result.runs.length}: ${(run.millis / 1000).toFixed(1)} s (report: ${run.report.environment.seconds.toFixed(1)} s)`,
      ),
    );
    return auditRow(`chromium ${result.runs[0].report.environment.backend}`, `Chromium ${version}; ${result.detail}`, result.runs);
  });
}

/** Compared as the JSON a user downloads holds them, without where and when each ran (reportResults). */
const resultsJson = (report: RobustnessReport) => JSON.parse(JSON.stringify(reportResults(report))) as unknown;

/** The first place two values differ, as a path (for a "no" that says where). */
function firstDifference(a: unknown, b: unknown, path = 'report'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`,
      );
      if (found) return found;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
}

/** Every report of every environment against Node's first one: the suite is seeded, so all should be the same. */
function sameAuditReports(rows: AuditRow[]): { same: boolean; difference?: string } {
  const reference = resultsJson(rows[0].reports[0]);
  for (const row of rows) {
    for (const [r, report] of row.reports.entries()) {
      const difference = firstDifference(reference, resultsJson(report));
      if (difference) return { same: false, difference: `${row.environment} run ${r + 1} vs ${rows[0].environment} run 1, at ${difference}` };
    }
  }
  return { same: true };
}

const secondsOf = (row: { millis: number[] }) => row.millis.map((m) => m / 1000);

function printAuditTable(rows: AuditRow[], comparison: ReturnType<typeof sameAuditReports> | undefined): void {
  console.log(
    `\n${modelId}: the ${AUDIT_SUITE} audit suite on the first ${rows[0].examples} bundled MNIST test digits, seed ${AUDIT_SEED}; seconds per suite run, no warm-up run`,
  );
  console.log('environment      runs   median s   min s   max s   report s (median)');
  for (const row of rows) {
    const seconds = secondsOf(row);
    console.log(
      `${row.environment.padEnd(15)} ${String(seconds.length).padStart(5)} ${median(seconds).toFixed(1).padStart(10)} ${Math.min(...seconds)
        .toFixed(1)
        .padStart(7)} ` +
        `${Math.max(...seconds)
          .toFixed(1)
          .padStart(7)} ${median(row.reportSeconds).toFixed(1).padStart(19)}`,
    );
  }
  if (comparison) {
    console.log(`same report in Node and Chromium: ${comparison.same ? 'yes' : 'no'}`);
    if (comparison.difference) console.log(`  first difference: ${comparison.difference}`);
  }
}

// Cold load: a fresh browser context per run (empty cache, and the cache disabled too), timed from navigation start
// (the page's performance clock) to the first prediction or spam score on the page; bytes as the server sent them
// (after `vite preview`'s on-the-fly gzip of text files), counted until that moment.
const runColdLoad = onlyWorkloads.includes('coldLoad') || onlyWorkloads.length === 0;
const COLD_LABS = [
  { lab: 'image', hash: '#lab=image&model=mnist-cnn&digit=3', selector: '[data-testid="predicted-label"]', pattern: '^[0-9]$' },
  { lab: 'text', hash: '#lab=text', selector: '[data-testid="live-verdict"]', pattern: '^(spam|ham)$' },
] as const;

interface ServedFile {
  path: string;
  bytes: number;
}

interface ColdLoadRow {
  lab: string;
  /** Milliseconds from navigation start to the first prediction (image) or spam score (text), per run. */
  millis: number[];
  /** Bytes the server sent until then, per run. */
  bytes: number[];
  /** The first run's files, largest first, and the bytes each took. */
  files: ServedFile[];
  /** What the first run's files would take from a host serving pre-compressed copies (brotli 11 or gzip 9, each file's smaller of that and raw). */
  precompressed: { brotli: number; gzip: number; raw: number };
}

/** The bytes of the served files if precompressed at build time (node:zlib), for a host that serves .br or .gz. */
function precompressedBytes(files: ServedFile[]): ColdLoadRow['precompressed'] {
  const sizes = { brotli: 0, gzip: 0, raw: 0 };
  for (const { path } of files) {
    const bytes = readFileSync(join(PROJECT_ROOT, 'dist', path === '/' ? 'index.html' : decodeURIComponent(path)));
    const brotli = brotliCompressSync(bytes, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length;
    sizes.brotli += Math.min(bytes.length, brotli);
    sizes.gzip += Math.min(bytes.length, gzipSync(bytes, { level: 9 }).length);
    sizes.raw += bytes.length;
  }
  return sizes;
}

/** Counts the bytes of every response `vite preview` sends (installed before its compression, so compressed bytes). */
function byteCounter(served: ServedFile[]): Plugin {
  return {
    name: 'bench-byte-counter',
    configurePreviewServer(server) {
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const file: ServedFile = { path: (req.url ?? '').split('?')[0], bytes: 0 };
        const count = (chunk: unknown) => {
          if (typeof chunk === 'string') file.bytes += Buffer.byteLength(chunk);
          else if (chunk instanceof Uint8Array) file.bytes += chunk.byteLength;
        };
        const write = res.write.bind(res) as (...args: unknown[]) => boolean;
        const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
        res.write = ((chunk: unknown, ...rest: unknown[]) => (count(chunk), write(chunk, ...rest))) as typeof res.write;
        res.end = ((chunk?: unknown, ...rest: unknown[]) => (typeof chunk !== 'function' && count(chunk), end(chunk, ...rest))) as typeof res.end;
        res.on('finish', () => served.push(file));
        next();
      });
    },
  };
}

/** Builds the app once per bench, serves it (counting bytes into `served`) and starts a headless Chromium. */
async function withServedApp<T>(body: (origin: string, browser: Browser, served: ServedFile[]) => Promise<T>): Promise<T> {
  const missing = chromiumMissingMessage();
  if (missing) throw new Error(missing);
  built ??= build({ root: PROJECT_ROOT, logLevel: 'warn' });
  await built;
  const served: ServedFile[] = [];
  const server = await preview({ root: PROJECT_ROOT, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn', plugins: [byteCounter(served)] });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    return await body(server.resolvedUrls!.local[0].replace(/\/$/, ''), browser, served);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** A page in a fresh context (empty cache, cache disabled), with `script` run before the app's own scripts. */
async function coldPage(browser: Browser, script: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  page.setDefaultTimeout(400_000);
  page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
  page.on('dialog', (dialog) => void dialog.accept());
  // (A string: tsx would wrap a function's inner names in a helper the page does not have.)
  await page.addInitScript(script);
  return { page, context };
}

function benchColdLoad(): Promise<ColdLoadRow[]> {
  return withServedApp(async (origin, browser, served) => {
    const rows: ColdLoadRow[] = [];
    for (const { lab, hash, selector, pattern } of COLD_LABS) {
      const row: ColdLoadRow = { lab, millis: [], bytes: [], files: [], precompressed: { brotli: 0, gzip: 0, raw: 0 } };
      for (let r = 0; r < repeats; r++) {
        // Records, in the page, when the element first shows what it waits for (a MutationObserver, no polling delay).
        const { page, context } = await coldPage(
          browser,
          `
          new MutationObserver((records, observer) => {
            if (/${pattern}/.test(document.querySelector('${selector}')?.textContent?.trim() ?? '')) {
              window.firstResultAt = performance.now();
              observer.disconnect();
            }
          }).observe(document, { subtree: true, childList: true, characterData: true });`,
        );
        served.length = 0;
        await page.goto(`${origin}/${hash}`);
        const millis = (await (await page.waitForFunction(() => (window as unknown as { firstResultAt?: number }).firstResultAt)).jsonValue()) as number;
        const files = served.slice();
        row.millis.push(millis);
        row.bytes.push(files.reduce((sum, f) => sum + f.bytes, 0));
        if (r === 0) {
          row.files = files.sort((a, b) => b.bytes - a.bytes);
          row.precompressed = precompressedBytes(files);
        }
        console.log(
          `chromium cold load, ${lab} lab, run ${r + 1}/${repeats}: ${(millis / 1000).toFixed(1)} s, ${(row.bytes[r] / 2 ** 20).toFixed(2)} MiB in ${files.length} responses`,
        );
        await context.close();
      }
      rows.push(row);
    }
    return rows;
  });
}

// Long tasks: one representative job per lab, driven through the page as a user would, with a PerformanceObserver
// for 'longtask' in the page; the longest main-thread task from the click that starts the job to its result.
const runLongTasks = onlyWorkloads.includes('longTasks') || onlyWorkloads.length === 0;
const AFTER_JOB_MS = 2000;
const LONG_TASK_OBSERVER = `
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });`;

/** Each lab's job: what to set up (not measured), and the click that starts it and what says it finished (measured). */
const LONG_TASK_JOBS: {
  lab: string;
  job: string;
  setup(page: Page, origin: string): Promise<void>;
  start(page: Page): Promise<void>;
  done(page: Page): Promise<void>;
}[] = [
  {
    lab: 'image',
    job: 'sweep of FGSM and PGD-10 over 300 digits at 6 budgets',
    async setup(page, origin) {
      await page.goto(`${origin}/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm,pgd&budgets=0,0.05,0.1,0.15,0.2,0.3&n=300`);
      await page.locator('.sweep-attack', { hasText: 'PGD' }).locator('summary').click();
      await page.locator('#sweep-pgd-max_iter').fill('10');
    },
    start: (page) => page.getByRole('button', { name: 'Run sweep' }).click(),
    done: (page) => page.getByTestId('sweep-results').waitFor(),
  },
  {
    lab: 'text',
    job: 'batch over 20 test spam messages',
    async setup(page, origin) {
      await page.goto(`${origin}/#lab=text`);
      await page.getByRole('tab', { name: 'Batch over test spam' }).click();
      await page.getByLabel('Messages').fill('20');
    },
    start: (page) => page.getByRole('button', { name: 'Run batch' }).click(),
    done: (page) => page.getByRole('table', { name: 'attack summary' }).locator('tbody tr').nth(8).waitFor(),
  },
  {
    lab: 'extraction',
    job: '500-query extraction, 100 per round, pool uncertainty',
    async setup(page, origin) {
      await page.goto(`${origin}/#lab=extraction&model=mnist-cnn`);
      await page.getByLabel('query budget').fill('500');
      await page.getByLabel('queries per round').fill('100');
      await page.getByLabel('strategy').selectOption('pool-uncertainty');
    },
    start: (page) => page.getByRole('button', { name: 'Steal the model' }).click(),
    done: (page) => page.getByTestId('log-count').filter({ hasText: /^500$/ }).waitFor(),
  },
  {
    lab: 'audit',
    job: `quick audit of ${modelId} loaded by URL, on the bundled MNIST digits`,
    async setup(page, origin) {
      await page.goto(`${origin}/#lab=audit&seed=1&suite=quick`);
      await page.getByLabel('model URL').fill(`${origin}/models/${modelId}/model.json`);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      await page.getByLabel('loaded model').filter({ hasText: 'parameters' }).waitFor();
      await page.getByRole('button', { name: 'Run the checks' }).click();
      await page.getByTestId('check-gradients').filter({ hasText: 'pass' }).waitFor();
      await page.getByRole('button', { name: 'Use MNIST test digits' }).click();
      await page.getByTestId('data-summary').filter({ hasText: 'examples' }).waitFor();
    },
    start: (page) => page.getByRole('button', { name: 'Run the report' }).click(),
    done: (page) => page.getByTestId('report-view').waitFor(),
  },
];

interface LongTaskRow {
  lab: string;
  job: string;
  /** The longest main-thread task while the job ran, per run (0 when none reached 50 ms). */
  longestMillis: number[];
  /** How many tasks of 50 ms or more, per run. */
  longTasks: number[];
  /** The job's wall time, per run. */
  jobMillis: number[];
}

function benchLongTasks(): Promise<LongTaskRow[]> {
  return withServedApp(async (origin, browser) => {
    const rows: LongTaskRow[] = [];
    for (const job of LONG_TASK_JOBS) {
      const row: LongTaskRow = { lab: job.lab, job: job.job, longestMillis: [], longTasks: [], jobMillis: [] };
      for (let r = 0; r < repeats; r++) {
        const { page, context } = await coldPage(browser, LONG_TASK_OBSERVER);
        await job.setup(page, origin);
        const started = await page.evaluate(() => performance.now());
        await job.start(page);
        await job.done(page);
        const doneAt = await page.evaluate(() => performance.now());
        // The result's own rendering and the tasks after it (a timer or an idle callback a second later included).
        await page.waitForTimeout(AFTER_JOB_MS);
        const tasks = await page.evaluate(
          (from) => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter((t) => t.start + t.duration >= from),
          started,
        );
        row.jobMillis.push((await page.evaluate(() => performance.now())) - started - AFTER_JOB_MS);
        row.longestMillis.push(Math.max(0, ...tasks.map((t) => t.duration)));
        row.longTasks.push(tasks.length);
        // When each long task began, from the click (s), and for how long: where to look for the work that blocks.
        const when = tasks.map((t) => `${((t.start - started) / 1000).toFixed(1)} s: ${t.duration.toFixed(0)} ms`).join(', ');
        console.log(
          `chromium long tasks, ${job.lab} lab, run ${r + 1}/${repeats}: longest ${row.longestMillis[r].toFixed(0)} ms, ${tasks.length} tasks >= 50 ms in ${(row.jobMillis[r] / 1000).toFixed(1)} s` +
            ` (result on screen at ${((doneAt - started) / 1000).toFixed(1)} s${when ? `; ${when}` : ''})`,
        );
        await context.close();
      }
      rows.push(row);
    }
    return rows;
  });
}

function printLongTaskTable(rows: LongTaskRow[]): void {
  console.log('\nLongest main-thread task while a job runs (PerformanceObserver longtask; medians over runs)');
  console.log('lab          runs   longest ms   tasks >= 50 ms   job s   job');
  for (const row of rows) {
    console.log(
      `${row.lab.padEnd(11)} ${String(row.longestMillis.length).padStart(5)} ${median(row.longestMillis).toFixed(0).padStart(12)} ${median(row.longTasks).toFixed(0).padStart(16)} ` +
        `${(median(row.jobMillis) / 1000).toFixed(1).padStart(7)}   ${row.job}`,
    );
  }
}

function printColdLoadTable(rows: ColdLoadRow[]): void {
  console.log('\nCold load (fresh context, cache off): until the first prediction (image lab) or spam score (text lab)');
  console.log('lab      runs   median s   median MiB   raw MiB   precompressed MiB: gzip 9  brotli 11   largest responses (first run)');
  const mib = (bytes: number, width: number) => (bytes / 2 ** 20).toFixed(2).padStart(width);
  for (const row of rows) {
    const largest = row.files
      .slice(0, 4)
      .map((f) => `${f.path.replace(/^.*\//, '')} ${(f.bytes / 2 ** 20).toFixed(2)}`)
      .join(', ');
    const { raw, gzip, brotli } = row.precompressed;
    console.log(
      `${row.lab.padEnd(7)} ${String(row.millis.length).padStart(5)} ${(median(row.millis) / 1000).toFixed(1).padStart(10)} ${mib(median(row.bytes), 12)} ${mib(raw, 9)} ${mib(gzip, 26)} ${mib(brotli, 10)}   ${largest}`,
    );
  }
}

const rows: BenchRow[] = [];
const textRows: TextRow[] = [];
const auditRows: AuditRow[] = [];
const coldLoadRows: ColdLoadRow[] = [];
const longTaskRows: LongTaskRow[] = [];
if (runImage && only !== 'browser') rows.push(...(await benchNode()));
if (runText && only !== 'browser') textRows.push(...(await benchNodeText()));
if (runImage && only !== 'node') rows.push(...(await benchBrowser()));
if (runText && only !== 'node') textRows.push(...(await benchBrowserText()));
if (runAuditBench && only !== 'browser') auditRows.push(await benchNodeAudit());
if (runAuditBench && only !== 'node') auditRows.push(await benchBrowserAudit());
if (runColdLoad && only !== 'node') coldLoadRows.push(...(await benchColdLoad()));
if (runLongTasks && only !== 'node') longTaskRows.push(...(await benchLongTasks()));
const auditComparison =
  auditRows.some((r) => r.environment.startsWith('node')) && auditRows.some((r) => r.environment.startsWith('chromium'))
    ? sameAuditReports(auditRows)
    : undefined;
if (rows.length > 0) printTable(rows);
if (textRows.length > 0) printTextTable(textRows);
if (auditRows.length > 0) printAuditTable(auditRows, auditComparison);
if (coldLoadRows.length > 0) printColdLoadTable(coldLoadRows);
if (longTaskRows.length > 0) printLongTaskTable(longTaskRows);
mkdirSync(dirname(out), { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  settings: { repeats, model: modelId, budgets: BENCH_BUDGETS },
  workloads: WORKLOADS,
  rows: rows.map((r) => ({ ...r, median: median(r.millis), itemsPerSecond: itemsPerSecond(r) })),
  textRows: textRows.map((r) => ({ ...r, median: median(r.millis), messagesPerSecond: r.messages / (median(r.millis) / 1000) })),
  auditRows: auditRows.map(({ reports: _reports, ...r }) => {
    const seconds = secondsOf(r);
    return { ...r, seconds, median: median(seconds), min: Math.min(...seconds), max: Math.max(...seconds) };
  }),
  coldLoadRows: coldLoadRows.map((r) => ({ ...r, medianMillis: median(r.millis), medianBytes: median(r.bytes) })),
  longTaskRows: longTaskRows.map((r) => ({ ...r, medianLongestMillis: median(r.longestMillis) })),
  auditSameReport: auditComparison ? auditComparison.same : null,
  ...(auditComparison?.difference ? { auditFirstDifference: auditComparison.difference } : {}),
};
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(`\nwrote ${out}`);
