/// <reference lib="webworker" />
import './wasmAssets';
import { useBackend } from '../core/backend/backends';
import { fetchMnistSplit, MNIST_SPLIT } from '../core/data/mnist';
import { WorkerBridge } from '../rpc/workerBridge';
import { extractionHandlers } from './extractionApi';
import type { OracleWorkerApi } from './oracleApi';
import { acceptPorts, portAsWorker } from '../rpc/portAdapter';
import { serveWorker } from '../rpc/serve';

// The attacker: it holds no model of the victim's, only a port to the oracle worker (see OracleWorkerApi).
const ready = useBackend('wasm').catch(() => useBackend('cpu'));
let oraclePort: MessagePort | undefined;
const base = new URL(`${import.meta.env.BASE_URL}${MNIST_SPLIT.urlPath}/`, self.location.origin).href;
let splits: ReturnType<typeof loadSplits> | undefined;
const loadSplits = async () => {
  await ready;
  const [train, test] = await Promise.all([fetchMnistSplit(base, 'train'), fetchMnistSplit(base, 'test')]);
  return { train, test };
};

serveWorker(
  extractionHandlers(
    () => {
      if (!oraclePort) throw new Error('The attacker is not connected to an oracle yet.');
      return new WorkerBridge<OracleWorkerApi>(() => portAsWorker(oraclePort!));
    },
    () => (splits ??= loadSplits()),
  ),
);
// A port to the oracle worker arrives outside the call protocol (ports must be transferred).
acceptPorts((port) => (oraclePort = port));
