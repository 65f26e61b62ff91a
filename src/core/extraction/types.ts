/**
 * The model-extraction lab's contracts. The victim is reachable only through an Oracle: plain numbers in, plain
 * numbers out, so the same interface works in-process (tests, Node) and across a worker boundary (the browser,
 * where the oracle lives in its own worker and the attacker holds no reference to the model or its weights).
 */

/** What the oracle answers per query. */
export type OutputMode =
  | { kind: 'probabilities' }
  /** Only the k largest probabilities (the rest reported as 0). */
  | { kind: 'top-k'; k: number }
  /** Only the predicted label. */
  | { kind: 'label' }
  /** Probabilities rounded to `decimals` decimals. */
  | { kind: 'rounded'; decimals: number };

/** Defenses on the oracle's side, applied to every answer (and the detector watching the stream). */
export interface OracleDefenses {
  /**
   * Gaussian noise of this standard deviation added to the probabilities, then renormalised. Noise and reverse
   * sigmoid can move the argmax; the oracle then swaps the winning value back to the true class (defenses.ts).
   */
  gaussianNoise?: number;
  /** Reverse sigmoid perturbation (Lee et al. 2019, as in the Adversarial Robustness Toolbox): beta, gamma. */
  reverseSigmoid?: { beta: number; gamma: number };
  /** PRADA (Juuti et al. 2019): flags the stream when the distances between queries stop looking natural. */
  prada?: { threshold: number };
}

export interface OracleConfig {
  output: OutputMode;
  /** Total queries allowed (rows); the query past it fails with QueryBudgetExceededError. */
  budget: number;
  defenses?: OracleDefenses;
  /** Seeds the noise defense. */
  seed: number;
}

export interface OracleAnswer {
  /** Predicted label per row (always available: it is what any mode reveals at least). */
  labels: Int32Array;
  /** Row-major [n, numClasses] scores after the output mode and defenses; absent in label mode. */
  scores?: Float32Array;
}

export interface QueryLogEntry {
  /** 1-based query number. */
  index: number;
  /** Milliseconds since the oracle was created. */
  time: number;
  /** A short hash of the input bytes (hex), so a log can be checked without storing images. */
  inputHash: string;
  label: number;
  /** What the attacker saw: scores, or [label] in label mode. */
  output: number[];
}

export interface DetectorVerdict {
  flagged: boolean;
  /** The query number at which it first fired. */
  firedAt?: number;
  /** The statistic it compares to its threshold (Shapiro-Wilk W for PRADA), when it has one. */
  statistic?: number;
}

export interface Oracle {
  readonly numClasses: number;
  readonly inputShape: [number, number, number];
  readonly budget: number;
  /** Queries answered so far. */
  used(): number;
  /**
   * Answers `count` inputs, row-major [count, h, w, c] in the victim's input range. Counts `count` queries; when
   * they would exceed the budget it answers nothing and throws QueryBudgetExceededError.
   */
  query(inputs: Float32Array, count: number): Promise<OracleAnswer>;
  log(): QueryLogEntry[];
  detector(): DetectorVerdict;
}

export class QueryBudgetExceededError extends Error {
  constructor(
    readonly budget: number,
    readonly used: number,
    readonly requested: number,
  ) {
    super(
      `Query budget exceeded: ${used} of ${budget} queries used (${budget - used} left), ${requested} more requested. ` +
        'Raise the budget or stop here; the run keeps what it has.',
    );
    this.name = 'QueryBudgetExceededError';
  }
}

/** The lab's split of the test digits: the first ones may be the attacker's seed set, the rest are held out. */
export const HELD_OUT_FROM = 100;
