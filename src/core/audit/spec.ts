/**
 * What the playground must know about a user's model to attack it, beyond what model.json says: the task, the
 * value range and channel order of its images, its class names, whether it outputs logits or probabilities, and
 * for text its tokenizer. `inferSpec` (./userModel.ts) fills in what the model itself reveals; `checkSpec` says in
 * plain words what is wrong with a spec a user typed.
 */
import type { Vocabulary } from '../text/tokenizer';
import { quoteForMessage } from './quote';
import { formatCount } from '../format';

export type ChannelOrder = 'grayscale' | 'rgb' | 'bgr';
export type OutputKind = 'logits' | 'probabilities';

export interface ImageModelSpec {
  task: 'image';
  name: string;
  /** [height, width, channels], without the batch dimension; tfjs's NHWC layout. */
  inputShape: [number, number, number];
  /** What the model expects a black pixel and a white pixel to be, e.g. [0, 1], [0, 255] or [-1, 1]. */
  valueRange: [number, number];
  channelOrder: ChannelOrder;
  classes: string[];
  output: OutputKind;
}

/**
 * The one tokenizer the playground implements (src/core/text/tokenizer.ts): lower-cased runs of letters, digits and
 * marks; id 0 pads, id 1 is every unknown word, vocabulary word i has id i + 2; the first `maxLength` tokens are kept.
 */
export interface TokenizerSpec {
  kind: 'words-v1';
  vocabulary: Vocabulary;
}

export interface TextModelSpec {
  task: 'text';
  name: string;
  /** Tokens per input (the model's input length). */
  maxLength: number;
  classes: string[];
  output: OutputKind;
  tokenizer: TokenizerSpec;
}

export type ModelSpec = ImageModelSpec | TextModelSpec;

/**
 * Most numbers in one example of a model's input (height x width x channels, or tokens): 4,194,304, a 2048x2048 RGBA
 * or a 1182x1182 RGB image. A model declaring more is refused before any tensor is made, since every check and attack
 * holds batches of inputs (8 probe rows of this size already take 128 MB).
 */
export const MAX_INPUT_ELEMENTS = 1024 * 1024 * 4;

/**
 * Most tokens a text model may take: the tokenizer reads at most 100,000 characters (DEFAULT_MAX_CHARS), so no text
 * gives more than 50,000 words, and a longer input is padding that batches of 64 texts would still hold.
 */
export const MAX_TEXT_TOKENS = 50_000;

/** Numbers in one example of the spec's input. */
export const inputElements = (spec: ModelSpec) => (spec.task === 'image' ? spec.inputShape.reduce((a, b) => a * b, 1) : spec.maxLength);

/** Why the spec's input is too large to probe or attack, or undefined when it fits MAX_INPUT_ELEMENTS. */
export function inputSizeProblem(spec: ModelSpec): string | undefined {
  const n = inputElements(spec);
  if (spec.task === 'text' && n > MAX_TEXT_TOKENS) {
    return (
      `The model's input takes ${formatCount(n)} tokens per text, over the ${formatCount(MAX_TEXT_TOKENS)} the playground ` +
      'handles (its tokenizer reads the first 100,000 characters, at most 50,000 words). Audit a model with a shorter input, or check the input shape.'
    );
  }
  if (n <= MAX_INPUT_ELEMENTS) return undefined;
  const what = spec.task === 'image' ? `${spec.inputShape.join(' x ')} = ${formatCount(n)} numbers` : `${formatCount(n)} tokens`;
  return (
    `The model's input takes ${what} per example, over the ${formatCount(MAX_INPUT_ELEMENTS)} (1024 x 1024 x 4) the playground ` +
    'handles: the checks and attacks hold batches of inputs in memory. Audit a model with a smaller input, or check the input shape.'
  );
}

/** Largest model the playground accepts: weights plus model.json. A browser tab holds it twice while loading. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

/** Class names "0".."n-1", the default when a model says nothing about its classes. */
export const indexClassNames = (n: number) => Array.from({ length: n }, (_, i) => String(i));

/** Parses a class-name list typed by a user: one per line, or comma-separated on one line. */
export function parseClassNames(text: string): string[] {
  const parts = text.includes('\n') ? text.split(/\r?\n/) : text.split(',');
  return parts.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Every problem with a spec, as sentences a user can act on; empty when it is usable. */
export function checkSpec(spec: ModelSpec): string[] {
  const problems: string[] = [];
  if (!spec.name.trim()) problems.push('Give the model a name.');
  if (spec.classes.length < 2) problems.push(`A classifier needs at least two class names; ${spec.classes.length} given.`);
  const duplicates = spec.classes.filter((c, i) => spec.classes.indexOf(c) !== i);
  if (duplicates.length > 0)
    problems.push(
      `Class names must be unique; repeated: ${[...new Set(duplicates)]
        .slice(0, 5)
        .map((c) => quoteForMessage(c))
        .join(', ')}.`,
    );
  if (spec.task === 'image') {
    const [h, w, c] = spec.inputShape;
    if (![h, w].every((n) => Number.isInteger(n) && n >= 1 && n <= 4096)) {
      problems.push(`The input height and width must be whole numbers from 1 to 4096; got ${h} x ${w}.`);
    }
    if (c !== 1 && c !== 3) problems.push(`Images must have 1 (grayscale) or 3 (colour) channels; the spec says ${c}.`);
    if (c === 1 && spec.channelOrder !== 'grayscale') problems.push('A one-channel model takes grayscale images: set the channel order to grayscale.');
    if (c === 3 && spec.channelOrder === 'grayscale') problems.push('A three-channel model takes colour images: set the channel order to RGB or BGR.');
    const [lo, hi] = spec.valueRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      problems.push(`The value range must be two numbers, low < high (such as 0 and 1, or 0 and 255); got [${lo}, ${hi}].`);
    }
  } else {
    if (!(Number.isInteger(spec.maxLength) && spec.maxLength >= 1)) problems.push(`The input length must be a whole number of tokens; got ${spec.maxLength}.`);
    const words = spec.tokenizer?.vocabulary?.words;
    if (!Array.isArray(words) || words.length === 0) problems.push('A text model needs its tokenizer vocabulary (a vocabulary.json file).');
  }
  const tooLarge = inputSizeProblem(spec);
  if (tooLarge) problems.push(tooLarge);
  return problems;
}

/** Why a model could not be used; `message` is the sentence shown to the user. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    readonly step: 'model.json' | 'weights' | 'topology' | 'ops' | 'size' | 'spec',
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** Reads a vocabulary file: the playground's vocabulary.json, a JSON list of words, or one word per line. */
export function parseVocabularyFile(text: string, fileName = 'vocabulary'): Vocabulary {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new ModelLoadError(`${fileName} is not valid JSON (${(error as Error).message}).`, 'spec');
    }
    const words = Array.isArray(value) ? value : (value as { words?: unknown }).words;
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) {
      throw new ModelLoadError(`${fileName} must be a list of words, or an object with a "words" list (like models/spam-bow/vocabulary.json).`, 'spec');
    }
    const counts = !Array.isArray(value) && Array.isArray((value as { counts?: unknown }).counts) ? (value as { counts: number[] }).counts : words.map(() => 0);
    return { version: 1, words, counts };
  }
  const words = trimmed
    .split(/\r?\n/)
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 0) throw new ModelLoadError(`${fileName} is empty: it must list the model's words, one per line.`, 'spec');
  return { version: 1, words, counts: words.map(() => 0) };
}
