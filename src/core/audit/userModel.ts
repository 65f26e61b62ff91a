/**
 * A user's TensorFlow.js model, from its files to something the attacks can use, with a plain verdict at every
 * step. One loader serves the browser (files picked or dropped, a URL, IndexedDB) and the command line (files on
 * disk): it takes model.json and its shards as bytes, so where they came from does not matter.
 *
 * Attacks work on images in [0, 1] pixels, NHWC: `imageClassifier` maps them onto the model's own value range and
 * channel order inside the differentiated function, so budgets mean the same for every model (ε = 8/255 is eight
 * grey levels whatever the model's preprocessing).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../models/card';
import { bytesOf } from '../models/io';
import type { Classifier } from '../models/classifier';
import { textModelFromLayersModel, type TextModel } from '../text/textModel';
import { encodeText, FIRST_WORD_ID } from '../text/tokenizer';
import { validateWeightsManifest } from './manifestSchema';
import { escapeForMessage } from './quote';
import type { ReportCheck, ReportModel } from './report';
import {
  indexClassNames,
  inputElements,
  inputSizeProblem,
  MAX_INPUT_ELEMENTS,
  MAX_MODEL_BYTES,
  ModelLoadError,
  type ImageModelSpec,
  type ModelSpec,
  type OutputKind,
  type TextModelSpec,
} from './spec';
import { formatBytes, formatCount } from '../format';

export type ModelFormat = 'layers-model' | 'graph-model';

/** model.json as read from the user's file, checked enough to locate its weights. */
export interface ModelJsonFile {
  format: ModelFormat;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  /** Everything else in the file (signature, userDefinedMetadata, ...), passed through to tfjs. */
  extra: Record<string, unknown>;
}

/** Parses and checks model.json text. Throws ModelLoadError saying what is wrong and what to do. */
export function parseModelJson(text: string, givenName = 'model.json'): ModelJsonFile {
  const fileName = escapeForMessage(givenName);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(
      `${fileName} is not valid JSON (${(error as Error).message}). Pick the model.json that tensorflowjs_converter or model.save() wrote.`,
      'model.json',
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelLoadError(`${fileName} holds ${Array.isArray(value) ? 'a list' : typeof value}, not a TensorFlow.js model description.`, 'model.json');
  }
  const { modelTopology, weightsManifest, format, ...extra } = value as Record<string, unknown>;
  if (!modelTopology || typeof modelTopology !== 'object') {
    throw new ModelLoadError(
      `${fileName} has no "modelTopology": it is not a TensorFlow.js model.json (a Keras .h5 or a SavedModel must be converted first with tensorflowjs_converter).`,
      'model.json',
    );
  }
  const topology = modelTopology as Record<string, unknown>;
  const detected: ModelFormat | undefined =
    format === 'layers-model' || format === 'graph-model'
      ? format
      : Array.isArray(topology.node)
        ? 'graph-model'
        : 'class_name' in topology || 'model_config' in topology
          ? 'layers-model'
          : undefined;
  if (!detected) {
    throw new ModelLoadError(`${fileName} says its format is "${String(format)}"; the playground reads "layers-model" and "graph-model".`, 'model.json');
  }
  if (weightsManifest === undefined) {
    throw new ModelLoadError(
      `${fileName} has no "weightsManifest", so it names no weight files. Pick the model.json that tensorflowjs_converter or model.save() wrote with its weights (not a topology-only file).`,
      'model.json',
    );
  }
  const problems = validateWeightsManifest(weightsManifest);
  if (problems.length > 0) {
    throw new ModelLoadError(
      `${fileName} has a malformed "weightsManifest": ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; ...' : ''}. It must list groups of { paths: [file names], weights: [{ name, shape, dtype }] } as tensorflowjs_converter writes them.`,
      'model.json',
    );
  }
  const manifest = weightsManifest as ModelJsonFile['weightsManifest'];
  return { format: detected, modelTopology: topology, weightsManifest: manifest, extra };
}

/** Files the manifest names, in order, as the user must supply them. */
export const shardPaths = (json: ModelJsonFile) => json.weightsManifest.flatMap((g) => g.paths);

/** The bytes model.json says its weights take, from the shapes and dtypes of the manifest. */
export const declaredWeightBytes = (json: ModelJsonFile) => json.weightsManifest.reduce((n, g) => n + g.weights.reduce((m, w) => m + bytesOf(w), 0), 0);

/** A manifest describing more weights than the limit: refused before any weight file is read. */
export const declaredTooLarge = (declared: number, maxBytes = MAX_MODEL_BYTES) =>
  new ModelLoadError(
    `model.json describes ${Number.isFinite(declared) && declared < 1e15 ? formatBytes(declared) : 'an absurd amount'} of weights (from the shapes in its weightsManifest), over the ${formatBytes(maxBytes)} the playground accepts. Check the shapes in model.json, or quantize the model (tensorflowjs_converter --quantize_uint8).`,
    'size',
  );

/** Match shard files by their base name too: a folder upload names them "dir/group1-shard1of2.bin". */
function findShard(shards: ReadonlyMap<string, ArrayBuffer>, path: string): ArrayBuffer | undefined {
  if (shards.has(path)) return shards.get(path);
  const base = path.split('/').pop()!;
  for (const [name, buffer] of shards) if (name.split('/').pop() === base) return buffer;
  return undefined;
}

/**
 * Checks the bytes of the weight files (`total`, read or only stat'ed) against the limit and against what model.json
 * describes; throws ModelLoadError saying which is wrong. The command line calls it before reading any shard.
 */
export function checkWeightBytes(json: ModelJsonFile, total: number, maxBytes = MAX_MODEL_BYTES): void {
  if (total > maxBytes) {
    throw new ModelLoadError(
      `The weights take ${formatBytes(total)}, over the ${formatBytes(maxBytes)} the playground accepts in a browser tab. Quantize the model (tensorflowjs_converter --quantize_uint8) or audit a smaller one.`,
      'size',
    );
  }
  const expected = declaredWeightBytes(json);
  if (expected > maxBytes) throw declaredTooLarge(expected, maxBytes);
  if (total !== expected) {
    throw new ModelLoadError(
      `The weight files hold ${formatCount(total)} bytes but model.json describes ${formatCount(expected)}: a shard is ${total < expected ? 'truncated (download it again)' : 'too long, or belongs to another model'}.`,
      'weights',
    );
  }
}

/** The artifacts tfjs loads, from model.json and the shard files; checks every shard is there and whole. */
export function userArtifacts(json: ModelJsonFile, shards: ReadonlyMap<string, ArrayBuffer>, maxBytes = MAX_MODEL_BYTES): tf.io.ModelArtifacts {
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const paths = shardPaths(json);
  const missing = paths.filter((p) => !findShard(shards, p));
  if (missing.length > 0) {
    throw new ModelLoadError(
      `model.json names ${paths.length} weight file${paths.length === 1 ? '' : 's'}; missing: ${missing
        .slice(0, 5)
        .map((p) => escapeForMessage(p))
        .join(', ')}${missing.length > 5 ? ', ...' : ''}. Add ${missing.length === 1 ? 'it' : 'them'} next to model.json (select all the files together).`,
      'weights',
    );
  }
  const buffers = paths.map((p) => findShard(shards, p)!);
  checkWeightBytes(
    json,
    buffers.reduce((n, b) => n + b.byteLength, 0),
    maxBytes,
  );
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: tf.io.CompositeArrayBuffer.join(buffers),
    format: json.format,
    ...(json.extra.signature ? { signature: json.extra.signature as object } : {}),
    ...(json.extra.userDefinedMetadata ? { userDefinedMetadata: json.extra.userDefinedMetadata as Record<string, object> } : {}),
    ...(json.extra.modelInitializer ? { modelInitializer: json.extra.modelInitializer as object } : {}),
  };
}

/** A loaded user model: one forward function, whatever its format. Owns the tfjs model. */
export interface LoadedModel {
  format: ModelFormat;
  /** Input shape without the batch dimension, as the model declares it (null where it does not say). */
  inputShape: (number | null)[];
  inputDtype: 'float32' | 'int32';
  /** Output scores per row, when the model declares it. */
  outputSize: number | null;
  parameters: number;
  weightBytes: number;
  weightsSha256: string;
  /** Raw model output for a batch: [n, k]. Inside tf.tidy by the caller. */
  forward(x: tf.Tensor): tf.Tensor;
  /** The Layers model, when it is one (the text attacks' gradient ranking needs its Embedding layer). */
  layers?: tf.LayersModel;
  dispose(): void;
}

const rest = (shape: readonly (number | null | undefined)[] | undefined) => (shape ?? []).slice(1).map((d) => (d === undefined || d === -1 ? null : d));

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Loads model.json + shards into tfjs. Throws ModelLoadError with a message a user can act on. */
export async function loadUserModel(json: ModelJsonFile, shards: ReadonlyMap<string, ArrayBuffer>, maxBytes = MAX_MODEL_BYTES): Promise<LoadedModel> {
  const artifacts = userArtifacts(json, shards, maxBytes);
  const weightData = artifacts.weightData as ArrayBuffer;
  const weightsSha256 = await sha256Hex(weightData);
  const parameters = (artifacts.weightSpecs ?? []).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  if (json.format === 'layers-model') {
    const model = await buildLayersModel(artifacts);
    const input = model.inputs[0];
    return {
      format: 'layers-model',
      inputShape: rest(input.shape),
      inputDtype: input.dtype === 'int32' ? 'int32' : 'float32',
      outputSize: (rest(model.outputs[0].shape).at(-1) as number | null | undefined) ?? null,
      parameters,
      weightBytes: weightData.byteLength,
      weightsSha256,
      forward: (x) => model.apply(x, { training: false }) as tf.Tensor,
      layers: model,
      dispose: () => model.dispose(),
    };
  }
  let graph: tf.GraphModel;
  try {
    graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw describeGraphError(error as Error);
  }
  const input = graph.inputs[0];
  const output = graph.outputs[0];
  return {
    format: 'graph-model',
    inputShape: rest(input?.shape),
    inputDtype: input?.dtype === 'int32' ? 'int32' : 'float32',
    outputSize: (rest(output?.shape).at(-1) as number | null | undefined) ?? null,
    parameters,
    weightBytes: weightData.byteLength,
    weightsSha256,
    forward: (x) => {
      const out = graph.execute(x);
      return Array.isArray(out) ? out[0] : out;
    },
    dispose: () => graph.dispose(),
  };
}

/** tfjs messages can run to several lines of advice about Python; the first line says what failed (names escaped). */
const firstLine = (error: Error) => escapeForMessage(error.message.split('\n')[0].trim(), 500);

/**
 * tf.loadLayersModel, step by step, so that nothing outlives a failure: when the weights do not fit the layers, tfjs
 * throws with the model's variables and the decoded weights still allocated (a browser tab would keep two copies of
 * every model that failed to load). Here the model is disposed and the decoded weights always are.
 */
async function buildLayersModel(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  let model: tf.LayersModel | undefined;
  let decoded: tf.NamedTensorMap | undefined;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology as never });
    const specs = artifacts.weightSpecs ?? [];
    if (specs.length === 0 && model.weights.length > 0) {
      throw new ModelLoadError(
        `model.json lists no weights (its "weightsManifest" is empty), but the model's layers have ${model.weights.length}. Pick the model.json saved together with its weight files.`,
        'weights',
      );
    }
    decoded = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, specs);
    // Optimizer state saved with the model is not part of the model's weights.
    const weights: tf.NamedTensorMap = {};
    for (const spec of specs) if (spec.group !== 'optimizer') weights[spec.name] = decoded[spec.name];
    model.loadWeights(weights, true);
    return model;
  } catch (error) {
    model?.dispose();
    if (error instanceof ModelLoadError) throw error;
    throw describeLayersError(error as Error);
  } finally {
    if (decoded) tf.dispose(Object.values(decoded));
  }
}

function describeLayersError(error: Error): ModelLoadError {
  const text = firstLine(error);
  if (/Unknown layer|Unknown (activation|initializer|regularizer|constraint)/i.test(text)) {
    return new ModelLoadError(
      `The model uses a layer TensorFlow.js does not know (${text}). Custom layers must be registered in code; re-export the model with built-in layers.`,
      'ops',
    );
  }
  if (/shape|expected|weight/i.test(text)) {
    return new ModelLoadError(`The weights do not match the model's layers (${text}). Check that the weight files belong to this model.json.`, 'weights');
  }
  return new ModelLoadError(`TensorFlow.js could not build the model from model.json (${text}).`, 'topology');
}

function describeGraphError(error: Error): ModelLoadError {
  const text = firstLine(error);
  if (/not supported|unsupported|Op\b/i.test(text)) {
    return new ModelLoadError(`The graph uses an operation TensorFlow.js cannot run (${text}). Re-convert it with ops TensorFlow.js supports.`, 'ops');
  }
  if (/shape|size|weight/i.test(text)) {
    return new ModelLoadError(`The weights do not match the graph (${text}). Check that the weight files belong to this model.json.`, 'weights');
  }
  return new ModelLoadError(`TensorFlow.js could not load the graph model (${text}).`, 'topology');
}

// ---------------------------------------------------------------------------------------------------------------
// What the model reveals about itself

const looksLikeProbabilities = (rows: Float32Array, k: number) => {
  for (let r = 0; r < rows.length / k; r++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = rows[r * k + j];
      if (!(v >= -1e-6 && v <= 1 + 1e-6)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
};

/** A seeded uniform batch in [lo, hi) (Park-Miller), so checks give the same verdict on every run. */
function probeBatch(shape: number[], lo: number, hi: number, seed = 12345): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    out[i] = lo + ((s - 1) / 2147483646) * (hi - lo);
  }
  return out;
}

/** Numbers the probe batches of the checks may hold in all: 8 rows of a small input, 2 of the largest. */
const PROBE_ELEMENTS = 2 * MAX_INPUT_ELEMENTS;

/** Rows of a probe batch for this spec: 8 when they fit PROBE_ELEMENTS, never fewer than 2 (a fixed batch of 1 must show). */
const probeRowsFor = (spec: ModelSpec) => Math.max(2, Math.min(8, Math.floor(PROBE_ELEMENTS / inputElements(spec))));

/** A spec filled in from the model where it can be: task, input shape, number of classes, logits or probabilities. */
export async function inferSpec(model: LoadedModel, name: string): Promise<ModelSpec> {
  const shape = model.inputShape;
  const k = model.outputSize ?? 2;
  const isText = model.inputDtype === 'int32' || shape.length === 1 || model.layers?.layers[0]?.getClassName() === 'Embedding';
  if (isText) {
    const maxLength = (shape[0] as number | null) ?? 100;
    return {
      task: 'text',
      name,
      maxLength,
      classes: indexClassNames(k),
      output: 'logits',
      tokenizer: { kind: 'words-v1', vocabulary: { version: 1, words: [], counts: [] } },
    };
  }
  const [h, w, c] = [shape[0] ?? 28, shape[1] ?? 28, shape[2] ?? 1];
  const spec: ImageModelSpec = {
    task: 'image',
    name,
    inputShape: [h, w, c],
    valueRange: [0, 1],
    channelOrder: c === 1 ? 'grayscale' : 'rgb',
    classes: indexClassNames(k),
    output: 'logits',
  };
  // A declared input too large to probe is left to checkSpec to refuse, before any tensor of that size exists.
  if (inputSizeProblem(spec)) return spec;
  try {
    const rows = probeRowsFor(spec);
    const output = tf.tidy(() => model.forward(tf.tensor(probeBatch([rows, h, w, c], 0, 1), [rows, h, w, c]))) as tf.Tensor;
    const values = (await output.data()) as Float32Array;
    const outK = output.shape.at(-1) ?? k;
    output.dispose();
    spec.classes = indexClassNames(outK);
    spec.output = looksLikeProbabilities(values, outK) ? 'probabilities' : 'logits';
  } catch {
    // The checks will say why the forward pass fails; the spec keeps its defaults.
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks on load

export interface ModelChecks {
  checks: ReportCheck[];
  /** Whether white-box attacks (input gradients) can run; when false, only black-box attacks and extraction. */
  gradients: boolean;
  /** Whether every check needed for an audit passed. */
  usable: boolean;
}

function inputFor(spec: ModelSpec, rows: number, fill: 'zero' | 'random'): tf.Tensor {
  if (spec.task === 'text') {
    const ids = new Int32Array(rows * spec.maxLength);
    if (fill === 'random') {
      const r = probeBatch([ids.length], 0, 1);
      const top = spec.tokenizer.vocabulary.words.length + 2;
      for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(r[i] * top);
    }
    return tf.tensor2d(ids, [rows, spec.maxLength], 'int32');
  }
  const [h, w, c] = spec.inputShape;
  const [lo, hi] = spec.valueRange;
  const values = fill === 'zero' ? new Float32Array(rows * h * w * c) : probeBatch([rows, h, w, c], lo, hi);
  return tf.tensor4d(values, [rows, h, w, c]);
}

/**
 * The checks a user sees on load, each with a plain verdict: a forward pass on a zero input; the output has one
 * score per class name; probabilities really are (or logits really are not); gradients with respect to the input
 * flow (images) or through the embeddings (text).
 */
export async function checkModel(model: LoadedModel, spec: ModelSpec): Promise<ModelChecks> {
  const checks: ReportCheck[] = [];
  const tooLarge = inputSizeProblem(spec);
  if (tooLarge) {
    checks.push({ id: 'forward', label: 'Input size', verdict: 'fail', detail: tooLarge });
    return { checks, gradients: false, usable: false };
  }
  const shapeText = spec.task === 'image' ? `[1, ${spec.inputShape.join(', ')}]` : `[1, ${spec.maxLength}]`;
  // A vocabulary larger than the Embedding gives word ids the model cannot look up: say so before any pass fails on it.
  const embedding = spec.task === 'text' && model.layers?.layers[0]?.getClassName() === 'Embedding' ? model.layers.layers[0] : undefined;
  const inputDim = embedding ? Number(embedding.getConfig().inputDim) : NaN;
  if (spec.task === 'text' && Number.isFinite(inputDim) && spec.tokenizer.vocabulary.words.length + FIRST_WORD_ID > inputDim) {
    const words = spec.tokenizer.vocabulary.words.length;
    checks.push({
      id: 'forward',
      label: "Word ids fit the model's Embedding",
      verdict: 'fail',
      detail: `The vocabulary has ${words} words, so word ids go up to ${words + FIRST_WORD_ID - 1}, but the model's Embedding takes ids 0 to ${inputDim - 1} (room for ${Math.max(0, inputDim - FIRST_WORD_ID)} words): it is not the vocabulary this model was trained with. Choose the model's own vocabulary file.`,
    });
    return { checks, gradients: false, usable: false };
  }
  let output: tf.Tensor;
  try {
    output = tf.tidy(() => model.forward(inputFor(spec, 1, 'zero')));
  } catch (error) {
    const text = firstLine(error as Error);
    // A graph model loads whatever its ops; an op tfjs lacks fails only when it runs.
    const op = /Unknown op '([^']+)'/.exec(text)?.[1];
    const detail = op
      ? `The graph uses the operation "${op}", which TensorFlow.js cannot run. Re-convert the model with ops TensorFlow.js supports, or register the op in code.`
      : `The model fails on an input of shape ${shapeText}: ${text}. Check the input shape in the spec.`;
    checks.push({ id: 'forward', label: 'Forward pass on a zero input', verdict: 'fail', detail });
    return { checks, gradients: false, usable: false };
  }
  const values = (await output.data()) as Float32Array;
  const outShape = output.shape;
  output.dispose();
  const finite = values.every(Number.isFinite);
  checks.push({
    id: 'forward',
    label: 'Forward pass on a zero input',
    verdict: finite ? 'pass' : 'fail',
    detail: finite
      ? `Input ${shapeText} gives an output of shape [${outShape.join(', ')}].`
      : `The output holds NaN or infinite values (shape [${outShape.join(', ')}]).`,
  });
  const k = spec.classes.length;
  const shapeOk = outShape.length === 2 && outShape[0] === 1 && outShape[1] === k;
  checks.push({
    id: 'output-shape',
    label: 'One output score per class name',
    verdict: shapeOk ? 'pass' : 'fail',
    detail: shapeOk
      ? `${k} scores, ${k} class names.`
      : outShape.length !== 2
        ? `The output has shape [${outShape.join(', ')}]; a classifier must output [batch, classes].`
        : `The model outputs ${outShape[1]} scores but the spec names ${k} classes. Give exactly ${outShape[1]} class names.`,
  });
  if (!finite || !shapeOk) return { checks, gradients: false, usable: false };

  let probe: tf.Tensor;
  const rows = probeRowsFor(spec);
  try {
    probe = tf.tidy(() => model.forward(inputFor(spec, rows, 'random')));
  } catch (error) {
    // One row passed; several do not: the model was exported with a fixed batch size.
    checks.push({
      id: 'forward',
      label: `Forward pass on a batch of ${rows}`,
      verdict: 'fail',
      detail: `The model runs on one input but fails on ${rows} (${firstLine(error as Error)}). Export it with a free batch dimension (None / -1), so attacks can run in batches.`,
    });
    return { checks, gradients: false, usable: false };
  }
  const probeValues = (await probe.data()) as Float32Array;
  probe.dispose();
  const probabilities = looksLikeProbabilities(probeValues, k);
  if (spec.output === 'probabilities') {
    checks.push({
      id: 'probabilities',
      label: 'Output kind',
      verdict: probabilities ? 'pass' : 'fail',
      detail: probabilities
        ? 'Each row is a probability distribution, as the spec says.'
        : 'The spec says probabilities, but the rows do not sum to 1 in [0, 1]: set the output to logits.',
    });
    if (!probabilities) return { checks, gradients: false, usable: false };
  } else {
    checks.push({
      id: 'probabilities',
      label: 'Output kind',
      verdict: probabilities ? 'warn' : 'pass',
      detail: probabilities
        ? 'The spec says logits, but every row sums to 1 like probabilities: set the output to probabilities, or the attacks will treat them as logits (weaker gradients, wrong confidences).'
        : 'Logits (softmax is applied by the playground).',
    });
  }

  const gradients = await gradientCheck(model, spec);
  checks.push(gradients.check);
  return { checks, gradients: gradients.ok, usable: true };
}

async function gradientCheck(model: LoadedModel, spec: ModelSpec): Promise<{ ok: boolean; check: ReportCheck }> {
  const label = spec.task === 'image' ? 'Gradients with respect to the input' : 'Gradients through the word embeddings';
  const fail = (why: string) => ({
    ok: false,
    check: { id: 'gradients' as const, label, verdict: 'warn' as const, detail: `${why} Only black-box attacks and extraction are offered for this model.` },
  });
  if (spec.task === 'text') {
    if (model.layers?.layers[0]?.getClassName() !== 'Embedding')
      return fail('The model does not start with an Embedding layer, so there are no word embeddings to differentiate.');
    return {
      ok: true,
      check: { id: 'gradients', label, verdict: 'pass', detail: 'The first layer is an Embedding: the white-box (gradient) word ranking is available.' },
    };
  }
  try {
    const classifier = imageClassifier(model, spec);
    const grad = tf.tidy(() => {
      const x = inputFor({ ...spec, valueRange: [0, 1] }, 2, 'random') as tf.Tensor4D;
      return tf.grad((input: tf.Tensor) =>
        classifier
          .logits(input as tf.Tensor4D)
          .max(1)
          .sum(),
      )(x);
    });
    const g = (await grad.data()) as Float32Array;
    grad.dispose();
    const finite = g.every(Number.isFinite);
    const nonZero = g.some((v) => v !== 0);
    if (!finite) return fail('The input gradient holds NaN or infinite values.');
    if (!nonZero) return fail('The input gradient is zero everywhere (the model may quantize or threshold its input).');
    return {
      ok: true,
      check: { id: 'gradients', label, verdict: 'pass', detail: 'The input gradient is finite and non-zero: white-box attacks are available.' },
    };
  } catch (error) {
    return fail(`TensorFlow.js cannot differentiate this model (${firstLine(error as Error)}).`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The attacks' views of the model

/** A model card for a user's model, so the attacks, sweeps and extraction code read it like a bundled one. */
export function userCard(model: LoadedModel, spec: ImageModelSpec): ModelCard {
  return {
    id: `user:${spec.name}`,
    name: spec.name,
    task: 'image-classification',
    description: 'A model loaded by the user.',
    architecture: { summary: model.format, layers: [] },
    parameters: model.parameters,
    // The classifier takes [0, 1] pixels and maps them onto the model's own range itself.
    input: {
      shape: [...spec.inputShape],
      range: [0, 1],
      description: `Images ${spec.inputShape.join('x')}, pixels in [0, 1] mapped to [${spec.valueRange.join(', ')}] (${spec.channelOrder}).`,
    },
    output: 'logits',
    classes: spec.classes,
    training: {
      data: 'unknown',
      splitSeed: 0,
      trainSize: 0,
      testSize: 0,
      epochs: 0,
      batchSize: 0,
      optimizer: '',
      augmentation: '',
      learningRate: 0,
      schedule: '',
      seed: 0,
      backend: '',
      seconds: 0,
      command: '',
    },
    metrics: { trainAccuracy: NaN, testAccuracy: NaN, testCorrect: 0 },
    weights: { files: [] },
    created: '',
  };
}

/**
 * The attacks' view of an image model: [0, 1] pixels in, logits out. The value-range map, the channel reversal for
 * BGR models and the log of probability outputs are inside `logits`, so gradients pass through them.
 */
export function imageClassifier(model: LoadedModel, spec: ImageModelSpec): Classifier {
  const [lo, hi] = spec.valueRange;
  const logits = (x: tf.Tensor4D) =>
    tf.tidy(() => {
      let input: tf.Tensor4D = lo === 0 && hi === 1 ? x : (x.mul(hi - lo).add(lo) as tf.Tensor4D);
      if (spec.channelOrder === 'bgr') input = tf.reverse(input, -1);
      const out = model.forward(input) as tf.Tensor2D;
      return spec.output === 'logits' ? out : tf.log(tf.clipByValue(out, 1e-12, 1));
    });
  return {
    card: userCard(model, spec),
    inputShape: [...spec.inputShape],
    numClasses: spec.classes.length,
    logits,
    probabilities: (x) => tf.tidy(() => tf.softmax(logits(x))),
    dispose: () => model.dispose(),
  };
}

/** The text attacks' view: strings in, probabilities out, with the white-box word gain when the model has an Embedding. */
export function textModelOf(
  model: LoadedModel,
  spec: TextModelSpec,
): TextModel | Pick<TextModel, 'probabilities' | 'classes' | 'maxLength' | 'vocabulary' | 'dispose'> {
  if (model.layers && model.layers.layers[0]?.getClassName() === 'Embedding') {
    return textModelFromLayersModel(model.layers, { vocabulary: spec.tokenizer.vocabulary, classes: spec.classes, output: spec.output });
  }
  const vocabulary = spec.tokenizer.vocabulary;
  return {
    vocabulary,
    maxLength: spec.maxLength,
    classes: spec.classes,
    async probabilities(texts) {
      const rows: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += 64) {
        const chunk = texts.slice(start, start + 64);
        const flat = new Int32Array(chunk.length * spec.maxLength);
        chunk.forEach((t, i) => flat.set(encodeText(t, vocabulary, spec.maxLength), i * spec.maxLength));
        const p = tf.tidy(() => {
          const out = model.forward(tf.tensor2d(flat, [chunk.length, spec.maxLength], 'int32')) as tf.Tensor2D;
          return spec.output === 'logits' ? tf.softmax(out) : out;
        });
        const values = await p.data();
        p.dispose();
        const k = spec.classes.length;
        for (let i = 0; i < chunk.length; i++) rows.push(Float32Array.from(values.subarray(i * k, (i + 1) * k)));
      }
      return rows;
    },
    dispose: () => model.dispose(),
  };
}

/** The model part of a report. */
export function reportModel(model: LoadedModel, spec: ModelSpec): ReportModel {
  return {
    name: spec.name,
    format: model.format,
    task: spec.task,
    inputShape: spec.task === 'image' ? [...spec.inputShape] : [spec.maxLength],
    ...(spec.task === 'image' ? { valueRange: [...spec.valueRange] as [number, number], channelOrder: spec.channelOrder } : {}),
    classes: [...spec.classes],
    output: spec.output as OutputKind,
    parameters: model.parameters,
    weightBytes: model.weightBytes,
    weightsSha256: model.weightsSha256,
  };
}
