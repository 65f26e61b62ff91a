import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/rng';
import type { Classifier } from '../models/classifier';
import type { RunControl } from '../run/control';

/** Norms by their usual names: L-inf, L2, L0 (number of changed pixels). */
export type NormName = 'inf' | '2' | '0';

/** What the attacker may see: gradients, output scores only, or the predicted label only. */
export type Knowledge = 'white-box' | 'score-based' | 'decision-based';

/** One parameter, named as the Adversarial Robustness Toolbox names it where it has the attack. */
export interface ParamSpec {
  key: string;
  label: string;
  kind: 'number' | 'integer' | 'boolean' | 'choice';
  default: number | boolean | string;
  min?: number;
  max?: number;
  step?: number;
  choices?: readonly string[];
  /** One line for the UI. */
  help: string;
}

export interface AttackMeta {
  id: string;
  name: string;
  paper: { authors: string; title: string; year: number; venue: string };
  /** One sentence: what the attacker knows and what it minimises or bounds. */
  threatModel: string;
  /** The norm the perturbation is measured or bounded in; 'param' when the `norm` parameter chooses. */
  norm: NormName | 'param';
  knowledge: Knowledge;
  targeted: 'optional' | 'always' | 'never';
  params: ParamSpec[];
  /** The parameter an accuracy-vs-budget sweep varies; minimal-perturbation attacks have none. */
  budgetParam?: string;
  /**
   * Parameters small enough for the contract tests (attacks/contract.test.ts) to run the attack in well under a
   * second on a tiny model. Optional in the type so that a new entry compiles, but an entry without them fails
   * those tests.
   */
  testParams?: AttackParams;
}

export type AttackParams = Record<string, number | boolean | string>;

export interface AttackBatch {
  /** Original images, inside the model's input range. Borrowed: attacks never dispose it. */
  x: tf.Tensor4D;
  /** True labels, one per image. */
  labels: Int32Array;
  /** Target labels for a targeted attack. */
  targets?: Int32Array;
}

export interface AttackContext {
  rng: Rng;
  /** The model's input range: every adversarial example is clipped into it. */
  clip: [number, number];
  /**
   * The run's control: its signal is checked between iterations (a stopped attack returns what it has so far, and
   * the caller owns it as usual), its onStep is awaited after each iteration. Attacks report no progress fraction:
   * the caller (a sweep, a suite) knows the whole run.
   */
  control?: RunControl;
  /** After each iteration's step, with its number and the current adversarial batch (borrowed: copy what you keep). */
  onFrame?: (step: number, current: tf.Tensor4D) => void | Promise<void>;
  /** Replaced by control.signal and control.onStep (and onFrame): typed never so that a caller still passing them fails to compile instead of losing its stop. */
  shouldStop?: never;
  onStep?: never;
}

export interface AttackOutput {
  /** The adversarial batch; the caller owns it and disposes it. */
  adversarial: tf.Tensor4D;
  /** Iterations used, per example. */
  steps: Int32Array;
  /** Model queries, per example (black-box attacks). */
  queries?: Int32Array;
}

/** A black-box view of a model: probabilities as plain numbers, one query per row, no tensors, no gradients. */
export interface ScoreModel {
  readonly numClasses: number;
  /** Probabilities, row-major [n, numClasses]. Counts n queries. */
  scores(x: tf.Tensor4D): Promise<Float32Array>;
}

/** A label-only view of a model: the predicted class per row. */
export interface LabelModel {
  readonly numClasses: number;
  /** Predicted labels. Counts n queries. */
  labels(x: tf.Tensor4D): Promise<Int32Array>;
}

export type AttackDefinition =
  | {
      meta: AttackMeta & { knowledge: 'white-box' };
      run(model: Classifier, batch: AttackBatch, params: AttackParams, context: AttackContext): Promise<AttackOutput>;
      /**
       * Optional fast path for an accuracy-vs-budget sweep: one adversarial batch per budget, sharing work between
       * budgets (FGSM computes its gradient once). Returns one output per budget, in order.
       */
      sweep?(model: Classifier, batch: AttackBatch, params: AttackParams, budgets: number[], context: AttackContext): Promise<AttackOutput[]>;
    }
  | {
      meta: AttackMeta & { knowledge: 'score-based' };
      run(model: ScoreModel, batch: AttackBatch, params: AttackParams, context: AttackContext): Promise<AttackOutput>;
    }
  | {
      meta: AttackMeta & { knowledge: 'decision-based' };
      run(model: LabelModel, batch: AttackBatch, params: AttackParams, context: AttackContext): Promise<AttackOutput>;
    };

export type WhiteBoxAttack = Extract<AttackDefinition, { meta: { knowledge: 'white-box' } }>;
export type ScoreBasedAttack = Extract<AttackDefinition, { meta: { knowledge: 'score-based' } }>;
export type DecisionBasedAttack = Extract<AttackDefinition, { meta: { knowledge: 'decision-based' } }>;

export const isWhiteBox = (a: AttackDefinition): a is WhiteBoxAttack => a.meta.knowledge === 'white-box';
export const isScoreBased = (a: AttackDefinition): a is ScoreBasedAttack => a.meta.knowledge === 'score-based';
export const isDecisionBased = (a: AttackDefinition): a is DecisionBasedAttack => a.meta.knowledge === 'decision-based';
