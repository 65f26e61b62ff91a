/**
 * Model extraction in rounds: a strategy picks queries, the oracle answers them, a substitute is trained on every
 * answer so far, and after each round its accuracy and its fidelity (agreement with the victim) are measured on
 * held-out digits the attacker never queried. The attacker reaches the victim only through the Oracle interface.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/mnist';
import { createRng, shuffleInPlace, type Rng } from '../data/rng';
import { imagesToTensor } from '../data/tensors';
import { describeLayers, type ArchitectureId } from '../models/architectures';
import type { ModelCard } from '../models/card';
import { classifierFromLayersModel, type Classifier } from '../models/classifier';
import { randomShift } from '../models/train';
import { isStopped, type RunControl } from '../run/control';
import { answerDistribution, STRATEGIES, type Proposal, type StrategyId, type StrategyParams } from './strategies';
import { SUBSTITUTES } from './substitutes';
import { QueryBudgetExceededError, type Oracle, type OracleAnswer } from './types';
import { formatPercent } from '../format';

export interface SubstituteTraining {
  architecture: ArchitectureId;
  /** Epochs over all answers so far, in every round. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /**
   * 'continue' (default) keeps the substitute's weights from round to round and trains them further on the grown
   * set: each round starts from a model that already fits most of the data, so a few epochs suffice and the curve
   * of fidelity against queries is smooth. 'fresh' re-initialises every round (same seed): slower to converge per
   * round, but free of the warm-start generalisation gap (Ash & Adams 2020) and of any order effect.
   */
  restart?: 'continue' | 'fresh';
  /**
   * Distillation temperature T (Hinton et al. 2015) for scores: the targets are the oracle's probabilities
   * softened as p^(1/T) (the softmax of its logits / T), matched by softmax(substitute logits / T), loss times T².
   * Reveals more of a confident victim's ranking of the other classes. 1 (default) is plain soft labels.
   */
  temperature?: number;
  /** Random shifts of up to this many pixels per example and batch (seeded), as the bundled models were trained. */
  augmentShift?: number;
}

export interface ExtractionOptions {
  strategy: StrategyId;
  strategyParams?: StrategyParams;
  /** Unlabeled images for the pool strategies (labels never read). */
  pool?: ImageSplit;
  /** The seed set for the Jacobian strategy (labels never read). */
  seeds?: ImageSplit;
  /** Queries per round; a list gives the sizes of successive rounds, its last entry repeating. */
  queriesPerRound: number | number[];
  /** Stop after this many rounds even with budget left. */
  maxRounds?: number;
  training: SubstituteTraining;
  /**
   * Held-out digits the attacker never queries, with their true labels (accuracy) and the victim's labels for them
   * (fidelity). The victim's labels are an evaluation-only input computed outside the oracle, so measuring does not
   * spend the attacker's budget or appear in the query log.
   */
  evaluation: { data: ImageSplit; victimLabels: Int32Array };
  /** Seeds the strategy, the substitute's initial weights and the training order. */
  seed: number;
}

export interface ExtractionRound {
  /** 1-based. */
  round: number;
  /** Queries answered in this round. */
  queries: number;
  /** The oracle's count after this round. */
  queriesUsed: number;
  trainingSetSize: number;
  /** Substitute's accuracy on the held-out digits (true labels). */
  accuracy: number;
  /** Share of held-out digits where the substitute's label equals the victim's. */
  fidelity: number;
  /** Mean training loss of the round's last epoch. */
  loss: number;
  /** Wall time of the round: choosing, querying, training, measuring. */
  seconds: number;
}

export interface ExtractionCallbacks {
  onRound?: (round: ExtractionRound) => void | Promise<void>;
  onEpoch?: (round: number, epoch: number, loss: number) => void;
  /**
   * Its signal is checked (after awaiting onStep) before every round and between training epochs: a stopped run
   * ends cleanly with what it has (stoppedBy 'stopped'), never throws for it. Progress: the share of the budget
   * answered and trained on, after every epoch.
   */
  control?: RunControl;
}

/** Awaits the control's step (a worker lets a cancel in there), then says whether the run was asked to stop. */
async function stopRequested(control: RunControl | undefined): Promise<boolean> {
  await control?.onStep?.();
  return isStopped(control);
}

export type ExtractionStop = 'budget' | 'max-rounds' | 'stopped' | 'strategy-exhausted';

export interface ExtractionResult {
  /** The caller owns it and disposes it. */
  substitute: Classifier;
  history: ExtractionRound[];
  queriesUsed: number;
  stoppedBy: ExtractionStop;
  seconds: number;
}

/** The oracle's error crosses a worker boundary as a plain object: recognise it by name too. */
function asBudgetError(error: unknown): { budget?: number; used?: number } | undefined {
  if (error instanceof QueryBudgetExceededError) return error;
  if (error && typeof error === 'object' && (error as { name?: unknown }).name === 'QueryBudgetExceededError') {
    return error as { budget?: number; used?: number };
  }
  return undefined;
}

/**
 * Sends a proposal. When the oracle refuses it for the budget, sends only the rows the budget has left (those first
 * rows), and says the budget is spent.
 */
async function ask(oracle: Oracle, proposal: Proposal, rowSize: number): Promise<{ answer?: OracleAnswer; answered: number; exhausted: boolean }> {
  try {
    return { answer: await oracle.query(proposal.inputs, proposal.count), answered: proposal.count, exhausted: false };
  } catch (error) {
    const refused = asBudgetError(error);
    if (!refused) throw error;
    const budget = refused.budget ?? oracle.budget;
    const used = refused.used ?? oracle.used();
    const left = Math.max(0, budget - used);
    // A refusal that claims room for the whole proposal is contradictory: stop rather than loop.
    if (left === 0 || left >= proposal.count) return { answered: 0, exhausted: true };
    try {
      const answer = await oracle.query(proposal.inputs.subarray(0, left * rowSize), left);
      return { answer, answered: left, exhausted: true };
    } catch (again) {
      if (asBudgetError(again)) return { answered: 0, exhausted: true };
      throw again;
    }
  }
}

/** Every answer so far, as plain arrays: inputs row-major, targets [n, numClasses] already tempered. */
class AnswerSet {
  private inputs: Float32Array[] = [];
  private targets: Float32Array[] = [];
  size = 0;

  constructor(
    private readonly rowSize: number,
    private readonly numClasses: number,
    private readonly temperature: number,
  ) {}

  add(proposal: Proposal, answer: OracleAnswer, answered: number): void {
    this.inputs.push(proposal.inputs.slice(0, answered * this.rowSize));
    const targets = new Float32Array(answered * this.numClasses);
    for (let r = 0; r < answered; r++) targets.set(temper(answerDistribution(answer, r, this.numClasses), this.temperature), r * this.numClasses);
    this.targets.push(targets);
    this.size += answered;
  }

  joined(): { inputs: Float32Array; targets: Float32Array } {
    const join = (parts: Float32Array[]) => {
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    };
    this.inputs = [join(this.inputs)];
    this.targets = [join(this.targets)];
    return { inputs: this.inputs[0], targets: this.targets[0] };
  }
}

/** p^(1/T), renormalised: the softmax of the victim's logits divided by T (one-hot rows stay one-hot). */
export function temper(p: Float32Array, temperature: number): Float32Array {
  if (temperature === 1) return p;
  const out = p.map((v) => (v > 0 ? Math.pow(v, 1 / temperature) : 0));
  const total = out.reduce((a, b) => a + b, 0);
  return total > 0 ? out.map((v) => v / total) : p;
}

/** Soft-label cross-entropy at temperature T, times T² so gradients keep their scale (Hinton et al. 2015). */
function distillationLoss(targets: tf.Tensor2D, logits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const loss = tf.losses.softmaxCrossEntropy(targets, temperature === 1 ? logits : logits.div(temperature)) as tf.Scalar;
    return temperature === 1 ? loss : loss.mul(temperature * temperature);
  });
}

/** Trains the substitute on all answers with Adam and a seeded shuffle. Returns the last epoch's mean loss. */
async function fitSubstitute(
  model: tf.LayersModel,
  data: { inputs: Float32Array; targets: Float32Array },
  count: number,
  shape: [number, number, number],
  numClasses: number,
  training: SubstituteTraining,
  rng: Rng,
  onEpoch: (epoch: number, loss: number) => void,
  control?: RunControl,
): Promise<number> {
  const temperature = training.temperature ?? 1;
  const optimizer = tf.train.adam(training.learningRate);
  const xs = tf.tensor4d(data.inputs, [count, ...shape]);
  const ys = tf.tensor2d(data.targets, [count, numClasses]);
  let lastLoss = NaN;
  try {
    for (let epoch = 0; epoch < training.epochs; epoch++) {
      if (epoch > 0 && (await stopRequested(control))) break;
      const order = shuffleInPlace(
        Array.from({ length: count }, (_, i) => i),
        rng,
      );
      let lossSum = tf.scalar(0);
      let batches = 0;
      try {
        for (let start = 0; start < count; start += training.batchSize) {
          const indices = tf.tensor1d(order.slice(start, start + training.batchSize), 'int32');
          try {
            const loss = optimizer.minimize(() => {
              let inputs = tf.gather(xs, indices) as tf.Tensor4D;
              if (training.augmentShift) inputs = randomShift(inputs, training.augmentShift, rng);
              const logits = model.apply(inputs, { training: true }) as tf.Tensor2D;
              return distillationLoss(tf.gather(ys, indices) as tf.Tensor2D, logits, temperature);
            }, true)!;
            const summed = lossSum.add(loss) as tf.Scalar;
            tf.dispose([lossSum, loss]);
            lossSum = summed;
          } finally {
            indices.dispose();
          }
          batches++;
        }
        lastLoss = (await lossSum.data())[0] / batches;
      } finally {
        lossSum.dispose();
      }
      onEpoch(epoch, lastLoss);
    }
    return lastLoss;
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
  }
}

/** Accuracy against the true labels and fidelity against the victim's labels, on the held-out digits. */
export async function measureSubstitute(
  substitute: Classifier,
  evaluation: { data: ImageSplit; victimLabels: Int32Array },
  batchSize = 500,
): Promise<{ accuracy: number; fidelity: number }> {
  const { data, victimLabels } = evaluation;
  if (victimLabels.length !== data.count) {
    throw new Error(`The evaluation set has ${data.count} digits but ${victimLabels.length} victim labels: give one victim label per held-out digit.`);
  }
  let correct = 0;
  let agree = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const count = Math.min(batchSize, data.count - start);
    const predicted = tf.tidy(() => substitute.logits(imagesToTensor(data, start, count)).argMax(1));
    let labels: Awaited<ReturnType<typeof predicted.data>>;
    try {
      labels = await predicted.data();
    } finally {
      predicted.dispose();
    }
    for (let i = 0; i < count; i++) {
      if (labels[i] === data.labels[start + i]) correct++;
      if (labels[i] === victimLabels[start + i]) agree++;
    }
  }
  return { accuracy: correct / Math.max(1, data.count), fidelity: agree / Math.max(1, data.count) };
}

interface SubstituteMetrics {
  accuracy: number;
  fidelity: number;
  /** Share of the answers whose label the substitute reproduces. */
  trainAgreement: number;
}

function substituteCard(
  architecture: ArchitectureId,
  model: tf.LayersModel,
  oracle: Oracle,
  options: ExtractionOptions,
  trained: number,
  seconds: number,
  metrics: SubstituteMetrics,
): ModelCard {
  const { training } = options;
  const layers = describeLayers(model);
  const held = options.evaluation.data.count;
  return {
    id: `substitute-${architecture}`,
    name: `Substitute (${architecture}, ${options.strategy})`,
    task: 'image-classification',
    description:
      `Trained on ${trained} answers of a black-box oracle, chosen by the ${STRATEGIES[options.strategy].name} strategy. ` +
      (Number.isFinite(metrics.fidelity) ? `Agrees with the victim on ${formatPercent(metrics.fidelity)} of ${held} held-out digits.` : ''),
    architecture: { summary: SUBSTITUTES[architecture].layers, layers },
    parameters: layers.reduce((n, l) => n + l.params, 0),
    input: { shape: [...oracle.inputShape], range: [0, 1], description: "The oracle's input: 28x28 grayscale in [0, 1]." },
    output: 'logits',
    classes: Array.from({ length: oracle.numClasses }, (_, k) => String(k)),
    training: {
      data: `${trained} oracle answers (${options.strategy})`,
      splitSeed: 0,
      trainSize: trained,
      testSize: options.evaluation.data.count,
      epochs: training.epochs,
      batchSize: training.batchSize,
      optimizer: 'adam',
      augmentation: training.augmentShift ? `random shifts of up to ${training.augmentShift} px` : 'none',
      learningRate: training.learningRate,
      schedule: `${training.restart ?? 'continue'} training each round, temperature ${training.temperature ?? 1}`,
      seed: options.seed,
      backend: tf.getBackend(),
      seconds,
      command: '',
    },
    // Its training labels are the oracle's: train accuracy is agreement with the answers it was trained on.
    metrics: { trainAccuracy: metrics.trainAgreement, testAccuracy: metrics.accuracy, testCorrect: Math.round(metrics.accuracy * held) },
    weights: { files: [] },
    created: new Date().toISOString(),
  };
}

function roundSize(queriesPerRound: number | number[], round: number): number {
  const sizes = Array.isArray(queriesPerRound) ? queriesPerRound : [queriesPerRound];
  const size = sizes[Math.min(round, sizes.length - 1)];
  if (!Number.isInteger(size) || size < 1) throw new Error(`Queries per round must be whole numbers of at least 1; got ${size}.`);
  return size;
}

/**
 * Runs the extraction until the budget is spent, the strategy has nothing left, `maxRounds` is reached or the
 * control's signal aborts. Every completed round is kept; the substitute is returned even when no round completed.
 * A callback that throws ends the run with its error, after the substitute is disposed.
 */
export async function runExtraction(oracle: Oracle, options: ExtractionOptions, callbacks: ExtractionCallbacks = {}): Promise<ExtractionResult> {
  const started = performance.now();
  const { training } = options;
  const shape = oracle.inputShape;
  const numClasses = oracle.numClasses;
  const rowSize = shape[0] * shape[1] * shape[2];
  if (training.epochs < 1 || training.batchSize < 1) throw new Error('Substitute training needs at least 1 epoch and a batch size of at least 1.');
  const { data: held, victimLabels } = options.evaluation;
  // Checked before any query is spent.
  if (victimLabels.length !== held.count) {
    throw new Error(`The evaluation set has ${held.count} digits but ${victimLabels.length} victim labels: give one victim label per held-out digit.`);
  }
  const sampler = STRATEGIES[options.strategy].start({
    inputShape: shape,
    numClasses,
    rng: createRng(options.seed),
    pool: options.pool,
    seeds: options.seeds,
    params: options.strategyParams,
  });
  const trainingRng = createRng(options.seed + 1);
  const build = () => SUBSTITUTES[training.architecture].build({ inputShape: shape, numClasses, seed: options.seed });
  let model = build();
  const answers = new AnswerSet(rowSize, numClasses, training.temperature ?? 1);
  const { control } = callbacks;
  const history: ExtractionRound[] = [];
  let stoppedBy: ExtractionStop = 'budget';
  let trainedOnce = false;
  let last = { accuracy: NaN, fidelity: NaN };
  const cardOf = (trained: number, seconds: number, trainAgreement = NaN) =>
    substituteCard(training.architecture, model, oracle, options, trained, seconds, { ...last, trainAgreement });

  try {
    for (let round = 0; ; round++) {
      if (await stopRequested(control)) {
        stoppedBy = 'stopped';
        break;
      }
      if (options.maxRounds !== undefined && round >= options.maxRounds) {
        stoppedBy = 'max-rounds';
        break;
      }
      const limit = oracle.budget - oracle.used();
      if (limit <= 0) break;
      const roundStarted = performance.now();
      // The strategy sees the substitute only once it has been trained on something.
      const view = trainedOnce ? classifierFromLayersModel(model, cardOf(answers.size, 0)) : undefined;
      const proposal = await sampler.propose({ round, substitute: view, size: roundSize(options.queriesPerRound, round), limit });
      if (proposal.count === 0) {
        stoppedBy = 'strategy-exhausted';
        break;
      }
      const { answer, answered, exhausted } = await ask(oracle, proposal, rowSize);
      if (!answer || answered === 0) break;
      sampler.observe?.(proposal, answer, answered);
      answers.add(proposal, answer, answered);

      if (training.restart === 'fresh' && trainedOnce) {
        model.dispose();
        model = build();
      }
      const usedBefore = oracle.used() - answered;
      const onEpoch = (epoch: number, l: number) => {
        callbacks.onEpoch?.(round + 1, epoch, l);
        const done = usedBefore + (answered * (epoch + 1)) / training.epochs;
        control?.onProgress?.(
          Math.min(1, done / Math.max(1, oracle.budget)),
          `round ${round + 1}: epoch ${epoch + 1} / ${training.epochs}, ${oracle.used()} / ${oracle.budget} queries`,
        );
      };
      const loss = await fitSubstitute(model, answers.joined(), answers.size, shape, numClasses, training, trainingRng, onEpoch, control);
      trainedOnce = true;
      last = await measureSubstitute(classifierFromLayersModel(model, cardOf(answers.size, 0)), options.evaluation);
      const report: ExtractionRound = {
        round: round + 1,
        queries: answered,
        queriesUsed: oracle.used(),
        trainingSetSize: answers.size,
        accuracy: last.accuracy,
        fidelity: last.fidelity,
        loss,
        seconds: (performance.now() - roundStarted) / 1000,
      };
      history.push(report);
      await callbacks.onRound?.(report);
      if (exhausted) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const trainAgreement = trainedOnce ? await agreementWithAnswers(model, answers.joined(), answers.size, shape, numClasses) : NaN;
    const substitute = classifierFromLayersModel(model, cardOf(answers.size, seconds, trainAgreement));
    return { substitute, history, queriesUsed: oracle.used(), stoppedBy, seconds };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Share of the answers whose label (the argmax of the target) the model reproduces. */
async function agreementWithAnswers(
  model: tf.LayersModel,
  data: { inputs: Float32Array; targets: Float32Array },
  count: number,
  shape: [number, number, number],
  numClasses: number,
  batchSize = 500,
): Promise<number> {
  const rowSize = shape[0] * shape[1] * shape[2];
  let agree = 0;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const hits = tf.tidy(() => {
      const x = tf.tensor4d(data.inputs.subarray(start * rowSize, (start + n) * rowSize), [n, ...shape]);
      const targets = tf.tensor2d(data.targets.subarray(start * numClasses, (start + n) * numClasses), [n, numClasses]);
      return (model.predict(x) as tf.Tensor2D).argMax(1).equal(targets.argMax(1)).sum();
    });
    agree += (await hits.data())[0];
    hits.dispose();
  }
  return agree / Math.max(1, count);
}
