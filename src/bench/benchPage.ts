/** The browser half of `npm run bench`: the same worker as the app, driven from Node through window.runBench. */
import { WorkerBridge } from '../bridge/workerBridge';
import type { WorkloadId } from '../core/bench/workloads';
import type { BackendName } from '../core/backend/names';
import type { ModelCard } from '../core/models/card';
import type { ModelWorkerApi } from '../workers/protocol';
import { textSearchAttack, type TextSearchId } from '../core/bench/textSearches';
import type { TextWorkerApi } from '../workers/textApi';

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
  const bridge = new WorkerBridge<ModelWorkerApi>(
    () => new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'bench' }),
  );
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
      const args = { model, count: request.count, label: 1, attacks: [textSearchAttack(search)], settings: ['none' as const], budgets: [0.15], goodWordSource: 'model' as const, seed: 1 };
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
