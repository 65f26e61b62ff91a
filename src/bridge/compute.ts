import { WorkerBridge } from '../rpc/workerBridge';
import { reportWorkerCrash } from './jobs';
import type { BackendName } from '../core/backend/names';
import { useRuntime } from '../stores/runtime';
import { useSettings } from '../stores/settings';
import type { BackendInfo, ModelWorkerApi } from '../workers/modelApi';

/** Records the outcome of a backend choice in the runtime store, so the status bar says what happened. */
async function recordBackend(backend: BackendName | 'auto', init: Promise<BackendInfo>): Promise<void> {
  try {
    const info = await init;
    useRuntime.getState().update({ backend: info.backend, backendDetail: info.detail, probes: info.probes, workerError: undefined });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    useRuntime.getState().update({ workerError: `Could not start the ${backend} backend: ${message}` });
    throw error;
  }
}

/** The app's one compute worker. It starts on first use with the backend the settings ask for. */
export const compute = new WorkerBridge<ModelWorkerApi>(
  () => new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'compute' }),
  {
    onMemory: (memory) => useRuntime.getState().update({ memory }),
    onStart: (bridge) => {
      const backend = useSettings.getState().backend;
      return recordBackend(backend, bridge.send('init', { backend }));
    },
    name: 'compute',
    onCrash: (message) => {
      // The dead worker's tensors are gone with it.
      useRuntime.getState().update({ memory: undefined });
      reportWorkerCrash(message);
    },
  },
);

/** Switches backend, queued behind running work like any call; models reload on the new backend when used. */
export function switchBackend(backend: BackendName | 'auto'): Promise<void> {
  useSettings.getState().set({ backend });
  return recordBackend(backend, compute.call('init', { backend }));
}
