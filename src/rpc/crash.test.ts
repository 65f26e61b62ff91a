import { afterEach, describe, expect, it } from 'vitest';
import { portAsScope, portAsWorker } from './portAdapter';
import { serveWorker, type Handlers } from './serve';
import { WorkerBridge, type WorkerLike } from './workerBridge';

interface Api {
  wait: { args: { millis: number }; result: string };
  echo: { args: { value: string }; result: string };
}

const ports: MessagePort[] = [];
afterEach(() => ports.splice(0).forEach((p) => p.close()));

/** Workers over MessageChannels (real messages), each of which a test can crash as the browser reports it. */
function workers() {
  const made: (WorkerLike & { crash(what: string): void; unreadable(): void; ended: boolean })[] = [];
  const handlers: Handlers<Api> = {
    async wait({ millis }, context) {
      const until = performance.now() + millis;
      while (performance.now() < until) await new Promise((r) => setTimeout(r, 2));
      context.progress(1);
      return 'waited';
    },
    echo: async ({ value }) => value,
  };
  const create = () => {
    const channel = new MessageChannel();
    ports.push(channel.port1, channel.port2);
    serveWorker(handlers, portAsScope(channel.port1));
    const port = portAsWorker(channel.port2);
    const worker = Object.assign(port, {
      onmessageerror: null as WorkerLike['onmessageerror'],
      ended: false,
      crash: (what: string) => worker.onerror?.({ message: what } as ErrorEvent),
      unreadable: () => worker.onmessageerror?.({} as MessageEvent),
      terminate: () => ((worker.ended = true), channel.port2.close(), channel.port1.close()),
    });
    made.push(worker);
    return worker;
  };
  return { create, made };
}

describe('a worker that crashes', () => {
  it('takes its running and queued calls with it, says why once, and the next call gets a fresh worker', async () => {
    const { create, made } = workers();
    const crashes: string[] = [];
    const bridge = new WorkerBridge<Api>(create, { name: 'compute', onCrash: (m) => crashes.push(m) });
    const running = bridge.call('wait', { millis: 5_000 });
    const queued = bridge.call('echo', { value: 'queued before the crash' });
    await new Promise((r) => setTimeout(r, 20));
    made[0].crash('out of memory');
    const why = 'The compute worker crashed (out of memory); it starts afresh on the next run.';
    await expect(running).rejects.toThrow(why);
    await expect(queued).rejects.toThrow(why);
    expect(crashes).toEqual([why]);
    expect(made[0].ended).toBe(true);

    // The next call does not hang on the dead worker.
    await expect(bridge.call('echo', { value: 'after' })).resolves.toBe('after');
    expect(made).toHaveLength(2);
    // A late error from the dead worker says nothing about the new one.
    made[0].crash('late');
    await expect(bridge.call('echo', { value: 'still' })).resolves.toBe('still');
    expect(crashes).toHaveLength(1);
  });

  it('counts a message it cannot read as a crash', async () => {
    const { create, made } = workers();
    const bridge = new WorkerBridge<Api>(create, { name: 'text' });
    const running = bridge.call('wait', { millis: 5_000 });
    await new Promise((r) => setTimeout(r, 20));
    made[0].unreadable();
    await expect(running).rejects.toMatchObject({
      name: 'WorkerEndedError',
      message: expect.stringContaining('The text worker crashed (a message from it could not be read)'),
    });
    await expect(bridge.call('echo', { value: 'again' })).resolves.toBe('again');
  });

  it('rejects an interactive call in flight too, and a call made after the crash runs', async () => {
    const { create, made } = workers();
    const bridge = new WorkerBridge<Api>(create);
    await bridge.call('echo', { value: 'start' });
    const interactive = bridge.call('wait', { millis: 5_000 }, { priority: 'interactive' });
    await new Promise((r) => setTimeout(r, 20));
    made[0].crash('');
    await expect(interactive).rejects.toThrow('The compute worker crashed (unknown error)');
    await expect(bridge.call('echo', { value: 'next' }, { priority: 'interactive' })).resolves.toBe('next');
  });
});
