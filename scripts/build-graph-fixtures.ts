/**
 * Writes tfjs graph models (the format tensorflowjs_converter produces, loaded by tf.loadGraphModel) built by hand
 * from the bundled layers model mnist-mlp, for tests of bringing your own model. There is no Python converter here,
 * so the GraphDef JSON is written the way tfjs-converter 4.22 parses it (operations/operation_mapper.js):
 *
 *   e2e/fixtures/mnist-mlp-graph/       Placeholder -> Reshape -> (MatMul, BiasAdd, Relu) x 3 -> Identity "logits"
 *   e2e/fixtures/unsupported-op-graph/  the same with one node of an op tfjs does not implement
 *
 *   npx tsx scripts/build-graph-fixtures.ts
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFromDisk, sha256Hex, useNodeWasm } from './node-tf';
import { PROJECT_ROOT } from './paths';
import { formatCount } from '../src/core/format';

export const GRAPH_FIXTURES_DIR = join(PROJECT_ROOT, 'e2e', 'fixtures');
export const MLP_GRAPH_FIXTURE = 'mnist-mlp-graph';
export const UNSUPPORTED_OP_FIXTURE = 'unsupported-op-graph';
export const UNSUPPORTED_OP = 'MyCustomOp';
/** Signature keys, equal to the node names, so `model.inputNodes` / `model.outputNodes` read the same with or without the signature. */
export const GRAPH_INPUT = 'x';
export const GRAPH_OUTPUT = 'logits';
export const WEIGHTS_FILE = 'weights.bin';

const SOURCE_MODEL = 'mnist-mlp';
const SCOPE = 'mnist_mlp';
const DENSE_LAYERS = [
  { layer: 'dense1', relu: true },
  { layer: 'dense2', relu: true },
  { layer: 'logits', relu: false },
];
const INPUT_SHAPE = [-1, 28, 28, 1];

/** One AttrValue of a NodeDef as protobuf's JSON mapping writes it: enums by name, int64 as strings, bytes in base64. */
interface AttrValue {
  type?: string;
  b?: boolean;
  s?: string;
  shape?: TensorShape;
  tensor?: { dtype: string; tensorShape: TensorShape };
}
interface TensorShape {
  dim: { size: string }[];
}
interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr: Record<string, AttrValue>;
}

export interface GraphModelJson {
  format: 'graph-model';
  generatedBy: string;
  convertedBy: string;
  signature: { inputs: Record<string, TensorInfo>; outputs: Record<string, TensorInfo> };
  modelTopology: { node: NodeDef[]; library: object; versions: { producer: number } };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}
interface TensorInfo {
  name: string;
  dtype: string;
  tensorShape: TensorShape;
}

const tensorShape = (shape: number[]): TensorShape => ({ dim: shape.map((size) => ({ size: String(size) })) });
const FLOAT: AttrValue = { type: 'DT_FLOAT' };
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A Const's value stays in the weights manifest under the node's name; the node only states dtype and shape. */
function constNode(name: string, dtype: 'DT_FLOAT' | 'DT_INT32', shape: number[]): NodeDef {
  return { name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: tensorShape(shape) } }, dtype: { type: dtype } } };
}

interface Weight {
  spec: tf.io.WeightsManifestEntry;
  bytes: Uint8Array;
}

const asBytes = (values: Float32Array | Int32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** The nodes and weights of the MLP; `customOpAfterFirstRelu` splices in one node of an op tfjs lacks. */
function buildGraph(model: tf.LayersModel, customOpAfterFirstRelu: boolean): { nodes: NodeDef[]; weights: Weight[] } {
  const nodes: NodeDef[] = [];
  const weights: Weight[] = [];
  const addConst = (name: string, tensor: tf.Tensor) => {
    const dtype = tensor.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    nodes.push(constNode(name, dtype, tensor.shape));
    weights.push({
      spec: { name, shape: tensor.shape, dtype: tensor.dtype as 'float32' | 'int32' },
      bytes: asBytes(tensor.dataSync() as Float32Array | Int32Array),
    });
  };

  nodes.push({ name: GRAPH_INPUT, op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: tensorShape(INPUT_SHAPE) } } });
  const flattenShape = `${SCOPE}/flatten/Const`;
  tf.tidy(() => addConst(flattenShape, tf.tensor1d([-1, 28 * 28], 'int32')));
  let previous = `${SCOPE}/flatten/Reshape`;
  nodes.push({ name: previous, op: 'Reshape', input: [GRAPH_INPUT, flattenShape], attr: { T: FLOAT, Tshape: { type: 'DT_INT32' } } });

  for (const { layer, relu } of DENSE_LAYERS) {
    const [kernel, bias] = model.getLayer(layer).getWeights();
    const prefix = `${SCOPE}/${layer}`;
    addConst(`${prefix}/kernel`, kernel);
    addConst(`${prefix}/bias`, bias);
    nodes.push({
      name: `${prefix}/MatMul`,
      op: 'MatMul',
      input: [previous, `${prefix}/kernel`],
      attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } },
    });
    nodes.push({
      name: `${prefix}/BiasAdd`,
      op: 'BiasAdd',
      input: [`${prefix}/MatMul`, `${prefix}/bias`],
      attr: { T: FLOAT, data_format: { s: base64('NHWC') } },
    });
    previous = `${prefix}/BiasAdd`;
    if (relu) {
      nodes.push({ name: `${prefix}/Relu`, op: 'Relu', input: [previous], attr: { T: FLOAT } });
      previous = `${prefix}/Relu`;
    }
    if (customOpAfterFirstRelu && layer === DENSE_LAYERS[0].layer) {
      nodes.push({ name: `${prefix}/${UNSUPPORTED_OP}`, op: UNSUPPORTED_OP, input: [previous], attr: { T: FLOAT } });
      previous = `${prefix}/${UNSUPPORTED_OP}`;
    }
  }
  nodes.push({ name: GRAPH_OUTPUT, op: 'Identity', input: [previous], attr: { T: FLOAT } });
  return { nodes, weights };
}

/** The exact bytes of model.json and weights.bin for one fixture: compact JSON with a final newline. */
export function renderGraphModel(model: tf.LayersModel, customOp: boolean): { modelJson: GraphModelJson; text: string; weights: Uint8Array } {
  const { nodes, weights } = buildGraph(model, customOp);
  const modelJson: GraphModelJson = {
    format: 'graph-model',
    generatedBy: `models/${SOURCE_MODEL} (TensorFlow.js tfjs-layers v${tf.version.tfjs})`,
    convertedBy: 'scripts/build-graph-fixtures.ts (hand-written GraphDef, no tensorflowjs_converter)',
    signature: {
      inputs: { [GRAPH_INPUT]: { name: `${GRAPH_INPUT}:0`, dtype: 'DT_FLOAT', tensorShape: tensorShape(INPUT_SHAPE) } },
      outputs: { [GRAPH_OUTPUT]: { name: `${GRAPH_OUTPUT}:0`, dtype: 'DT_FLOAT', tensorShape: tensorShape([-1, 10]) } },
    },
    // 1286 is the GraphDef producer version of TF 2.12; tfjs reads it only to report model.version.
    modelTopology: { node: nodes, library: {}, versions: { producer: 1286 } },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weights.map((w) => w.spec) }],
  };
  const bytes = new Uint8Array(weights.reduce((n, w) => n + w.bytes.byteLength, 0));
  let offset = 0;
  for (const w of weights) {
    bytes.set(w.bytes, offset);
    offset += w.bytes.byteLength;
  }
  return { modelJson, text: JSON.stringify(modelJson) + '\n', weights: bytes };
}

/** Renders both fixtures from the bundled mnist-mlp; the caller owns nothing (the model is disposed here). */
export async function renderGraphFixtures(): Promise<Map<string, { text: string; weights: Uint8Array; nodes: number }>> {
  const { model } = await loadModelFromDisk(SOURCE_MODEL);
  try {
    const fixtures = new Map<string, { text: string; weights: Uint8Array; nodes: number }>();
    for (const [dir, customOp] of [
      [MLP_GRAPH_FIXTURE, false],
      [UNSUPPORTED_OP_FIXTURE, true],
    ] as const) {
      const { modelJson, text, weights } = renderGraphModel(model, customOp);
      fixtures.set(dir, { text, weights, nodes: modelJson.modelTopology.node.length });
    }
    return fixtures;
  } finally {
    model.dispose();
  }
}

// Run only when executed (tsx scripts/build-graph-fixtures.ts), not when a test imports this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await useNodeWasm();
  for (const [name, { text, weights, nodes }] of await renderGraphFixtures()) {
    const dir = join(GRAPH_FIXTURES_DIR, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), text);
    writeFileSync(join(dir, WEIGHTS_FILE), weights);
    const jsonBytes = Buffer.byteLength(text);
    console.log(
      `${relative(PROJECT_ROOT, dir)}/: model.json ${formatCount(jsonBytes)} B (${nodes} nodes), ` +
        `${WEIGHTS_FILE} ${formatCount(weights.length)} B sha256 ${sha256Hex(weights).slice(0, 16)}`,
    );
  }
}
