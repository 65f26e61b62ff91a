/**
 * An independent float64 reference of the bundled mnist-cnn, for tests: its forward pass, the exact gradient of the
 * cross-entropy with respect to the input, and FGSM, written with plain loops over Float64Arrays. It imports nothing
 * from TensorFlow.js or from the project's core: it reads model.json and weights.bin itself, so a wrong tfjs kernel,
 * a float32 rounding or a dead zone in the project's code shows up as a disagreement with it.
 *
 * The architecture it implements (and checks model.json against): conv 3x3x16 valid + ReLU, max-pool 2x2/2,
 * conv 3x3x32 valid + ReLU, max-pool 2x2/2, flatten (channels last), dense 128 + ReLU, dense 10 (logits).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Conv {
  /** [kh, kw, in, out], row-major as Keras stores it. */
  kernel: Float64Array;
  bias: Float64Array;
  size: number;
  channelsIn: number;
  channelsOut: number;
}

interface Dense {
  /** [in, out], row-major. */
  kernel: Float64Array;
  bias: Float64Array;
  unitsIn: number;
  unitsOut: number;
}

export interface Float64Cnn {
  conv1: Conv;
  conv2: Conv;
  dense1: Dense;
  logits: Dense;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
}

/** Reads the committed layers model (one shard, float32 weights in manifest order) into float64 arrays. */
export function readFloat64Cnn(modelDir: string): Float64Cnn {
  const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
    modelTopology: {
      config?: { layers: { class_name: string; config: Record<string, unknown> }[] };
      model_config?: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    };
    weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
  };
  const layers = (json.modelTopology.model_config?.config ?? json.modelTopology.config)!.layers;
  const kinds = layers.map((l) => `${l.class_name}:${String(l.config.activation ?? l.config.padding ?? '')}`);
  const expected = ['Conv2D:relu', 'MaxPooling2D:valid', 'Conv2D:relu', 'MaxPooling2D:valid', 'Flatten:', 'Dense:relu', 'Dense:linear'];
  if (kinds.join() !== expected.join()) throw new Error(`The reference implements ${expected.join(' ')}; model.json has ${kinds.join(' ')}.`);
  for (const l of layers.filter((l) => l.class_name === 'Conv2D')) {
    if (l.config.padding !== 'valid' || String(l.config.strides) !== '1,1') throw new Error('The reference implements valid, stride-1 convolutions only.');
  }

  const [group] = json.weightsManifest;
  const bytes = readFileSync(join(modelDir, group.paths[0]));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensors = new Map<string, { shape: number[]; values: Float64Array }>();
  let offset = 0;
  for (const entry of group.weights) {
    if (entry.dtype !== 'float32') throw new Error(`The reference reads float32 weights; ${entry.name} is ${entry.dtype}.`);
    const size = entry.shape.reduce((a, b) => a * b, 1);
    tensors.set(entry.name.split('/')[0] + '/' + entry.name.split('/').pop(), {
      shape: entry.shape,
      values: Float64Array.from(all.subarray(offset, offset + size)),
    });
    offset += size;
  }
  if (offset !== all.length) throw new Error(`weights.bin holds ${all.length} floats; the manifest names ${offset}.`);
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`No weight ${name} in model.json.`);
    return t;
  };
  const conv = (name: string): Conv => {
    const k = get(`${name}/kernel`);
    return { kernel: k.values, bias: get(`${name}/bias`).values, size: k.shape[0], channelsIn: k.shape[2], channelsOut: k.shape[3] };
  };
  const dense = (name: string): Dense => {
    const k = get(`${name}/kernel`);
    return { kernel: k.values, bias: get(`${name}/bias`).values, unitsIn: k.shape[0], unitsOut: k.shape[1] };
  };
  return { conv1: conv('conv1'), conv2: conv('conv2'), dense1: dense('dense1'), logits: dense('logits') };
}

/** A [h, w, c] activation, row-major with channels last. */
interface Map3 {
  h: number;
  w: number;
  c: number;
  v: Float64Array;
}

function convValidRelu(input: Map3, layer: Conv): { pre: Map3; out: Map3 } {
  const { size: k, channelsOut: f } = layer;
  const h = input.h - k + 1;
  const w = input.w - k + 1;
  const pre = new Float64Array(h * w * f);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      for (let o = 0; o < f; o++) {
        let sum = layer.bias[o];
        for (let di = 0; di < k; di++) {
          for (let dj = 0; dj < k; dj++) {
            for (let c = 0; c < input.c; c++) {
              sum += input.v[((i + di) * input.w + j + dj) * input.c + c] * layer.kernel[((di * k + dj) * input.c + c) * f + o];
            }
          }
        }
        pre[(i * w + j) * f + o] = sum;
      }
    }
  }
  return { pre: { h, w, c: f, v: pre }, out: { h, w, c: f, v: pre.map((s) => (s > 0 ? s : 0)) } };
}

/** Input gradient of a valid stride-1 convolution, given the gradient at its pre-activation output. */
function convValidBackward(gradPre: Map3, layer: Conv, inputShape: { h: number; w: number; c: number }): Map3 {
  const { size: k, channelsOut: f } = layer;
  const grad = new Float64Array(inputShape.h * inputShape.w * inputShape.c);
  for (let i = 0; i < gradPre.h; i++) {
    for (let j = 0; j < gradPre.w; j++) {
      for (let o = 0; o < f; o++) {
        const g = gradPre.v[(i * gradPre.w + j) * f + o];
        if (g === 0) continue;
        for (let di = 0; di < k; di++) {
          for (let dj = 0; dj < k; dj++) {
            for (let c = 0; c < inputShape.c; c++) {
              grad[((i + di) * inputShape.w + j + dj) * inputShape.c + c] += g * layer.kernel[((di * k + dj) * inputShape.c + c) * f + o];
            }
          }
        }
      }
    }
  }
  return { ...inputShape, v: grad };
}

/** 2x2 max-pool, stride 2, valid; remembers which input each output came from (the first maximum in the window). */
function maxPool2(input: Map3): { out: Map3; from: Int32Array } {
  const h = Math.floor(input.h / 2);
  const w = Math.floor(input.w / 2);
  const out = new Float64Array(h * w * input.c);
  const from = new Int32Array(h * w * input.c);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      for (let c = 0; c < input.c; c++) {
        let best = -Infinity;
        let at = -1;
        for (let di = 0; di < 2; di++) {
          for (let dj = 0; dj < 2; dj++) {
            const index = ((2 * i + di) * input.w + 2 * j + dj) * input.c + c;
            if (input.v[index] > best) {
              best = input.v[index];
              at = index;
            }
          }
        }
        out[(i * w + j) * input.c + c] = best;
        from[(i * w + j) * input.c + c] = at;
      }
    }
  }
  return { out: { h, w, c: input.c, v: out }, from };
}

function denseForward(input: Float64Array, layer: Dense): Float64Array {
  const out = Float64Array.from(layer.bias);
  for (let i = 0; i < layer.unitsIn; i++) {
    const x = input[i];
    if (x === 0) continue;
    for (let o = 0; o < layer.unitsOut; o++) out[o] += x * layer.kernel[i * layer.unitsOut + o];
  }
  return out;
}

function denseBackward(gradOut: Float64Array, layer: Dense): Float64Array {
  const grad = new Float64Array(layer.unitsIn);
  for (let i = 0; i < layer.unitsIn; i++) {
    let sum = 0;
    for (let o = 0; o < layer.unitsOut; o++) sum += gradOut[o] * layer.kernel[i * layer.unitsOut + o];
    grad[i] = sum;
  }
  return grad;
}

interface Trace {
  conv1: { pre: Map3; out: Map3 };
  pool1: { out: Map3; from: Int32Array };
  conv2: { pre: Map3; out: Map3 };
  pool2: { out: Map3; from: Int32Array };
  hiddenPre: Float64Array;
  logits: Float64Array;
}

function forwardTrace(model: Float64Cnn, pixels: ArrayLike<number>): Trace {
  const input: Map3 = { h: 28, w: 28, c: 1, v: Float64Array.from(pixels) };
  const conv1 = convValidRelu(input, model.conv1);
  const pool1 = maxPool2(conv1.out);
  const conv2 = convValidRelu(pool1.out, model.conv2);
  const pool2 = maxPool2(conv2.out);
  const hiddenPre = denseForward(pool2.out.v, model.dense1);
  const logits = denseForward(
    hiddenPre.map((s) => (s > 0 ? s : 0)),
    model.logits,
  );
  return { conv1, pool1, conv2, pool2, hiddenPre, logits };
}

/** The logits of one 28x28 image (pixels in [0, 1], row-major). */
export function referenceLogits(model: Float64Cnn, pixels: ArrayLike<number>): Float64Array {
  return forwardTrace(model, pixels).logits;
}

/**
 * The exact gradient of the cross-entropy with respect to the logits: p_j for j != y and -(1 - p_y) at y, with
 * 1 - p_y summed as Σ_{j≠y} p_j (exact; 1 - p_y itself rounds to 0 even in float64 once p_y > 1 - 1.1e-16).
 */
export function crossEntropyLogitGradient(logits: Float64Array, label: number): Float64Array {
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  const e = logits.map((z) => Math.exp(z - max));
  const total = e.reduce((a, b) => a + b, 0);
  const g = e.map((v) => v / total);
  let others = 0;
  for (let j = 0; j < g.length; j++) if (j !== label) others += g[j];
  g[label] = -others;
  return g;
}

function backward(model: Float64Cnn, trace: Trace, gradLogits: Float64Array): Float64Array {
  const gradHidden = denseBackward(gradLogits, model.logits).map((g, i) => (trace.hiddenPre[i] > 0 ? g : 0));
  const gradPool2 = denseBackward(gradHidden, model.dense1);
  const unpool = (grad: Float64Array, pool: { from: Int32Array }, conv: { pre: Map3 }): Map3 => {
    const out = new Float64Array(conv.pre.v.length);
    for (let k = 0; k < grad.length; k++) out[pool.from[k]] += grad[k];
    // ReLU: the gradient passes where the pre-activation was positive.
    for (let k = 0; k < out.length; k++) if (!(conv.pre.v[k] > 0)) out[k] = 0;
    return { ...conv.pre, v: out };
  };
  const gradConv2Pre = unpool(gradPool2, trace.pool2, trace.conv2);
  const gradPool1 = convValidBackward(gradConv2Pre, model.conv2, trace.pool1.out);
  const gradConv1Pre = unpool(gradPool1.v, trace.pool1, trace.conv1);
  return convValidBackward(gradConv1Pre, model.conv1, { h: 28, w: 28, c: 1 }).v;
}

/** The logits and the exact gradient of the cross-entropy on `label` with respect to the 784 input pixels. */
export function referenceLossGradient(model: Float64Cnn, pixels: ArrayLike<number>, label: number): { logits: Float64Array; gradient: Float64Array } {
  const trace = forwardTrace(model, pixels);
  return { logits: trace.logits, gradient: backward(model, trace, crossEntropyLogitGradient(trace.logits, label)) };
}

const argMax = (v: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
};

/** FGSM (Goodfellow et al., 2015) in float64: x' = clip(x + eps * sign(∇x loss), 0, 1), and the label it gets. */
export function referenceFgsm(
  model: Float64Cnn,
  pixels: ArrayLike<number>,
  label: number,
  eps: number,
): { adversarial: Float64Array; predicted: number; gradient: Float64Array } {
  const { gradient } = referenceLossGradient(model, pixels, label);
  const adversarial = Float64Array.from(pixels, (x, i) => Math.min(1, Math.max(0, x + eps * Math.sign(gradient[i]))));
  return { adversarial, predicted: argMax(referenceLogits(model, adversarial)), gradient };
}

export const referenceLabel = (model: Float64Cnn, pixels: ArrayLike<number>) => argMax(referenceLogits(model, pixels));
