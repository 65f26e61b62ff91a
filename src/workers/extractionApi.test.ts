import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeWasm } from '../../scripts/node-tf';
import type { WorkerBridge } from '../rpc/workerBridge';
import { cardFor, tinyClassifier } from '../core/attacks/testHelpers';
import type { ImageSplit } from '../core/data/mnist';
import { sliceSplit } from '../core/data/mnist';
import { createRng } from '../core/data/rng';
import { imagesToTensor } from '../core/data/tensors';
import { toStrategyParams, toTraining, type Chosen, type StrategyId } from '../core/extraction/catalog';
import { runExtraction } from '../core/extraction/extract';
import { createOracle } from '../core/extraction/oracle';
import type { Classifier } from '../core/models/classifier';
import { extractionHandlers, type ExtractionRunArgs } from './extractionApi';
import { oracleHandlers, type OracleWorkerApi } from './oracleApi';
import { localJobContext } from '../rpc/serve';

const SHAPE: [number, number, number] = [12, 12, 1];
const HELD_OUT_FROM = 10;

function randomSplit(count: number, seed: number): ImageSplit {
  const rng = createRng(seed);
  return {
    images: Uint8Array.from({ length: count * 144 }, () => Math.floor(rng.next() * 256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(4)),
    count,
    height: 12,
    width: 12,
    channels: 1,
    numClasses: 4,
  };
}

describe('the attacker worker’s run: parameters from the catalog reach the core run', () => {
  let victim: Classifier;
  const splits = { train: randomSplit(60, 1), test: randomSplit(30, 2) };
  let victimLabels: Int32Array;
  let oracleLog: () => Promise<string[]>;
  let attacker: ReturnType<typeof extractionHandlers>;

  beforeAll(async () => {
    await useNodeWasm();
    victim = tinyClassifier(5, SHAPE, 4);
    const heldOut = sliceSplit(splits.test, HELD_OUT_FROM, splits.test.count - HELD_OUT_FROM);
    const predicted = tf.tidy(() => victim.logits(imagesToTensor(heldOut)).argMax(1));
    victimLabels = Int32Array.from(await predicted.data());
    predicted.dispose();
  });
  afterAll(() => victim.dispose());

  /** Opens an oracle on the victim (as the page does) and an attacker wired to it in the same thread. */
  async function openLab(budget: number) {
    const oracle = oracleHandlers(async () => victim);
    await oracle.open(
      { model: { id: 'tiny', url: 'unused', card: cardFor(SHAPE, 4) }, config: { output: { kind: 'probabilities' }, budget, seed: 1 } },
      localJobContext(),
    );
    const bridge = {
      call: (method: keyof OracleWorkerApi, args: never) => oracle[method](args, localJobContext()),
    } as unknown as WorkerBridge<OracleWorkerApi>;
    attacker = extractionHandlers(
      () => bridge,
      async () => splits,
    );
    oracleLog = async () => (await oracle.log({}, localJobContext())).map((e) => e.inputHash);
  }

  const args = (strategy: Chosen<StrategyId>, budget = 24): ExtractionRunArgs => ({
    strategy,
    substitute: { id: 'mnist-mlp', params: { epochs: 2, batchSize: 8 } },
    budget,
    queriesPerRound: 8,
    numClasses: 4,
    inputShape: SHAPE,
    victimLabels,
    heldOutFrom: HELD_OUT_FROM,
    seed: 3,
  });

  it('refuses parameters outside their specs, naming the field, before any query', async () => {
    await openLab(24);
    await expect(attacker.run(args({ id: 'jacobian', params: { lambda: 5 } }), localJobContext())).rejects.toThrow(
      'Step λ (lambda) must be between 0 and 1; got 5.',
    );
    await expect(
      attacker.run({ ...args({ id: 'pool-random', params: {} }), substitute: { id: 'mnist-cnn', params: { learningRate: -1 } } }, localJobContext()),
    ).rejects.toThrow('Learning rate (learningRate) must be between');
    expect(await oracleLog()).toEqual([]);
  });

  it('runs the strategy and the substitute with the parameters given: the same queries as the core run with them', async () => {
    const queriesWith = async (lambda: number) => {
      await openLab(24);
      const summary = await attacker.run(args({ id: 'jacobian', params: { lambda } }), localJobContext());
      expect(summary.queriesUsed).toBe(24);
      return { summary, queries: await oracleLog() };
    };
    const small = await queriesWith(0.05);
    const large = await queriesWith(0.3);
    // The seeds are the same; the augmented queries move by λ, so they differ.
    expect(large.queries.slice(0, HELD_OUT_FROM)).toEqual(small.queries.slice(0, HELD_OUT_FROM));
    expect(large.queries).not.toEqual(small.queries);

    // The same run straight on the core, with the catalog's conversion of the same parameters.
    const oracle = createOracle(victim, { output: { kind: 'probabilities' }, budget: 24, seed: 1 });
    const direct = await runExtraction(oracle, {
      strategy: 'jacobian',
      strategyParams: toStrategyParams({ id: 'jacobian', params: { lambda: 0.3 } }),
      training: toTraining({ id: 'mnist-mlp', params: { epochs: 2, batchSize: 8 } }),
      pool: splits.train,
      seeds: sliceSplit(splits.test, 0, HELD_OUT_FROM),
      queriesPerRound: 8,
      evaluation: { data: sliceSplit(splits.test, HELD_OUT_FROM, splits.test.count - HELD_OUT_FROM), victimLabels },
      seed: 3,
    });
    direct.substitute.dispose();
    expect(oracle.log().map((e) => e.inputHash)).toEqual(large.queries);
    expect(large.summary.history.map((r) => [r.queries, r.fidelity, r.loss])).toEqual(direct.history.map((r) => [r.queries, r.fidelity, r.loss]));
  });

  it('a cancel reaches the run through the job’s RunControl: it stops with the rounds done', async () => {
    await openLab(40);
    const cancel = new AbortController();
    const context = localJobContext({ signal: cancel.signal });
    const rounds: number[] = [];
    const summary = await attacker.run(args({ id: 'pool-random', params: {} }, 40), {
      ...context,
      progress: (_fraction, _message, extra) => {
        if (extra?.round) {
          rounds.push(extra.round.round);
          cancel.abort();
        }
      },
    });
    expect(rounds).toEqual([1]);
    expect(summary.stoppedBy).toBe('stopped');
    expect(summary.queriesUsed).toBe(8);
  });
});
