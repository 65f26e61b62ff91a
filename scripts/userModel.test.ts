import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesToTensor } from '../src/core/data/tensors';
import { sliceSplit } from '../src/core/data/mnist';
import { checkSpec, indexClassNames, ModelLoadError, parseVocabularyFile, type ImageModelSpec } from '../src/core/audit/spec';
import { checkModel, imageClassifier, inferSpec, loadUserModel, parseModelJson, type LoadedModel } from '../src/core/audit/userModel';
import { writeHugeInputModel } from './hostileFixtures';
import { loadMnistFromDisk, loadModelFromDisk, sha256Hex, toArrayBuffer, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';

/** A bundled model's files as a user would hand them over: model.json text and the shards by file name. */
function userFiles(id: string) {
  const dir = join(MODELS_DIR, id);
  const text = readFileSync(join(dir, 'model.json'), 'utf8');
  const shards = new Map([['weights.bin', toArrayBuffer(readFileSync(join(dir, 'weights.bin')))]]);
  return { text, shards };
}

async function loadAsUser(id: string, edit?: (json: any) => void, shards = userFiles(id).shards, maxBytes?: number) {
  const json = JSON.parse(userFiles(id).text);
  edit?.(json);
  return loadUserModel(parseModelJson(JSON.stringify(json)), shards, maxBytes);
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    (value as LoadedModel | undefined)?.dispose?.();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelLoadError);
    return (error as Error).message;
  }
  throw new Error('expected the load to fail');
}

describe('loading a user model', () => {
  beforeAll(async () => {
    await useNodeWasm();
  });

  describe("mnist-cnn loaded as if it were the user's", () => {
    let user: LoadedModel;
    let spec: ImageModelSpec;
    beforeAll(async () => {
      user = await loadAsUser('mnist-cnn');
      spec = (await inferSpec(user, 'my-cnn')) as ImageModelSpec;
    });
    afterAll(() => user?.dispose());

    it('is read as a layers model with the shape, size and hash of the bundled one', () => {
      expect(user.format).toBe('layers-model');
      expect(user.inputShape).toEqual([28, 28, 1]);
      expect(user.outputSize).toBe(10);
      const card = JSON.parse(readFileSync(join(MODELS_DIR, 'mnist-cnn', 'card.json'), 'utf8'));
      expect(user.parameters).toBe(card.parameters);
      expect(user.weightsSha256).toBe(sha256Hex(new Uint8Array(readFileSync(join(MODELS_DIR, 'mnist-cnn', 'weights.bin')))));
    });

    it('gets a spec filled in from the model: image 28x28x1, ten classes, logits', () => {
      expect(spec).toMatchObject({ task: 'image', inputShape: [28, 28, 1], channelOrder: 'grayscale', output: 'logits', valueRange: [0, 1] });
      expect(spec.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(checkSpec(spec)).toEqual([]);
    });

    it('gives the same logits as the bundled path on 200 test digits', async () => {
      const { model } = await loadModelFromDisk('mnist-cnn');
      const x = imagesToTensor(sliceSplit(loadMnistFromDisk('test'), 0, 200));
      const classifier = imageClassifier(user, spec);
      const [a, b] = tf.tidy(() => [classifier.logits(x), model.predict(x) as tf.Tensor]);
      const diff = tf.tidy(() => a.sub(b).abs().max());
      expect((await diff.data())[0]).toBe(0);
      tf.dispose([a, b, diff, x]);
      model.dispose();
    });

    it('passes every check, gradients included, and leaks no tensor', async () => {
      const before = tf.memory().numTensors;
      const { checks, gradients, usable } = await checkModel(user, spec);
      expect(tf.memory().numTensors).toBe(before);
      expect(usable).toBe(true);
      expect(gradients).toBe(true);
      expect(checks.map((c) => [c.id, c.verdict])).toEqual([
        ['forward', 'pass'],
        ['output-shape', 'pass'],
        ['probabilities', 'pass'],
        ['gradients', 'pass'],
      ]);
    });

    it('fails the output check when the class names do not match the output, and says how many it needs', async () => {
      const { checks, usable } = await checkModel(user, { ...spec, classes: ['cat', 'dog', 'bird'] });
      expect(usable).toBe(false);
      expect(checks.find((c) => c.id === 'output-shape')).toMatchObject({ verdict: 'fail' });
      expect(checks.find((c) => c.id === 'output-shape')!.detail).toMatch(/outputs 10 scores but the spec names 3 classes.*exactly 10/);
    });

    it('fails the forward pass on a wrong input shape, naming the shape tried', async () => {
      const before = tf.memory().numTensors;
      const { checks, usable } = await checkModel(user, { ...spec, inputShape: [32, 32, 3], channelOrder: 'rgb' });
      expect(tf.memory().numTensors).toBe(before);
      expect(usable).toBe(false);
      expect(checks[0]).toMatchObject({ id: 'forward', verdict: 'fail' });
      expect(checks[0].detail).toMatch(/\[1, 32, 32, 3\].*Check the input shape/);
    });

    it('refuses "probabilities" for a model that outputs logits', async () => {
      const { checks, usable } = await checkModel(user, { ...spec, output: 'probabilities' });
      expect(usable).toBe(false);
      expect(checks.find((c) => c.id === 'probabilities')!.detail).toMatch(/set the output to logits/);
    });
  });

  it("maps [0, 1] pixels onto the model's own value range and channel order, inside the gradient", async () => {
    // A linear model over 2x1x3 inputs whose output reads each raw input value.
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [2, 1, 3] }), tf.layers.dense({ units: 6, useBias: false, kernelInitializer: 'identity' })],
    });
    const loaded: LoadedModel = {
      format: 'layers-model',
      inputShape: [2, 1, 3],
      inputDtype: 'float32',
      outputSize: 6,
      parameters: 36,
      weightBytes: 144,
      weightsSha256: '',
      forward: (x) => model.apply(x) as tf.Tensor,
      dispose: () => model.dispose(),
    };
    const spec: ImageModelSpec = {
      task: 'image',
      name: 't',
      inputShape: [2, 1, 3],
      valueRange: [-1, 1],
      channelOrder: 'bgr',
      classes: ['a', 'b', 'c', 'd', 'e', 'f'],
      output: 'logits',
    };
    const classifier = imageClassifier(loaded, spec);
    const x = tf.tensor4d([0, 0.25, 1, 0.5, 0.75, 0], [1, 2, 1, 3]);
    const out = tf.tidy(() => classifier.logits(x));
    // Range: v -> 2v - 1; BGR: the three channels of each pixel reversed.
    expect(Array.from(await out.data())).toEqual([1, -0.5, -1, -1, 0.5, 0]);
    const grad = tf.tidy(() =>
      tf.grad((input: tf.Tensor) =>
        classifier
          .logits(input as tf.Tensor4D)
          .slice([0, 0], [1, 1])
          .sum(),
      )(x),
    );
    // d out0 / d x: out0 = 2 * x[channel 2] - 1, so the gradient is 2 there and 0 elsewhere.
    expect(Array.from(await grad.data())).toEqual([0, 0, 2, 0, 0, 0]);
    tf.dispose([x, out, grad]);
    classifier.dispose();
  });

  it('reads spam-bow as a text model and fills in its input length', async () => {
    const user = await loadAsUser('spam-bow');
    const spec = await inferSpec(user, 'spam');
    expect(spec).toMatchObject({ task: 'text', maxLength: 300, classes: ['0', '1'] });
    const vocabulary = parseVocabularyFile(readFileSync(join(MODELS_DIR, 'spam-bow', 'vocabulary.json'), 'utf8'));
    expect(vocabulary.words.length).toBe(20_000);
    const { checks, gradients, usable } = await checkModel(user, { ...spec, tokenizer: { kind: 'words-v1', vocabulary } } as never);
    expect(usable).toBe(true);
    expect(gradients).toBe(true);
    expect(checks.every((c) => c.verdict === 'pass')).toBe(true);
    user.dispose();
  });

  it("fails the checks, saying why, for a vocabulary larger than the model's Embedding (another model's)", async () => {
    const user = await loadAsUser('spam-bow');
    const spec = await inferSpec(user, 'spam');
    const words = Array.from({ length: 30_000 }, (_, i) => `word${i}`);
    const before = tf.memory().numTensors;
    const { checks, usable } = await checkModel(user, {
      ...spec,
      tokenizer: { kind: 'words-v1', vocabulary: { version: 1, words, counts: words.map(() => 0) } },
    } as never);
    expect(tf.memory().numTensors).toBe(before);
    expect(usable).toBe(false);
    expect(checks).toEqual([
      expect.objectContaining({
        id: 'forward',
        verdict: 'fail',
        detail: expect.stringMatching(
          /vocabulary has 30000 words, so word ids go up to 30001, but the model's Embedding takes ids 0 to 20001 .*Choose the model's own vocabulary file/,
        ),
      }),
    ]);
    user.dispose();
  });

  describe('graph models (the hand-built fixtures of scripts/build-graph-fixtures.ts)', () => {
    const graphFiles = (name: string) => {
      const dir = join(PROJECT_ROOT, 'e2e', 'fixtures', name);
      return {
        json: parseModelJson(readFileSync(join(dir, 'model.json'), 'utf8')),
        shards: new Map([['weights.bin', toArrayBuffer(readFileSync(join(dir, 'weights.bin')))]]),
      };
    };

    it('loads mnist-mlp as a graph model: same predictions as the layers model, gradients flow', async () => {
      const { json, shards } = graphFiles('mnist-mlp-graph');
      expect(json.format).toBe('graph-model');
      const user = await loadUserModel(json, shards);
      const spec = (await inferSpec(user, 'graph')) as ImageModelSpec;
      expect(spec).toMatchObject({ task: 'image', inputShape: [28, 28, 1], output: 'logits' });
      expect(spec.classes).toHaveLength(10);
      const { checks, gradients, usable } = await checkModel(user, spec);
      expect([usable, gradients]).toEqual([true, true]);
      expect(checks.every((c) => c.verdict === 'pass')).toBe(true);
      const { model } = await loadModelFromDisk('mnist-mlp');
      const x = imagesToTensor(sliceSplit(loadMnistFromDisk('test'), 0, 100));
      const classifier = imageClassifier(user, spec);
      const diff = tf.tidy(() =>
        classifier
          .logits(x)
          .sub(model.predict(x) as tf.Tensor)
          .abs()
          .max(),
      );
      expect((await diff.data())[0]).toBeLessThan(1e-4);
      tf.dispose([diff, x]);
      model.dispose();
      classifier.dispose();
    });

    it('names the operation TensorFlow.js cannot run', async () => {
      const { json, shards } = graphFiles('unsupported-op-graph');
      const user = await loadUserModel(json, shards);
      const spec = (await inferSpec(user, 'bad')) as ImageModelSpec;
      const before = tf.memory().numTensors;
      const { checks, usable } = await checkModel(user, { ...spec, classes: spec.classes.length === 10 ? spec.classes : indexClassNames(10) });
      expect(tf.memory().numTensors).toBe(before);
      expect(usable).toBe(false);
      expect(checks[0]).toMatchObject({ id: 'forward', verdict: 'fail' });
      expect(checks[0].detail).toMatch(/operation "MyCustomOp", which TensorFlow.js cannot run\. Re-convert/);
      user.dispose();
    });
  });

  describe('bad files get a message that says what is wrong and what to do', () => {
    it('malformed model.json', () => {
      expect(() => parseModelJson('{"modelTopology": ', 'model.json')).toThrow(/model.json is not valid JSON.*Pick the model.json/);
      expect(() => parseModelJson('[1, 2]')).toThrow(/holds a list, not a TensorFlow.js model/);
      expect(() => parseModelJson('{"weightsManifest": []}')).toThrow(/no "modelTopology".*tensorflowjs_converter/);
      expect(() => parseModelJson('{"modelTopology": {"node": []}, "weightsManifest": {"paths": 1}}')).toThrow(/malformed "weightsManifest"/);
      expect(() => parseModelJson('{"modelTopology": {"x": 1}, "format": "onnx"}')).toThrow(/format is "onnx".*"layers-model" and "graph-model"/);
    });

    it('a weightsManifest entry that is not one names the entry and what it must be', () => {
      const base = JSON.parse(userFiles('mnist-cnn').text);
      const messageFor = (edit: (manifest: any) => void) => {
        const json = structuredClone(base);
        edit(json.weightsManifest);
        try {
          parseModelJson(JSON.stringify(json));
        } catch (error) {
          expect(error).toBeInstanceOf(ModelLoadError);
          return (error as Error).message;
        }
        throw new Error('expected parseModelJson to refuse the manifest');
      };
      expect(messageFor((m) => (m[0].weights[2] = null))).toMatch(
        /malformed "weightsManifest": weightsManifest\[0\]\.weights\[2\] must be an object, not null/,
      );
      expect(messageFor((m) => delete m[0].weights[1].shape)).toMatch(/weightsManifest\[0\]\.weights\[1\] has no "shape"/);
      expect(messageFor((m) => (m[0].weights[3].shape = [3, -1]))).toMatch(
        /weightsManifest\[0\]\.weights\[3\]\.shape\[1\] must be a whole number of at least 0, not -1/,
      );
      expect(messageFor((m) => (m[0].weights[0].shape = [1.5]))).toMatch(/weightsManifest\[0\]\.weights\[0\]\.shape\[0\] must be an integer, not number/);
      expect(messageFor((m) => (m[0].paths = [7]))).toMatch(/weightsManifest\[0\]\.paths\[0\] must be a string, not number/);
      expect(messageFor((m) => (m[0].paths = 'weights.bin'))).toMatch(/weightsManifest\[0\]\.paths must be an array, not "weights\.bin"/);
      expect(messageFor((m) => (m[0] = null))).toMatch(/weightsManifest\[0\] must be an object, not null/);
      expect(messageFor((m) => (m[0].weights[0].name = 5))).toMatch(/weightsManifest\[0\]\.weights\[0\]\.name must be a string/);
      // float16 stored as such is not something tfjs decodes: say so, rather than "a shard is truncated".
      expect(messageFor((m) => (m[0].weights[0].dtype = 'float16'))).toMatch(
        /weights\[0\]\.dtype is "float16"; the playground reads float32, int32, bool weights \(TensorFlow\.js does not read float16/,
      );
      expect(messageFor((m) => (m[0].weights[0].dtype = 'complex64'))).toMatch(
        /weights\[0\]\.dtype is "complex64"; the playground reads float32, int32, bool weights\./,
      );
      // A name with a bidi override is echoed escaped.
      expect(messageFor((m) => (m[0].weights[0].dtype = 'x\u202Ey'))).toContain('is "x\\u{202E}y"');
    });

    it('a model.json without a weightsManifest says so, and an empty one says the layers need weights', async () => {
      const json = JSON.parse(userFiles('mnist-cnn').text);
      delete json.weightsManifest;
      expect(() => parseModelJson(JSON.stringify(json))).toThrow(/has no "weightsManifest", so it names no weight files/);
      const message = await messageOf(loadAsUser('mnist-cnn', (j) => (j.weightsManifest = []), new Map()));
      expect(message).toMatch(/lists no weights \(its "weightsManifest" is empty\), but the model's layers have 8/);
    });

    it('a manifest declaring absurd shapes is refused as too large, not as a truncated shard', async () => {
      const message = await messageOf(loadAsUser('mnist-cnn', (json) => (json.weightsManifest[0].weights[0].shape = [1e6, 1e6, 1e6])));
      expect(message).toMatch(/model\.json describes an absurd amount of weights .* over the 256\.0 MB/);
      const big = await messageOf(loadAsUser('mnist-cnn', (json) => (json.weightsManifest[0].weights[0].shape = [1024, 1024, 100])));
      expect(big).toMatch(/model\.json describes 400\.\d MB of weights/);
      expect(big).not.toMatch(/truncated/);
    });

    it('a model declaring a 4096x4096x3 input: no probe tensor is made, the spec and the checks refuse it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'huge-input-'));
      try {
        await writeHugeInputModel(dir);
        const shards = new Map([['weights.bin', toArrayBuffer(readFileSync(join(dir, 'weights.bin')))]]);
        const user = await loadUserModel(parseModelJson(readFileSync(join(dir, 'model.json'), 'utf8')), shards);
        const before = tf.memory();
        // Before the bound, inferSpec alone made a probe batch of 8 x 4096 x 4096 x 3 numbers (1.6 GB).
        const spec = (await inferSpec(user, 'huge')) as ImageModelSpec;
        expect(spec.inputShape).toEqual([4096, 4096, 3]);
        const message = /input takes 4096 x 4096 x 3 = 50,331,648 numbers per example, over the 4,194,304 \(1024 x 1024 x 4\)/;
        expect(checkSpec(spec).join(' ')).toMatch(message);
        const { checks, usable } = await checkModel(user, spec);
        expect(usable).toBe(false);
        expect(checks).toEqual([expect.objectContaining({ id: 'forward', verdict: 'fail', detail: expect.stringMatching(message) })]);
        expect(tf.memory().numTensors).toBe(before.numTensors);
        expect(tf.memory().numBytes).toBe(before.numBytes);
        user.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a missing shard', async () => {
      expect(await messageOf(loadAsUser('mnist-cnn', undefined, new Map()))).toMatch(/missing: weights.bin\. Add it next to model.json/);
    });

    it('a truncated shard', async () => {
      const shards = userFiles('mnist-cnn').shards;
      shards.set('weights.bin', shards.get('weights.bin')!.slice(0, 1000));
      expect(await messageOf(loadAsUser('mnist-cnn', undefined, shards))).toMatch(/hold 1,000 bytes but model.json describes 434,472: a shard is truncated/);
    });

    it('weights of another model', async () => {
      expect(await messageOf(loadAsUser('mnist-cnn', undefined, userFiles('mnist-mlp').shards))).toMatch(/too long, or belongs to another model/);
    });

    it('weights that do not match the topology (same byte count, other shapes), and nothing left allocated', async () => {
      const before = tf.memory().numTensors;
      const message = await messageOf(
        loadAsUser('mnist-cnn', (json) => {
          const kernel = json.weightsManifest[0].weights.find((w: { shape: number[] }) => w.shape.join() === '3,3,1,16');
          kernel.shape = [3, 3, 16, 1];
        }),
      );
      expect(message).toMatch(/The weights do not match the model's layers .*belong to this model.json/);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('a layer TensorFlow.js does not know', async () => {
      const message = await messageOf(
        loadAsUser('mnist-cnn', (json) => {
          json.modelTopology.config.layers[2].class_name = 'FancyConv2D';
        }),
      );
      expect(message).toMatch(/layer TensorFlow.js does not know.*FancyConv2D.*registered/);
      // The name comes from the user's file: a bidi override in it is shown escaped, not applied.
      const bidi = await messageOf(
        loadAsUser('mnist-cnn', (json) => {
          json.modelTopology.config.layers[2].class_name = 'Fancy\u202EConv2D';
        }),
      );
      expect(bidi).toContain('Fancy\\u{202E}Conv2D');
      expect(bidi).not.toContain('\u202E');
    });

    it('a model over the size limit', async () => {
      expect(await messageOf(loadAsUser('mnist-cnn', undefined, undefined, 100_000))).toMatch(/The weights take 424\.3 KB, over the 97\.7 KB .*Quantize/);
    });

    it('a vocabulary that is not one', () => {
      expect(() => parseVocabularyFile('{"words": [1, 2]}', 'vocab.json')).toThrow(/vocab.json must be a list of words/);
      expect(() => parseVocabularyFile('   \n ', 'vocab.txt')).toThrow(/vocab.txt is empty/);
      expect(parseVocabularyFile('hello\nworld\n').words).toEqual(['hello', 'world']);
    });
  });
});
