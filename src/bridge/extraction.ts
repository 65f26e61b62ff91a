import { reportWorkerMemory } from '../stores/runtime';
import { WorkerBridge } from '../rpc/workerBridge';
import { reportWorkerCrash } from './jobs';
import type { ExtractionWorkerApi } from '../workers/extractionApi';
import type { OracleWorkerApi } from '../workers/oracleApi';

let workers: { oracle: WorkerBridge<OracleWorkerApi>; attacker: WorkerBridge<ExtractionWorkerApi> } | undefined;

/**
 * The extraction lab's two workers, started on first use: the oracle (holding the victim) and the attacker
 * (holding only a port to the oracle). The page talks to both; they talk to each other through a MessageChannel.
 * When either crashes, both are ended (the pair shares a channel) and the next call starts a fresh pair; the caller
 * of the call that was running hears why.
 */
export function extractionWorkers() {
  if (!workers) {
    const oracle = new Worker(new URL('../workers/oracle.worker.ts', import.meta.url), { type: 'module', name: 'oracle' });
    const attacker = new Worker(new URL('../workers/extraction.worker.ts', import.meta.url), { type: 'module', name: 'attacker' });
    const channel = new MessageChannel();
    oracle.postMessage({ kind: 'connect', port: channel.port1 }, [channel.port1]);
    attacker.postMessage({ kind: 'connect', port: channel.port2 }, [channel.port2]);
    // A bridge of an ended pair (still held by a panel) must not start its dead worker again: its calls fail at once.
    let ended: string | undefined;
    const alive =
      <W>(worker: W) =>
      () => {
        if (ended) throw new Error(ended);
        return worker;
      };
    const pair = {
      oracle: new WorkerBridge<OracleWorkerApi>(alive(oracle), {
        name: 'oracle',
        onMemory: reportWorkerMemory('oracle'),
        onCrash: (message) => endPair(message),
      }),
      attacker: new WorkerBridge<ExtractionWorkerApi>(alive(attacker), {
        name: 'attacker',
        onMemory: reportWorkerMemory('attacker'),
        onCrash: (message) => endPair(message),
      }),
    };
    const endPair = (message: string) => {
      ended = message;
      if (workers === pair) workers = undefined;
      pair.oracle.terminate(message);
      pair.attacker.terminate(message);
      // A bridge that never sent a call has not taken its worker yet: end the raw workers too.
      oracle.terminate();
      attacker.terminate();
      reportWorkerCrash(message);
    };
    workers = pair;
  }
  return workers;
}
