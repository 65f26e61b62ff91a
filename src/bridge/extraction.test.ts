import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FromWorker, ToWorker } from '../rpc/protocol';

/** A stand-in for the browser's Worker: records messages; a test answers calls or makes it crash. */
class FakeWorker {
  static made: FakeWorker[] = [];
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  sent: (ToWorker | { kind: 'connect' })[] = [];
  terminated = false;
  constructor(
    public url: URL,
    public options: { name: string },
  ) {
    FakeWorker.made.push(this);
  }
  postMessage(message: ToWorker) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  answer(result: unknown) {
    const call = this.sent.filter((m): m is Extract<ToWorker, { kind: 'call' }> => m.kind === 'call').at(-1)!;
    this.onmessage?.({
      data: { kind: 'result', callId: call.callId, result, memory: { backend: 'wasm', numTensors: 0, numBytes: 0 } },
    } as MessageEvent<FromWorker>);
  }
  crash(message: string) {
    this.onerror?.({ message } as ErrorEvent);
  }
}

describe('the extraction workers', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('after a crash, end both, tell the running call why, and start a fresh pair for the next call', { timeout: 10_000 }, async () => {
    FakeWorker.made = [];
    vi.stubGlobal('Worker', FakeWorker);
    const { extractionWorkers } = await import('./extraction');
    const first = extractionWorkers();
    const running = first.attacker.call('log' as never, {} as never);
    // Let the queued call reach the worker (the bridge attaches its handlers as it sends).
    await new Promise((r) => setTimeout(r, 0));
    const [oracle, attacker] = FakeWorker.made;
    expect([oracle.options.name, attacker.options.name]).toEqual(['oracle', 'attacker']);
    attacker.crash('out of memory');
    await expect(running).rejects.toThrow('The attacker worker crashed (out of memory); it starts afresh on the next run.');
    expect(oracle.terminated && attacker.terminated).toBe(true);

    // The next call does not hang on the dead pair: two new workers, and the call goes to the new oracle.
    const second = extractionWorkers();
    expect(second).not.toBe(first);
    expect(FakeWorker.made).toHaveLength(4);
    const call = second.oracle.call('log' as never, {} as never);
    await new Promise((r) => setTimeout(r, 0));
    FakeWorker.made[2].answer({ entries: [] });
    await expect(call).resolves.toEqual({ entries: [] });
  });
});
