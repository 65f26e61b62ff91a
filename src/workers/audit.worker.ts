/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import './wasmAssets';
import { useBackend } from '../core/backend/backends';
import type { DecodedImage } from '../core/audit/data';
import { fetchMnistSplit, MNIST_SPLIT } from '../core/data/mnist';
import { fetchSpamSplit, SPAM_SPLIT } from '../core/data/spam';
import { auditHandlers } from './auditApi';
import { indexedDbModelStore } from './savedModels';
import { afterReady, serveWorker } from '../rpc/serve';

// The same backend as `npm run audit` (Node wasm), so a report made here and one made in CI agree.
const ready = useBackend('wasm').catch(() => useBackend('cpu'));
const origin = new URL(import.meta.env.BASE_URL, self.location.origin).href;

async function decodeImage(bytes: ArrayBuffer, name: string): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new Error(`${name} could not be read as an image. Use PNG or JPEG files.`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const pixels = new Uint8Array(context.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer);
  const image: DecodedImage = { name, width: bitmap.width, height: bitmap.height, channels: 4, pixels };
  bitmap.close();
  return image;
}

// Every call waits for the backend first.
serveWorker(
  afterReady(
    ready,
    auditHandlers({
      store: indexedDbModelStore,
      decodeImage,
      async bundledData(task) {
        if (task === 'image') return { name: 'MNIST test split (bundled)', split: await fetchMnistSplit(`${origin}${MNIST_SPLIT.urlPath}/`, 'test') };
        return { name: 'SpamAssassin test split (bundled)', texts: await fetchSpamSplit(`${origin}${SPAM_SPLIT.urlPath}/`, 'test') };
      },
      // No cookies or HTTP credentials go with a model URL: it may be on any host the user names.
      fetch: (url) => fetch(url, { credentials: 'omit' }),
      backend: () => tf.getBackend() ?? 'none',
    }),
  ),
);
