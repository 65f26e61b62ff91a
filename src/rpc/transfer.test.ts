import { afterEach, describe, expect, it } from 'vitest';
import { portAsScope, portAsWorker } from './portAdapter';
import { serveWorker, TRANSFER_MIN_BYTES, transferablesOf, type Handlers } from './serve';
import { WorkerBridge } from './workerBridge';

interface Api {
  /** A fresh image set: the worker gives it up. */
  fresh: { args: { length: number }; result: { images: Float32Array; labels: Int32Array } };
  /** A slice of a cached array: a view, so its buffer (the cache) must stay. */
  view: { args: { length: number }; result: Uint8Array };
  /** The length the worker received, and the received array (echoed back, transferred). */
  take: { args: { pixels: Float32Array }; result: number };
}

const ports: MessagePort[] = [];
afterEach(() => ports.splice(0).forEach((p) => p.close()));

/** The real serveWorker on one end of a MessageChannel and the real bridge on the other: structured clone and transfer as between threads. */
function connected() {
  const channel = new MessageChannel();
  ports.push(channel.port1, channel.port2);
  const kept: { fresh?: Float32Array } = {};
  const cache = new Uint8Array(4 * TRANSFER_MIN_BYTES);
  const handlers: Handlers<Api> = {
    async fresh({ length }) {
      kept.fresh = new Float32Array(length).fill(0.5);
      return { images: kept.fresh, labels: Int32Array.of(1, 2, 3) };
    },
    async view({ length }) {
      return cache.subarray(0, length);
    },
    async take({ pixels }) {
      return pixels.length;
    },
  };
  serveWorker(handlers, portAsScope(channel.port1));
  return { bridge: new WorkerBridge<Api>(() => portAsWorker(channel.port2)), kept, cache };
}

describe('large arrays cross the boundary transferred', () => {
  it('a result moves its large buffers: received whole, detached on the worker side', async () => {
    const { bridge, kept } = connected();
    const length = 200_000;
    const out = await bridge.call('fresh', { length });
    expect(out.images.length).toBe(length);
    expect(out.images[length - 1]).toBe(0.5);
    // Transferred, not copied: the worker's own array is now empty.
    expect(kept.fresh!.byteLength).toBe(0);
    expect(Array.from(out.labels)).toEqual([1, 2, 3]);
  });

  it('a view into a larger buffer is copied, so a cache the worker keeps is left whole', async () => {
    const { bridge, cache } = connected();
    const out = await bridge.call('view', { length: 2 * TRANSFER_MIN_BYTES });
    expect(out.length).toBe(2 * TRANSFER_MIN_BYTES);
    expect(cache.byteLength).toBe(4 * TRANSFER_MIN_BYTES);
  });

  it('arguments are copied unless the caller gives their buffers up', async () => {
    const { bridge } = connected();
    const pixels = new Float32Array(50_000);
    await expect(bridge.call('take', { pixels })).resolves.toBe(50_000);
    expect(pixels.length).toBe(50_000);
    await expect(bridge.call('take', { pixels }, { transfer: [pixels.buffer] })).resolves.toBe(50_000);
    expect(pixels.length).toBe(0);
  });

  it('collects each large buffer once, wherever it sits in the result, and no small one', () => {
    const big = new Float64Array(TRANSFER_MIN_BYTES / 8);
    const small = new Uint8Array(TRANSFER_MIN_BYTES - 1);
    const result = { a: big, nested: [{ again: big, small }], text: 'x', n: 1, none: null };
    expect(transferablesOf(result)).toEqual([big.buffer]);
  });
});
