import { extractionRunLockViolations } from '../core/spec/extractionSpec';
import { toStrategyParams, toTraining, type Chosen, type StrategyId, type SubstituteId } from '../core/extraction/catalog';
import { runExtraction, type ExtractionOptions, type ExtractionResult, type ExtractionRound } from '../core/extraction/extract';
import { transferAttack, type TransferAttackId, type TransferResult } from '../core/extraction/transfer';
import type { Classifier } from '../core/models/classifier';
import type { Oracle, OracleAnswer } from '../core/extraction/types';
import { sliceSplit, type ImageSplit } from '../core/data/mnist';
import type { WorkerBridge } from '../rpc/workerBridge';
import type { OracleWorkerApi } from './oracleApi';
import type { Handlers } from '../rpc/serve';

/** What the attacker's worker does: extraction runs against an oracle it reaches only through messages. */
export interface ExtractionRunArgs {
  /** A strategy of the catalog and its parameters, checked here against its ParamSpecs. */
  strategy: Chosen<StrategyId>;
  /** A substitute of the catalog and its training parameters, checked here against its ParamSpecs. */
  substitute: Chosen<SubstituteId>;
  budget: number;
  queriesPerRound: number;
  numClasses: number;
  inputShape: [number, number, number];
  /** The victim's labels for the held-out test digits, computed outside the budget, for fidelity only. */
  victimLabels: Int32Array;
  /** Held-out digits: test digits from this index on (the seed set is taken before it). */
  heldOutFrom: number;
  seed: number;
  /** The lab spec's locked controls: a run that breaks one is refused. */
  locks?: Record<string, string | number | boolean>;
}

export interface ExtractionSummary {
  history: ExtractionRound[];
  queriesUsed: number;
  stoppedBy: ExtractionResult['stoppedBy'];
  seconds: number;
}

export interface TransferArgs {
  attackId: TransferAttackId;
  budgets: number[];
  /** Held-out digits to attack, from HELD_OUT_FROM on. */
  count: number;
  heldOutFrom: number;
  oracleBudget: number;
  numClasses: number;
  inputShape: [number, number, number];
  seed: number;
}

export interface ExtractionWorkerApi {
  /** Progress carries each finished round, for the page's chart. */
  run: { args: ExtractionRunArgs; result: ExtractionSummary; progress: { round: ExtractionRound } };
  /** Crafts an attack on the last substitute and sends it to the oracle (opened afresh by the page for this). */
  transfer: { args: TransferArgs; result: TransferResult };
}

/** An Oracle over the oracle worker: query crosses the boundary; the count of answered rows is kept here. */
export function oracleProxy(bridge: WorkerBridge<OracleWorkerApi>, info: { budget: number; numClasses: number; inputShape: [number, number, number] }): Oracle {
  let used = 0;
  return {
    ...info,
    used: () => used,
    async query(inputs: Float32Array, count: number): Promise<OracleAnswer> {
      const answer = await bridge.call('query', { inputs, count });
      used += count;
      return answer;
    },
    log: () => {
      throw new Error('The query log lives in the oracle worker: read it there.');
    },
    detector: () => {
      throw new Error('The detector lives in the oracle worker: read it there.');
    },
  };
}

export function extractionHandlers(
  connectOracle: () => WorkerBridge<OracleWorkerApi>,
  loadSplits: () => Promise<{ train: ImageSplit; test: ImageSplit }>,
): Handlers<ExtractionWorkerApi> {
  let substitute: Classifier | undefined;
  return {
    async transfer(args, context) {
      if (!substitute) throw new Error('Steal a model first: the transfer attack is crafted on the stolen copy.');
      const { test } = await loadSplits();
      const oracle = oracleProxy(connectOracle(), { budget: args.oracleBudget, numClasses: args.numClasses, inputShape: args.inputShape });
      const data = sliceSplit(test, args.heldOutFrom, Math.min(args.count, test.count - args.heldOutFrom));
      return transferAttack(substitute, oracle, data, args.attackId, args.budgets, { seed: args.seed, control: context.control });
    },

    async run(args, context) {
      // Checked before anything is loaded or queried: a run that breaks the lab's locks, or a wrong parameter, fails
      // with a message naming it.
      const broken = extractionRunLockViolations(args.locks, args);
      if (broken.length) throw new Error(`This run breaks the lab's locked setup: ${broken.join(' ')}`);
      const strategyParams = toStrategyParams(args.strategy);
      const training = toTraining(args.substitute);
      const { train, test } = await loadSplits();
      const oracle = oracleProxy(connectOracle(), { budget: args.budget, numClasses: args.numClasses, inputShape: args.inputShape });
      const options: ExtractionOptions = {
        strategy: args.strategy.id,
        strategyParams,
        // The attacker's pool: training digits, unlabeled; seeds: the first test digits; never the held-out ones.
        pool: train,
        seeds: sliceSplit(test, 0, Math.min(100, args.heldOutFrom)),
        queriesPerRound: args.queriesPerRound,
        training,
        evaluation: { data: sliceSplit(test, args.heldOutFrom, test.count - args.heldOutFrom), victimLabels: args.victimLabels },
        seed: args.seed,
      };
      const result = await runExtraction(oracle, options, {
        onRound: (round) => context.progress(round.queriesUsed / args.budget, `round ${round.round}: ${round.queriesUsed} / ${args.budget} queries`, { round }),
        control: context.control,
      });
      substitute?.dispose();
      substitute = result.substitute;
      return { history: result.history, queriesUsed: result.queriesUsed, stoppedBy: result.stoppedBy, seconds: result.seconds };
    },
  };
}
