import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesToTensor } from '../src/core/data/tensors';
import { artifactsFromFiles, type LayersModelJson } from '../src/core/models/io';
import {
  GRAPH_FIXTURES_DIR,
  GRAPH_INPUT,
  GRAPH_OUTPUT,
  MLP_GRAPH_FIXTURE,
  UNSUPPORTED_OP,
  UNSUPPORTED_OP_FIXTURE,
  renderGraphFixtures,
} from './build-graph-fixtures';
import { loadMnistFromDisk, loadModelFromDisk, toArrayBuffer, useNodeWasm } from './node-tf';

const EXAMPLES = 200;
const TOLERANCE = 1e-4;

/** A fixture loaded the way a user's picked files are: model.json and its shards through artifactsFromFiles. */
async function loadGraphFixture(name: string): Promise<tf.GraphModel> {
  const dir = join(GRAPH_FIXTURES_DIR, name);
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as LayersModelJson;
  const shards = new Map<string, ArrayBuffer>();
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) shards.set(path, toArrayBuffer(readFileSync(join(dir, path))));
  }
  return tf.loadGraphModel(tf.io.fromMemory(artifactsFromFiles(modelJson, shards)));
}

const maxAbsDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

describe('hand-built graph model fixtures', () => {
  let layers: tf.LayersModel;
  let graph: tf.GraphModel;
  let images: tf.Tensor4D;

  beforeAll(async () => {
    await useNodeWasm();
    layers = (await loadModelFromDisk('mnist-mlp')).model;
    graph = await loadGraphFixture(MLP_GRAPH_FIXTURE);
    images = imagesToTensor(loadMnistFromDisk('test'), 0, EXAMPLES);
  });

  afterAll(() => {
    images?.dispose();
    graph?.dispose();
    layers?.dispose();
  });

  it('are byte for byte what the builder renders from models/mnist-mlp', async () => {
    for (const [name, { text, weights }] of await renderGraphFixtures()) {
      const dir = join(GRAPH_FIXTURES_DIR, name);
      expect(readFileSync(join(dir, 'model.json'), 'utf8') === text, `${name}/model.json is stale`).toBe(true);
      expect(Buffer.compare(readFileSync(join(dir, 'weights.bin')), weights), `${name}/weights.bin is stale`).toBe(0);
    }
  });

  it('reports the signature: input name, shape and dtype; output name (its shape only in the signature)', () => {
    expect(graph.inputNodes).toEqual([GRAPH_INPUT]);
    expect(graph.outputNodes).toEqual([GRAPH_OUTPUT]);
    expect(graph.inputs).toEqual([{ name: GRAPH_INPUT, shape: [-1, 28, 28, 1], dtype: 'float32' }]);
    // An Identity node carries no shape or dtype attrs, so tfjs cannot say what comes out; the signature can.
    expect(graph.outputs).toEqual([{ name: GRAPH_OUTPUT, shape: undefined, dtype: undefined }]);
    const signature = graph.modelSignature as { outputs: Record<string, { tensorShape: { dim: { size: string }[] } }> };
    expect(signature.outputs[GRAPH_OUTPUT].tensorShape.dim.map((d) => Number(d.size))).toEqual([-1, 10]);
  });

  it(`gives the layers model's logits on the first ${EXAMPLES} test digits, without leaking tensors`, () => {
    const before = tf.memory().numTensors;
    const fromGraph = graph.execute(images) as tf.Tensor2D;
    const fromPredict = graph.predict(images) as tf.Tensor2D;
    const fromLayers = layers.predict(images) as tf.Tensor2D;
    const difference = maxAbsDifference(fromGraph, fromLayers);
    const sameArgmax = tf.tidy(() => fromGraph.argMax(1).equal(fromLayers.argMax(1)).all().dataSync()[0]);
    console.log(`graph vs layers logits on ${EXAMPLES} digits: max |difference| ${difference.toExponential(2)}`);
    expect(fromGraph.shape).toEqual([EXAMPLES, 10]);
    expect(difference).toBeLessThan(TOLERANCE);
    expect(maxAbsDifference(fromPredict, fromGraph)).toBe(0);
    expect(sameArgmax).toBe(1);
    tf.dispose([fromGraph, fromPredict, fromLayers]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("differentiates through GraphModel.execute: the input gradient equals the layers model's", () => {
    const before = tf.memory().numTensors;
    const sumOfLogits = (run: (x: tf.Tensor) => tf.Tensor) => tf.grad((x: tf.Tensor) => run(x).sum());
    const graphGradient = sumOfLogits((x) => graph.execute(x) as tf.Tensor)(images);
    const layersGradient = sumOfLogits((x) => layers.predict(x) as tf.Tensor)(images);
    const difference = maxAbsDifference(graphGradient, layersGradient);
    const largest = tf.tidy(() => layersGradient.abs().max().dataSync()[0]);
    console.log(
      `input gradient of summed logits, graph vs layers: max |difference| ${difference.toExponential(2)}, ` + `max |gradient| ${largest.toExponential(2)}`,
    );
    expect(graphGradient.shape).toEqual(images.shape);
    expect(largest).toBeGreaterThan(0);
    expect(difference).toBeLessThan(TOLERANCE);
    tf.dispose([graphGradient, layersGradient]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads a graph with an op tfjs lacks, then fails on first execution with a message naming the op', async () => {
    const before = tf.memory().numTensors;
    const unsupported = await loadGraphFixture(UNSUPPORTED_OP_FIXTURE);
    const loaded = tf.memory().numTensors;
    let message = '';
    try {
      unsupported.execute(images);
    } catch (error) {
      message = (error as Error).message;
      console.log(`unsupported op error (${(error as Error).name}): ${message}`);
    }
    expect(message).toBe(
      `Unknown op '${UNSUPPORTED_OP}'. File an issue at https://github.com/tensorflow/tfjs/issues so we can add it, ` +
        'or register a custom execution with tf.registerOp()',
    );
    // A failed run must not strand the intermediate tensors it made before the bad node.
    expect(tf.memory().numTensors).toBe(loaded);
    unsupported.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
