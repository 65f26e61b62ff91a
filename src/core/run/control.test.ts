import { describe, expect, it } from 'vitest';
import { checkpoint, isStopped, stageOf, StoppedError, type RunControl } from './control';

describe('RunControl', () => {
  it('reports a stage inside its range of the whole, with the stage named', () => {
    const seen: [number, string | undefined][] = [];
    const control: RunControl = { onProgress: (f, m) => seen.push([f, m]) };
    const stage = stageOf(control, 0.5, 0.75, 'PGD');
    stage.onProgress!(0, 'start');
    stage.onProgress!(0.5, 'half');
    stage.onProgress!(2, 'over');
    expect(seen).toEqual([
      [0.5, 'PGD: start'],
      [0.625, 'PGD: half'],
      [0.75, 'PGD: over'],
    ]);
  });

  it('stops at a checkpoint once aborted, after letting the step run', async () => {
    const controller = new AbortController();
    let steps = 0;
    const control: RunControl = { signal: controller.signal, onStep: () => void steps++ };
    await checkpoint(control);
    expect(isStopped(control)).toBe(false);
    controller.abort();
    expect(isStopped(stageOf(control, 0, 1))).toBe(true);
    await expect(checkpoint(control)).rejects.toBeInstanceOf(StoppedError);
    expect(steps).toBe(2);
    expect(isStopped(undefined)).toBe(false);
  });
});
