import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { cardFor, tinyClassifier } from '../core/attacks/testHelpers';
import { useBackend } from '../core/backend/backends';
import { createRng } from '../core/data/rng';
import { ORACLE_METHODS, oracleHandlers } from './oracleApi';
import type { JobContext } from '../rpc/serve';

const context: JobContext = { progress: () => undefined, cancelled: () => false, yield: async () => undefined, checkpoint: async () => undefined, control: {} };
const modelRef = { id: 'tiny', url: 'unused', card: cardFor([4, 4, 1], 3) };

/** Every value a message carries: structured-clone-able plain data, nothing callable, no tensor. */
function expectPlainData(value: unknown, path = 'result'): void {
  expect(typeof value, path).not.toBe('function');
  expect(value instanceof tf.Tensor, path).toBe(false);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const [key, inner] of Object.entries(value)) expectPlainData(inner, `${path}.${key}`);
  }
  expect(() => structuredClone(value), path).not.toThrow();
}

describe('the oracle worker’s message surface', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('offers only open, query, log and detector', () => {
    const handlers = oracleHandlers(async () => tinyClassifier());
    expect(Object.keys(handlers).sort()).toEqual([...ORACLE_METHODS].sort());
  });

  it('answers with plain numbers whose size depends on the queries, never on the model', async () => {
    const handlers = oracleHandlers(async () => tinyClassifier(4));
    const opened = await handlers.open({ model: modelRef, config: { output: { kind: 'probabilities' }, budget: 5, seed: 1 } }, context);
    expect(opened).toEqual({ numClasses: 3, inputShape: [4, 4, 1], budget: 5 });
    const rng = createRng(2);
    const inputs = Float32Array.from({ length: 2 * 16 }, () => rng.next());
    const answer = await handlers.query({ inputs, count: 2 }, context);
    expectPlainData(answer);
    expect(answer.labels).toHaveLength(2);
    expect(answer.scores).toHaveLength(2 * 3);
    const log = await handlers.log({}, context);
    expectPlainData(log);
    expect(log).toHaveLength(2);
    expectPlainData(await handlers.detector({}, context));
    // Nothing in any answer is as large as the model's weights (16*8 + 8 + 8*3 + 3 = 163 numbers).
    expect(JSON.stringify({ answer: { ...answer, labels: [...answer.labels], scores: [...answer.scores!] }, log }).length).toBeLessThan(2000);
    await expect(handlers.query({ inputs: new Float32Array(16 * 4), count: 4 }, context)).rejects.toThrow(/Query budget exceeded.*\(3 left\)/);
  });

  it('says what to do when queried before an oracle is open', async () => {
    const handlers = oracleHandlers(async () => tinyClassifier());
    await expect(handlers.query({ inputs: new Float32Array(16), count: 1 }, context)).rejects.toThrow('No oracle is open: open one on a model first.');
  });
});
