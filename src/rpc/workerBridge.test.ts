import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from './protocol';
import { serveWorker, type Handlers } from './serve';
import { WorkerBridge } from './workerBridge';

interface TestApi {
  count: { args: { steps: number }; result: { done: number } };
  fail: { args: { why: string }; result: never };
  echo: { args: { value: string }; result: string };
  partial: { args: { steps: number }; result: { done: number } };
}

/** Delivers a callback as a message task, as postMessage between a page and a worker does. */
function asTask(callback: () => void) {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    callback();
  };
  channel.port2.postMessage(null);
}

/** A worker in this process: the real serveWorker on one side, the real bridge on the other, messages async. */
function fakeWorkerFactory(log: string[]) {
  let started = 0;
  const create = () => {
    started++;
    const bridgeSide = {
      onmessage: null as ((e: MessageEvent<FromWorker>) => void) | null,
      onerror: null as ((e: ErrorEvent) => void) | null,
      postMessage: (message: ToWorker) => asTask(() => workerSide.onmessage?.({ data: message } as MessageEvent<ToWorker>)),
      terminate: () => log.push('terminated'),
    };
    const workerSide = {
      onmessage: null as ((e: MessageEvent<ToWorker>) => void) | null,
      postMessage: (message: FromWorker) => asTask(() => bridgeSide.onmessage?.({ data: message } as MessageEvent<FromWorker>)),
    };
    const handlers: Handlers<TestApi> = {
      async count({ steps }, context) {
        let done = 0;
        for (let i = 0; i < steps; i++) {
          await context.checkpoint();
          // A millisecond of work per step, as a small attack step takes.
          const until = performance.now() + 1;
          while (performance.now() < until);
          done++;
          log.push(`step ${i}`);
          context.progress(done / steps, `${done}/${steps}`);
        }
        return { done };
      },
      async fail({ why }) {
        throw new Error(why);
      },
      async partial({ steps }, context) {
        let done = 0;
        for (let i = 0; i < steps && !context.cancelled(); i++) {
          await context.yield();
          const until = performance.now() + 1;
          while (performance.now() < until);
          done++;
          context.progress(done / steps);
        }
        return { done };
      },
      async echo({ value }) {
        log.push(`echo ${value}`);
        return value;
      },
    };
    serveWorker(handlers, workerSide);
    return bridgeSide;
  };
  return { create, startedCount: () => started };
}

describe('WorkerBridge + serveWorker', () => {
  it('starts the worker lazily, reports progress and returns the result', async () => {
    const log: string[] = [];
    const factory = fakeWorkerFactory(log);
    const bridge = new WorkerBridge<TestApi>(factory.create);
    expect(factory.startedCount()).toBe(0);
    const progress: number[] = [];
    const result = await bridge.call('count', { steps: 4 }, { onProgress: (p) => progress.push(p.fraction) });
    expect(result).toEqual({ done: 4 });
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
    expect(factory.startedCount()).toBe(1);
  });

  it('cancels between steps with an AbortError, and the worker stops working', async () => {
    const log: string[] = [];
    const bridge = new WorkerBridge<TestApi>(fakeWorkerFactory(log).create);
    const controller = new AbortController();
    const call = bridge.call(
      'count',
      { steps: 1000 },
      {
        signal: controller.signal,
        onProgress: (p) => p.fraction >= 0.003 && controller.abort(),
      },
    );
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    const steps = log.filter((l) => l.startsWith('step')).length;
    expect(steps).toBeGreaterThanOrEqual(3);
    // The job yields at most every 15 ms, so it stops within about 15 one-millisecond steps of the cancel.
    expect(steps).toBeLessThan(60);
    // The bridge is still usable afterwards.
    await expect(bridge.call('echo', { value: 'after' })).resolves.toBe('after');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const bridge = new WorkerBridge<TestApi>(fakeWorkerFactory([]).create);
    const controller = new AbortController();
    controller.abort();
    await expect(bridge.call('echo', { value: 'x' }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('runs calls in order, one after another, and passes errors through with their message', async () => {
    const log: string[] = [];
    const bridge = new WorkerBridge<TestApi>(fakeWorkerFactory(log).create);
    const first = bridge.call('count', { steps: 3 });
    const failing = bridge.call('fail', { why: 'bad input: use a 28x28 image' });
    const last = bridge.call('echo', { value: 'last' });
    await first;
    await expect(failing).rejects.toThrow('bad input: use a 28x28 image');
    await last;
    expect(log).toEqual(['step 0', 'step 1', 'step 2', 'echo last']);
  });

  it('runs an interactive call alongside a long job instead of behind it', async () => {
    const log: string[] = [];
    const bridge = new WorkerBridge<TestApi>(fakeWorkerFactory(log).create);
    const long = bridge.call('count', { steps: 300 });
    await new Promise((r) => setTimeout(r, 30));
    await expect(bridge.call('echo', { value: 'now' }, { priority: 'interactive' })).resolves.toBe('now');
    await long;
    const echoAt = log.indexOf('echo now');
    // Answered between the long job's steps, long before its last one.
    expect(echoAt).toBeGreaterThan(0);
    expect(log.slice(echoAt + 1).filter((l) => l.startsWith('step')).length).toBeGreaterThan(100);
  });

  it('cancels a queued call before it starts: it is never sent, and says when a call leaves the queue', async () => {
    const log: string[] = [];
    const bridge = new WorkerBridge<TestApi>(fakeWorkerFactory(log).create);
    const sent: string[] = [];
    const first = bridge.call('count', { steps: 20 }, { onSent: () => sent.push('first') });
    const controller = new AbortController();
    const queued = bridge.call('echo', { value: 'queued' }, { signal: controller.signal, onSent: () => sent.push('queued') });
    let settledFirst = false;
    void first.then(() => (settledFirst = true));
    controller.abort();
    // The queued call is rejected at once, while the one before it is still running.
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(settledFirst).toBe(false);
    await first;
    expect(log).not.toContain('echo queued');
    expect(sent).toEqual(['first']);
  });

  it('lets a running call that is cancelled end as its job decides (a partial result), not with an AbortError', async () => {
    const log: string[] = [];
    const bridge = new WorkerBridge<TestApi>(fakeWorkerFactory(log).create);
    const controller = new AbortController();
    const running = bridge.call('partial', { steps: 400 }, { signal: controller.signal, onProgress: (p) => p.fraction >= 0.05 && controller.abort() });
    // The job stops at its next yield and returns what it did: the caller gets that, as a sweep's partial result.
    const result = await running;
    expect(result.done).toBeGreaterThanOrEqual(20);
    expect(result.done).toBeLessThan(400);
  });

  it('runs onStart before the first call of each fresh worker, and terminate() is a hard stop', async () => {
    const log: string[] = [];
    const factory = fakeWorkerFactory(log);
    const bridge = new WorkerBridge<TestApi>(factory.create, {
      onStart: async (b) => {
        await b.send('echo', { value: 'init' });
      },
    });
    await bridge.call('echo', { value: 'a' });
    const running = bridge.call('count', { steps: 200 });
    await new Promise((r) => setTimeout(r, 20));
    bridge.terminate('stopped by the user');
    await expect(running).rejects.toThrow('stopped by the user');
    await bridge.call('echo', { value: 'b' });
    expect(factory.startedCount()).toBe(2);
    expect(log.filter((l) => l.startsWith('echo') || l === 'terminated')).toEqual(['echo init', 'echo a', 'terminated', 'echo init', 'echo b']);
  });

  it('reports a failing onStart to the caller and retries it on the same worker at the next call', async () => {
    const factory = fakeWorkerFactory([]);
    let attempts = 0;
    const bridge = new WorkerBridge<TestApi>(factory.create, {
      onStart: async (b) => {
        attempts++;
        if (attempts === 1) await b.send('fail', { why: 'webgpu is not available here' });
      },
    });
    await expect(bridge.call('echo', { value: 'a' })).rejects.toThrow('webgpu is not available here');
    await expect(bridge.call('echo', { value: 'b' })).resolves.toBe('b');
    expect(attempts).toBe(2);
    expect(factory.startedCount()).toBe(1);
  });
});
