import { describe, expect, it } from 'vitest';
import type { Progress } from '../rpc/protocol';
import type { CallOptions } from '../rpc/workerBridge';
import { useJobs } from '../stores/jobs';
import { cancelJob, PROGRESS_STORE_INTERVAL_MS, reportWorkerCrash, startJob } from './jobs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A call that reports progress every millisecond for `millis`, as a fast job's steps do, then returns. */
async function chatty(options: CallOptions, millis: number): Promise<string> {
  options.onSent?.();
  const started = performance.now();
  for (let i = 1; performance.now() - started < millis; i++) {
    if (options.signal?.aborted) throw new DOMException('The operation was cancelled.', 'AbortError');
    options.onProgress?.({ fraction: Math.min(1, (performance.now() - started) / millis), message: `step ${i}` });
    await sleep(1);
  }
  return 'finished';
}

describe('startJob', () => {
  it('hands every report to its caller but updates the store at most ten times a second', async () => {
    let storeUpdates = 0;
    const unsubscribe = useJobs.subscribe((s, before) => {
      if (s.jobs !== before.jobs) storeUpdates++;
    });
    const seen: Progress[] = [];
    const { id, done } = startJob(
      { kind: 'test-chatty', lab: 'image', title: 'chatty' },
      (o) => chatty(o, 450),
      (p) => seen.push(p),
    );
    await expect(done).resolves.toBe('finished');
    unsubscribe();
    expect(seen.length).toBeGreaterThan(50);
    // add, sent, a handful of throttled updates, finish.
    expect(storeUpdates).toBeLessThanOrEqual(3 + Math.ceil(450 / PROGRESS_STORE_INTERVAL_MS) + 1);
    expect(storeUpdates).toBeGreaterThanOrEqual(4);
    expect(useJobs.getState().jobs.some((j) => j.id === id)).toBe(false);
    expect(useJobs.getState().outcomes['test-chatty']).toMatchObject({ state: 'done' });
    expect(useJobs.getState().outcomes['test-chatty'].seconds).toBeGreaterThan(0.4);
  });

  it('records a cancel and a failure as the outcome of their kind', async () => {
    const cancelled = startJob({ kind: 'test-cancel', lab: 'image', title: 'cancel me' }, (o) => chatty(o, 5_000));
    await sleep(10);
    cancelJob(cancelled.id);
    await expect(cancelled.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(useJobs.getState().outcomes['test-cancel'].state).toBe('cancelled');

    const failed = startJob({ kind: 'test-fail', lab: 'image', title: 'fail' }, async () => {
      throw new Error('The compute worker crashed (boom); it starts afresh on the next run.');
    });
    await expect(failed.done).rejects.toThrow('crashed');
    expect(useJobs.getState().outcomes['test-fail']).toMatchObject({
      state: 'failed',
      error: 'The compute worker crashed (boom); it starts afresh on the next run.',
    });
  });

  it('a crash report stays in the tray once until dismissed', () => {
    reportWorkerCrash('The text worker crashed (x).');
    reportWorkerCrash('The text worker crashed (x).');
    const notices = useJobs.getState().notices.filter((n) => n.text === 'The text worker crashed (x).');
    expect(notices).toHaveLength(1);
    useJobs.getState().dismiss(notices[0].id);
    expect(useJobs.getState().notices.some((n) => n.text === 'The text worker crashed (x).')).toBe(false);
  });
});
