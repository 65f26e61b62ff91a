/**
 * npm run bench [-- --repeats 5 --only node|browser --workloads fgsmSweep,oracleQueries --out bench-results/latest.json]
 *
 * Runs each benchmark workload in Node (wasm) and in headless Chromium (wasm and webgl, in the app's worker),
 * prints a table of medians, items per second and the ratio to Node wasm, and writes every run's timings to a
 * JSON file. Timings are medians over repeated runs after a warm-up: the machine is shared and noisy.
 */
import * as tf from '@tensorflow/tfjs';
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { build, preview } from 'vite';
import type { BenchRun, BrowserBenchRequest, BrowserBenchResult } from '../src/bench/benchPage';
import { BENCH_BUDGETS, median, timeWorkload, WORKLOADS, workloadItems, type WorkloadId } from '../src/core/bench/workloads';
import { sliceSplit } from '../src/core/data/mnist';
import { classifierFromLayersModel } from '../src/core/models/classifier';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingMessage } from './chromium';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from './node-tf';
import { PROJECT_ROOT } from './paths';
import { TEXT_SEARCH_IDS, textSearchAttack } from '../src/core/bench/textSearches';
import type { TextBenchRequest, TextBenchResult } from '../src/bench/benchPage';
import { textHandlers } from '../src/workers/textApi';
import { loadTextModelFromDisk } from './node-tf';

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
const unknownWorkloads = onlyWorkloads.filter((w) => !(w in WORKLOADS) && w !== 'textSearch');
if (!Number.isInteger(repeats) || repeats < 1 || !['all', 'node', 'browser'].includes(only) || unknownWorkloads.length) {
  if (unknownWorkloads.length) console.error(`Unknown workloads: ${unknownWorkloads.join(', ')}. Known: ${[...Object.keys(WORKLOADS), 'textSearch'].join(', ')}.`);
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

async function benchBrowser(): Promise<BenchRow[]> {
  const missing = chromiumMissingMessage();
  if (missing) throw new Error(missing);
  await build({ root: PROJECT_ROOT, logLevel: 'warn' });
  const server = await preview({ root: PROJECT_ROOT, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows: BenchRow[] = [];
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
    await page.goto(`${server.resolvedUrls!.local[0]}bench.html`);
    await page.waitForFunction(() => 'runBench' in window);
    for (const backend of ['wasm', 'webgl'] as const) {
      const request: BrowserBenchRequest = { backend, modelId, runs: plan(backend) };
      const result = await page.evaluate(
        (r) => (window as unknown as { runBench(r: BrowserBenchRequest): Promise<BrowserBenchResult> }).runBench(r),
        request,
      );
      for (const run of result.results) {
        rows.push({ ...run, model: modelId, environment: 'chromium', backend: result.backend, detail: result.detail });
        console.log(`chromium ${result.backend} ${run.workload} (${run.count} digits): median ${median(run.millis).toFixed(0)} ms`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
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
        `${median(row.millis).toFixed(0).padStart(11)} ${itemsPerSecond(row).toFixed(itemsPerSecond(row) < 10 ? 2 : 0).padStart(9)}   ${ratio}`,
    );
  }
  for (const environment of ['node', 'chromium']) {
    for (const backend of ['wasm', 'webgl']) {
      const batched = rows.find((r) => r.environment === environment && r.backend === backend && r.workload === 'fgsmSweep');
      const single = rows.find((r) => r.environment === environment && r.backend === backend && r.workload === 'fgsmOneByOne');
      if (batched && single) {
        console.log(`${environment} ${backend}: batching FGSM is ${(itemsPerSecond(batched) / itemsPerSecond(single)).toFixed(1)}x faster than one image per call; ` +
          `the full sweep (2,000 digits x ${BENCH_BUDGETS.length} budgets) takes ${((2000 * BENCH_BUDGETS.length) / itemsPerSecond(batched)).toFixed(1)} s at that rate`);
      }
    }
  }
}

// Text searches: messages attacked per second and queries per message, on the first 100 test spam messages.
const TEXT_MODEL = 'spam-bow';
const TEXT_MESSAGES = 100;
const runText = onlyWorkloads.length === 0 || onlyWorkloads.includes('textSearch');
const runImage = onlyWorkloads.length === 0 || onlyWorkloads.some((w) => w !== 'textSearch');

interface TextRow extends TextBenchResult {
  environment: string;
  messages: number;
}

async function benchNodeText(): Promise<TextRow[]> {
  await useNodeWasm();
  const handlers = textHandlers(() => loadTextModelFromDisk(TEXT_MODEL));
  const ref = { id: TEXT_MODEL, url: '', card: undefined as never };
  const context = { progress: () => undefined, cancelled: () => false, yield: async () => undefined, checkpoint: async () => undefined };
  await handlers.load({ model: ref }, context);
  const rows: TextRow[] = [];
  for (const search of TEXT_SEARCH_IDS) {
    const args = { model: ref, count: TEXT_MESSAGES, label: 1, attacks: [textSearchAttack(search)], settings: ['none' as const], budgets: [0.15], goodWordSource: 'model' as const, seed: 1 };
    await handlers.batch({ ...args, count: 5 }, context); // warm-up
    const millis: number[] = [];
    let summary;
    for (let r = 0; r < Math.min(repeats, 3); r++) {
      const result = await handlers.batch(args, context);
      millis.push(result.millis);
      summary = result.rows[0].summary;
    }
    rows.push({ search, millis, queriesPerMessage: summary!.averageQueries, successRate: summary!.successRate, environment: 'node wasm', messages: TEXT_MESSAGES });
    console.log(`node wasm text ${search}: median ${median(millis).toFixed(0)} ms for ${TEXT_MESSAGES} messages`);
  }
  return rows;
}

async function benchBrowserText(): Promise<TextRow[]> {
  const missing = chromiumMissingMessage();
  if (missing) throw new Error(missing);
  await build({ root: PROJECT_ROOT, logLevel: 'warn' });
  const server = await preview({ root: PROJECT_ROOT, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await page.goto(`${server.resolvedUrls!.local[0]}bench.html`);
    await page.waitForFunction(() => 'runTextBench' in window);
    const request: TextBenchRequest = { modelId: TEXT_MODEL, searches: TEXT_SEARCH_IDS, count: TEXT_MESSAGES, repeats: Math.min(repeats, 3) };
    const results = await page.evaluate(
      (r) => (window as unknown as { runTextBench(r: TextBenchRequest): Promise<TextBenchResult[]> }).runTextBench(r),
      request,
    );
    return results.map((r) => ({ ...r, environment: 'chromium wasm', messages: TEXT_MESSAGES }));
  } finally {
    await browser.close();
    await server.close();
  }
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

const rows: BenchRow[] = [];
const textRows: TextRow[] = [];
if (runImage && only !== 'browser') rows.push(...(await benchNode()));
if (runText && only !== 'browser') textRows.push(...(await benchNodeText()));
if (runImage && only !== 'node') rows.push(...(await benchBrowser()));
if (runText && only !== 'node') textRows.push(...(await benchBrowserText()));
if (rows.length > 0) printTable(rows);
if (textRows.length > 0) printTextTable(textRows);
mkdirSync(dirname(out), { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  settings: { repeats, model: modelId, budgets: BENCH_BUDGETS },
  workloads: WORKLOADS,
  rows: rows.map((r) => ({ ...r, median: median(r.millis), itemsPerSecond: itemsPerSecond(r) })),
  textRows: textRows.map((r) => ({ ...r, median: median(r.millis), messagesPerSecond: r.messages / (median(r.millis) / 1000) })),
};
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(`\nwrote ${out}`);
