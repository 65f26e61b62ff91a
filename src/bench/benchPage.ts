/** The browser half of `npm run bench`: the same worker as the app, driven from Node through window.runBench. */
import { WorkerBridge } from '../rpc/workerBridge';
import type { WorkloadId } from '../core/bench/workloads';
import type { BackendName } from '../core/backend/names';
import type { ModelCard } from '../core/models/card';
import type { ModelWorkerApi } from '../workers/modelApi';
import { textSearchAttack, type TextSearchId } from '../core/bench/textSearches';
import type { TextWorkerApi } from '../workers/textApi';
import { auditWorker } from '../bridge/audit';
import type { SuiteId } from '../core/audit/audit';
import type { RobustnessReport } from '../core/audit/report';

export interface BenchRun {
  workload: WorkloadId;
  count: number;
  repeats: number;
}

export interface BrowserBenchRequest {
  backend: BackendName;
  modelId: string;
  runs: BenchRun[];
}

export interface BrowserBenchResult {
  backend: string;
  detail: string;
  results: (BenchRun & { millis: number[] })[];
}

async function runBench(request: BrowserBenchRequest): Promise<BrowserBenchResult> {
  const bridge = new WorkerBridge<ModelWorkerApi>(() => new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'bench' }));
  try {
    const base = `${import.meta.env.BASE_URL}models/${request.modelId}/`;
    const card = (await (await fetch(`${base}card.json`)).json()) as ModelCard;
    const model = { id: request.modelId, url: `${base}model.json`, card };
    const info = await bridge.call('init', { backend: request.backend });
    const results: BrowserBenchResult['results'] = [];
    for (const run of request.runs) {
      const { millis } = await bridge.call('bench', { model, ...run });
      results.push({ ...run, millis });
    }
    return { backend: info.backend, detail: info.detail, results };
  } finally {
    bridge.terminate('benchmark finished');
  }
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;

export interface TextBenchRequest {
  modelId: string;
  searches: TextSearchId[];
  count: number;
  repeats: number;
}

export interface TextBenchResult {
  search: TextSearchId;
  millis: number[];
  queriesPerMessage: number;
  successRate: number;
}

/** Times the text searches in the app's text worker (see src/core/bench/textSearches.ts). */
async function runTextBench(request: TextBenchRequest): Promise<TextBenchResult[]> {
  const bridge = new WorkerBridge<TextWorkerApi>(
    () => new Worker(new URL('../workers/text.worker.ts', import.meta.url), { type: 'module', name: 'text-bench' }),
  );
  try {
    const base = `${import.meta.env.BASE_URL}models/${request.modelId}/`;
    const card = (await (await fetch(`${base}card.json`)).json()) as ModelCard;
    const model = { id: request.modelId, url: `${base}model.json`, card };
    await bridge.call('load', { model });
    const results: TextBenchResult[] = [];
    for (const search of request.searches) {
      const args = {
        model,
        count: request.count,
        label: 1,
        attacks: [textSearchAttack(search)],
        settings: ['none' as const],
        budgets: [0.15],
        goodWordSource: 'model' as const,
        seed: 1,
      };
      await bridge.call('batch', { ...args, count: Math.min(5, request.count) }); // warm-up
      const millis: number[] = [];
      let summary;
      for (let r = 0; r < request.repeats; r++) {
        const result = await bridge.call('batch', args);
        millis.push(result.millis);
        summary = result.rows[0].summary;
      }
      results.push({ search, millis, queriesPerMessage: summary!.averageQueries, successRate: summary!.successRate });
    }
    return results;
  } finally {
    bridge.terminate('benchmark finished');
  }
}

(window as unknown as { runTextBench: typeof runTextBench }).runTextBench = runTextBench;

export interface AuditBenchRequest {
  /** A bundled model, loaded by URL from this page's origin. */
  modelId: string;
  suite: SuiteId;
  seed: number;
  repeats: number;
}

export interface AuditBenchResult {
  /** Whether the page is cross-origin isolated (threaded wasm needs it). */
  detail: string;
  /** Each timed `run`, from the call to its report, with that report. */
  runs: { millis: number; report: RobustnessReport }[];
}

/**
 * Times the audit suite in the app's own audit worker (src/bridge/audit.ts), as the Audit lab drives it: load the
 * model by URL, check it, choose the bundled data, then time each `run` end to end, report included.
 */
async function runAuditBench(request: AuditBenchRequest): Promise<AuditBenchResult> {
  try {
    const url = new URL(`${import.meta.env.BASE_URL}models/${request.modelId}/model.json`, location.href).href;
    const { spec } = await auditWorker.call('loadUrl', { url });
    const checked = await auditWorker.call('check', { spec });
    if (!checked.usable)
      throw new Error(`${request.modelId} fails its checks: ${checked.specProblems.join(' ')} ${checked.checks.map((c) => c.detail).join(' ')}`);
    await auditWorker.call('setData', { spec, data: { kind: 'bundled' } });
    const runs: AuditBenchResult['runs'] = [];
    for (let r = 0; r < request.repeats; r++) {
      const started = performance.now();
      const report = await auditWorker.call('run', { spec, suite: request.suite, seed: request.seed });
      runs.push({ millis: performance.now() - started, report });
    }
    return { detail: `cross-origin isolated ${crossOriginIsolated}`, runs };
  } finally {
    auditWorker.terminate('benchmark finished');
  }
}

(window as unknown as { runAuditBench: typeof runAuditBench }).runAuditBench = runAuditBench;
