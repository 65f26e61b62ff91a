/**
 * npm run bench [-- --repeats 5 --count 2000 --only node|browser --out bench-results/latest.json]
 *
 * Runs each benchmark workload in Node (wasm) and in headless Chromium (wasm and webgl, in the app's worker),
 * prints a table of medians with the ratio to Node wasm, and writes every run's timings to a JSON file.
 * Timings are medians over repeated runs after a warm-up run: the machine is shared and noisy.
 */
import * as tf from '@tensorflow/tfjs';
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, preview } from 'vite';
import type { BrowserBenchRequest, BrowserBenchResult } from '../src/bench/benchPage';
import { median, timeWorkload, WORKLOADS, type WorkloadId } from '../src/core/bench/workloads';
import { sliceSplit } from '../src/core/data/mnist';
import { classifierFromLayersModel } from '../src/core/models/classifier';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingMessage } from './chromium';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from './node-tf';
import { PROJECT_ROOT } from './paths';

interface BenchRow {
  workload: WorkloadId;
  model: string;
  environment: string;
  backend: string;
  detail: string;
  count: number;
  millis: number[];
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const repeats = Number(option('repeats', '5'));
const count = Number(option('count', '2000'));
const only = option('only', 'all');
const out = option('out', join(PROJECT_ROOT, 'bench-results', 'latest.json'));
const modelId = 'mnist-cnn';
const workloads = Object.keys(WORKLOADS) as WorkloadId[];
if (!Number.isInteger(repeats) || repeats < 1 || !Number.isInteger(count) || count < 1 || !['all', 'node', 'browser'].includes(only)) {
  console.error('Usage: npm run bench -- [--repeats N>=1] [--count N>=1] [--only all|node|browser] [--out file.json]');
  process.exit(2);
}

async function benchNode(): Promise<BenchRow[]> {
  await useNodeWasm();
  const { model, card } = await loadModelFromDisk(modelId);
  const classifier = classifierFromLayersModel(model, card);
  const split = sliceSplit(loadMnistFromDisk('test'), 0, count);
  const rows: BenchRow[] = [];
  const detail = `Node ${process.version}, SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}`;
  for (const workload of workloads) {
    const millis = await timeWorkload(workload, classifier, split, repeats);
    rows.push({ workload, model: modelId, environment: 'node', backend: 'wasm', detail, count: split.count, millis });
    console.log(`node wasm ${workload}: median ${median(millis).toFixed(1)} ms`);
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
    page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
    await page.goto(`${server.resolvedUrls!.local[0]}bench.html`);
    await page.waitForFunction(() => 'runBench' in window);
    for (const backend of ['wasm', 'webgl'] as const) {
      const request: BrowserBenchRequest = { backend, modelId, workloads, repeats, count };
      const result = await page.evaluate(
        (r) => (window as unknown as { runBench(r: BrowserBenchRequest): Promise<BrowserBenchResult> }).runBench(r),
        request,
      );
      for (const { workload, millis } of result.results) {
        rows.push({ workload, model: modelId, environment: 'chromium', backend: result.backend, detail: result.detail, count, millis });
        console.log(`chromium ${result.backend} ${workload}: median ${median(millis).toFixed(1)} ms`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

function printTable(rows: BenchRow[]): void {
  const baseline = (workload: WorkloadId) =>
    rows.find((r) => r.workload === workload && r.environment === 'node' && r.backend === 'wasm');
  console.log(`\n${modelId}, ${count} test digits, ${repeats} timed runs after a warm-up (milliseconds)`);
  console.log('workload        environment  backend  median     min     max   vs node wasm');
  for (const row of rows) {
    const base = baseline(row.workload);
    const ratio = base ? `${(median(row.millis) / median(base.millis)).toFixed(2)}x` : '-';
    console.log(
      `${row.workload.padEnd(15)} ${row.environment.padEnd(12)} ${row.backend.padEnd(7)} ${median(row.millis).toFixed(1).padStart(7)} ` +
        `${Math.min(...row.millis).toFixed(1).padStart(7)} ${Math.max(...row.millis).toFixed(1).padStart(7)}   ${ratio}`,
    );
  }
}

const rows: BenchRow[] = [];
if (only !== 'browser') rows.push(...(await benchNode()));
if (only !== 'node') rows.push(...(await benchBrowser()));
printTable(rows);
mkdirSync(dirname(out), { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  settings: { repeats, count, model: modelId },
  workloads: WORKLOADS,
  rows: rows.map((r) => ({ ...r, median: median(r.millis) })),
};
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(`\nwrote ${out}`);
