import { reportWorkerMemory } from '../stores/runtime';
import { WorkerBridge } from '../rpc/workerBridge';
import { reportWorkerCrash } from './jobs';
import type { TextWorkerApi } from '../workers/textApi';

/** The text lab's worker: the spam model, its tables and the test messages live there. Starts on first use. */
export const textWorker = new WorkerBridge<TextWorkerApi>(
  () => new Worker(new URL('../workers/text.worker.ts', import.meta.url), { type: 'module', name: 'text' }),
  { name: 'text', onMemory: reportWorkerMemory('text'), onCrash: reportWorkerCrash },
);
