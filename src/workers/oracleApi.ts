import type { Classifier } from '../core/models/classifier';
import { createOracle } from '../core/extraction/oracle';
import type { DetectorVerdict, Oracle, OracleAnswer, OracleConfig, QueryLogEntry } from '../core/extraction/types';
import type { ModelRef } from './modelApi';
import type { Handlers } from '../rpc/serve';

/**
 * Everything that crosses the oracle worker's boundary. The attacker's side can open an oracle on a model, send
 * queries, and read the log and the detector's verdict: numbers in, numbers out. No method returns the model, its
 * weights or its gradients, and the model itself never leaves the oracle worker.
 */
export interface OracleWorkerApi {
  open: { args: { model: ModelRef; config: OracleConfig }; result: { numClasses: number; inputShape: [number, number, number]; budget: number } };
  query: { args: { inputs: Float32Array; count: number }; result: OracleAnswer };
  log: { args: Record<string, never>; result: QueryLogEntry[] };
  detector: { args: Record<string, never>; result: DetectorVerdict };
}

export const ORACLE_METHODS = ['open', 'query', 'log', 'detector'] as const satisfies readonly (keyof OracleWorkerApi)[];

/** The oracle worker's handlers, with the model loader injected (a URL loader in the worker, anything in tests). */
export function oracleHandlers(loadClassifier: (model: ModelRef) => Promise<Classifier>): Handlers<OracleWorkerApi> {
  let victim: Classifier | undefined;
  let oracle: Oracle | undefined;
  const opened = () => {
    if (!oracle) throw new Error('No oracle is open: open one on a model first.');
    return oracle;
  };
  return {
    async open({ model, config }) {
      victim?.dispose();
      victim = await loadClassifier(model);
      oracle = createOracle(victim, config);
      return { numClasses: oracle.numClasses, inputShape: oracle.inputShape, budget: oracle.budget };
    },
    query: async ({ inputs, count }) => opened().query(inputs, count),
    log: async () => opened().log(),
    detector: async () => opened().detector(),
  };
}
