import { useRuntime } from '../stores/runtime';
import { WorkerBridge } from '../rpc/workerBridge';
import { reportWorkerCrash } from './jobs';
import type { AuditWorkerApi } from '../workers/auditApi';

/** The audit lab's worker: the user's model and data live there between calls. Starts on first use. */
export const auditWorker = new WorkerBridge<AuditWorkerApi>(
  () => new Worker(new URL('../workers/audit.worker.ts', import.meta.url), { type: 'module', name: 'audit' }),
  {
    onMemory: (memory) => useRuntime.getState().update({ auditMemory: memory }),
    name: 'audit',
    onCrash: reportWorkerCrash,
  },
);
