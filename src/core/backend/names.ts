/** The backends the playground knows, fastest first on hardware that has them all. (No tfjs import: the UI reads it.) */
export const BACKEND_PREFERENCE = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_PREFERENCE)[number];

export interface BackendProbe {
  name: BackendName;
  ok: boolean;
  /** Median milliseconds of the self-test workload; lower is faster. */
  millis?: number;
  error?: string;
}
