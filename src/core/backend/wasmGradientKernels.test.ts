import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { backendSelfTest, useBackend } from './backends';
import { wasmConv2dBackpropFilterConfig, wasmConv2dBackpropInputConfig, wasmMaxPoolGradConfig } from './wasmGradientKernels';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  pad: Pad;
}

/** The input and filter gradients of sum(conv2d(x, w) * dy), computed on one backend. */
async function gradients(backend: 'cpu' | 'wasm', c: Case, x: Float32Array, w: Float32Array, dy: Float32Array, dyShape: number[]) {
  await tf.setBackend(backend);
  const [dx, dw] = tf.tidy(() => {
    const xs = tf.tensor4d(x, [c.batch, c.height, c.width, c.inChannels]);
    const ws = tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]);
    const upstream = tf.tensor(dy, dyShape);
    return tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
      tf
        .conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.strides, c.pad as 'same')
        .mul(upstream)
        .sum(),
    )([xs, ws]);
  });
  const values = { dx: await dx.data(), dw: await dw.data() };
  tf.dispose([dx, dw]);
  return values;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff;
}

function outputShape(c: Case): number[] {
  const probe = tf.tidy(() =>
    tf.conv2d(
      tf.zeros([c.batch, c.height, c.width, c.inChannels]) as tf.Tensor4D,
      tf.zeros([...c.kernel, c.inChannels, c.outChannels]) as tf.Tensor4D,
      c.strides,
      c.pad as 'same',
    ),
  );
  const shape = probe.shape;
  probe.dispose();
  return shape;
}

function randomCase(rng: ReturnType<typeof createRng>): Case {
  const kernel: [number, number] = [1 + rng.int(5), 1 + rng.int(5)];
  const height = kernel[0] + rng.int(10);
  const width = kernel[1] + rng.int(10);
  const strides: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
  // No numeric pads: for some of them tfjs 4.22 sizes the wasm forward Conv2D's output smaller than XNNPACK
  // writes it (13x1 input, 5x1 kernel, stride 3, pad 2: tfjs allocates 1 column, XNNPACK computes 2), which
  // corrupts the wasm heap before this kernel runs. 'same', 'valid' and explicit pads agree.
  const pads: Pad[] = [
    'same',
    'valid',
    [
      [0, 0],
      [rng.int(3), rng.int(3)],
      [rng.int(3), rng.int(3)],
      [0, 0],
    ],
  ];
  return {
    batch: 1 + rng.int(4),
    height,
    width,
    inChannels: 1 + rng.int(4),
    outChannels: 1 + rng.int(5),
    kernel,
    strides,
    pad: pads[rng.int(pads.length)],
  };
}

describe('convolution gradients on wasm (project kernels)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('match the cpu backend on random shapes, strides and paddings (max abs difference <= 1e-4)', async () => {
    const rng = createRng(1234);
    const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
    let stridedCases = 0;
    for (let trial = 0; trial < 120; trial++) {
      const c = randomCase(rng);
      if (c.strides[0] > 1 || c.strides[1] > 1) stridedCases++;
      await tf.setBackend('cpu');
      const dyShape = outputShape(c);
      const x = uniform(c.batch * c.height * c.width * c.inChannels);
      const w = uniform(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels);
      const dy = uniform(dyShape.reduce((a, b) => a * b, 1));
      const expected = await gradients('cpu', c, x, w, dy, dyShape);
      const actual = await gradients('wasm', c, x, w, dy, dyShape);
      expect(maxAbsDifference(actual.dw, expected.dw), `filter gradient, ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDifference(actual.dx, expected.dx), `input gradient, ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-4);
    }
    expect(stridedCases).toBeGreaterThan(30);
  });

  it("match the cpu backend at the bundled CNN's shapes", async () => {
    const rng = createRng(99);
    for (const c of [
      { batch: 8, height: 28, width: 28, inChannels: 1, outChannels: 16, kernel: [3, 3], strides: [1, 1], pad: 'valid' },
      { batch: 8, height: 13, width: 13, inChannels: 16, outChannels: 32, kernel: [3, 3], strides: [1, 1], pad: 'valid' },
      { batch: 4, height: 28, width: 28, inChannels: 1, outChannels: 8, kernel: [5, 5], strides: [2, 2], pad: 'same' },
    ] as Case[]) {
      await tf.setBackend('cpu');
      const dyShape = outputShape(c);
      const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
      const x = uniform(c.batch * c.height * c.width * c.inChannels);
      const w = uniform(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels);
      const dy = uniform(dyShape.reduce((a, b) => a * b, 1));
      const expected = await gradients('cpu', c, x, w, dy, dyShape);
      const actual = await gradients('wasm', c, x, w, dy, dyShape);
      expect(maxAbsDifference(actual.dw, expected.dw)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDifference(actual.dx, expected.dx)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('leak no tensors and no wasm memory', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomUniform([4, 9, 9, 2], -1, 1, 'float32', 7) as tf.Tensor4D;
    const w = tf.variable(tf.randomUniform([3, 3, 2, 3], -1, 1, 'float32', 8) as tf.Tensor4D);
    const step = () => {
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf
          .maxPool(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 2, 'same'), 2, 2, 'same')
          .square()
          .sum(),
      )([x, w]);
      tf.dispose([dx, dw]);
    };
    step();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    // The backend's own bookkeeping: no intermediate of the kernels is left registered.
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    tf.dispose([x, w]);
  });

  it('are the kernels the wasm backend runs', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(wasmConv2dBackpropFilterConfig.kernelFunc);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(wasmConv2dBackpropInputConfig.kernelFunc);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(wasmMaxPoolGradConfig.kernelFunc);
  });

  it('max-pool gradient matches the cpu backend, ties included, on random shapes, windows and strides', async () => {
    const rng = createRng(77);
    for (let trial = 0; trial < 80; trial++) {
      const size: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
      const strides: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
      const pad = rng.int(2) ? 'same' : 'valid';
      const shape: [number, number, number, number] = [1 + rng.int(3), size[0] + rng.int(8), size[1] + rng.int(8), 1 + rng.int(4)];
      // Few distinct values, so windows often hold several equal maxima (as ReLU zeros do).
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(3) / 2);
      const run = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        const g = tf.tidy(() => {
          const input = tf.tensor4d(x, shape);
          const upstream = tf.randomUniform(tf.maxPool(input, size, strides, pad).shape, -1, 1, 'float32', trial);
          return tf.grad((xi: tf.Tensor) =>
            tf
              .maxPool(xi as tf.Tensor4D, size, strides, pad)
              .mul(upstream)
              .sum(),
          )(input);
        });
        const values = await g.data();
        g.dispose();
        return values;
      };
      const expected = await run('cpu');
      const actual = await run('wasm');
      expect(maxAbsDifference(actual, expected), JSON.stringify({ size, strides, pad, shape })).toBeLessThanOrEqual(1e-6);
    }
  });

  it('passes the backend self-test on wasm and cpu', async () => {
    await useBackend('wasm');
    expect(() => backendSelfTest()).not.toThrow();
    await useBackend('cpu');
    expect(() => backendSelfTest()).not.toThrow();
  });
});
