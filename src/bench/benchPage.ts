/** The browser half of `npm run bench`: the same worker as the app, driven from Node through window.runBench. */
import { WorkerBridge } from '../bridge/workerBridge';
import type { WorkloadId } from '../core/bench/workloads';
import type { BackendName } from '../core/backend/names';
import type { ModelCard } from '../core/models/card';
import type { ModelWorkerApi } from '../workers/protocol';

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
