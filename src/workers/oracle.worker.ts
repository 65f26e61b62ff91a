/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import './wasmAssets';
import { useBackend } from '../core/backend/backends';
import { classifierFromLayersModel } from '../core/models/classifier';
import { oracleHandlers } from './oracleApi';
import { acceptPorts, portAsScope } from '../rpc/portAdapter';
import { serveWorker } from '../rpc/serve';

// The victim lives here, in a worker of its own: the attacker's worker talks to it only through OracleWorkerApi.
const ready = useBackend('wasm').catch(() => useBackend('cpu'));

const handlers = oracleHandlers(async (model) => {
  await ready;
  return classifierFromLayersModel(await tf.loadLayersModel(model.url), model.card);
});
// The page talks to the oracle directly (open it, read the log and the detector); the attacker through a port.
serveWorker(handlers);
acceptPorts((port) => serveWorker(handlers, portAsScope(port)));
