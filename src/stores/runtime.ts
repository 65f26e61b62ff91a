import { create } from 'zustand';
import type { BackendProbe } from '../core/backend/names';
import type { MemoryStats } from '../rpc/protocol';

/** What the compute worker reports: plain data only, never tensors. */
interface RuntimeStore {
  backend: string | undefined;
  backendDetail: string;
  probes: BackendProbe[];
  memory: MemoryStats | undefined;
  /** The audit lab's own worker (wasm always, like `npm run audit`): what it last reported. */
  auditMemory: MemoryStats | undefined;
  /** The other labs' own workers (text, oracle, attacker), by name: what each last reported. */
  workers: Record<string, MemoryStats>;
  /** Set when the worker cannot start or crashed; the UI shows it with what to do. */
  workerError: string | undefined;
  update(patch: Partial<Omit<RuntimeStore, 'update'>>): void;
}

export const useRuntime = create<RuntimeStore>((set) => ({
  backend: undefined,
  backendDetail: '',
  probes: [],
  memory: undefined,
  auditMemory: undefined,
  workers: {},
  workerError: undefined,
  update: (patch) => set(patch),
}));

export const selectBackend = (s: RuntimeStore) => s.backend;
export const selectBackendDetail = (s: RuntimeStore) => s.backendDetail;
export const selectProbes = (s: RuntimeStore) => s.probes;
export const selectMemory = (s: RuntimeStore) => s.memory;
export const selectAuditMemory = (s: RuntimeStore) => s.auditMemory;
export const selectWorkers = (s: RuntimeStore) => s.workers;
/** Records what a lab's own worker reported about its memory. */
export const reportWorkerMemory = (name: string) => (memory: MemoryStats) => useRuntime.setState((s) => ({ workers: { ...s.workers, [name]: memory } }));
export const selectWorkerError = (s: RuntimeStore) => s.workerError;
