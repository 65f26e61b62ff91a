/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import './wasmAssets';
import { pickFastestBackend, useBackend } from '../core/backend/backends';
import { MNIST_SPLIT, fetchMnistSplit } from '../core/data/mnist';
import { classifierFromLayersModel } from '../core/models/classifier';
import { serveWorker } from '../rpc/serve';
import { modelHandlers } from './modelApi';

async function wasmDetail(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  // Threads need SharedArrayBuffer, which the browser grants only to cross-origin-isolated pages.
  const threadCount = threads ? getThreadsCount() : 1;
  return `${simd ? 'SIMD' : 'no SIMD'}, ${threadCount === 1 ? '1 thread' : `${threadCount} threads`}${!threads && !self.crossOriginIsolated ? ' (page not cross-origin isolated)' : ''}`;
}

serveWorker(
  modelHandlers({
    loadClassifier: async (ref) => classifierFromLayersModel(await tf.loadLayersModel(ref.url), ref.card),
    testSplit: () => fetchMnistSplit(new URL(`${import.meta.env.BASE_URL}${MNIST_SPLIT.urlPath}/`, self.location.origin).href, 'test'),
    async chooseBackend(backend) {
      if (backend === 'auto') {
        const { chosen, probes } = await pickFastestBackend();
        return { backend: chosen, probes, detail: chosen === 'wasm' ? await wasmDetail() : '' };
      }
      await useBackend(backend);
      return { backend, probes: [], detail: backend === 'wasm' ? await wasmDetail() : '' };
    },
  }),
);
