import { reportWorkerMemory } from '../stores/runtime';
import { WorkerBridge } from './workerBridge';
import type { ExtractionWorkerApi } from '../workers/extractionApi';
import type { OracleWorkerApi } from '../workers/oracleApi';

let workers: { oracle: WorkerBridge<OracleWorkerApi>; attacker: WorkerBridge<ExtractionWorkerApi> } | undefined;

/**
 * The extraction lab's two workers, started on first use: the oracle (holding the victim) and the attacker
 * (holding only a port to the oracle). The page talks to both; they talk to each other through a MessageChannel.
 */
export function extractionWorkers() {
  if (!workers) {
    const oracle = new Worker(new URL('../workers/oracle.worker.ts', import.meta.url), { type: 'module', name: 'oracle' });
    const attacker = new Worker(new URL('../workers/extraction.worker.ts', import.meta.url), { type: 'module', name: 'attacker' });
    const channel = new MessageChannel();
    oracle.postMessage({ kind: 'connect', port: channel.port1 }, [channel.port1]);
    attacker.postMessage({ kind: 'connect', port: channel.port2 }, [channel.port2]);
    workers = {
      oracle: new WorkerBridge(() => oracle, { onMemory: reportWorkerMemory('oracle') }),
      attacker: new WorkerBridge(() => attacker, { onMemory: reportWorkerMemory('attacker') }),
    };
  }
  return workers;
}
