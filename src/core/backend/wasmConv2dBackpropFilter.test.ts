import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { backendSelfTest, useBackend } from './backends';

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

/** The filter gradient of sum(conv2d(x, w) * dy), computed on one backend. */
async function filterGradient(backend: 'cpu' | 'wasm', c: Case, x: Float32Array, dy: Float32Array, dyShape: number[]) {
  await tf.setBackend(backend);
  const g = tf.tidy(() => {
    const xs = tf.tensor4d(x, [c.batch, c.height, c.width, c.inChannels]);
    const w = tf.zeros([...c.kernel, c.inChannels, c.outChannels]) as tf.Tensor4D;
    const upstream = tf.tensor(dy, dyShape);
    return tf.grad((wi: tf.Tensor) => tf.conv2d(xs, wi as tf.Tensor4D, c.strides, c.pad as 'same').mul(upstream).sum())(w);
  });
  const values = await g.data();
  g.dispose();
  return values;
}

function outputShape(c: Case): number[] {
  const probe = tf.tidy(() =>
    tf.conv2d(tf.zeros([c.batch, c.height, c.width, c.inChannels]) as tf.Tensor4D, tf.zeros([...c.kernel, c.inChannels, c.outChannels]) as tf.Tensor4D, c.strides, c.pad as 'same'),
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
  const pads: Pad[] = ['same', 'valid', [[0, 0], [rng.int(3), rng.int(3)], [rng.int(3), rng.int(3)], [0, 0]]];
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

describe('Conv2DBackpropFilter on wasm (project kernel)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('matches the cpu backend on random shapes, strides and paddings (max abs difference <= 1e-4)', async () => {
    const rng = createRng(1234);
    for (let trial = 0; trial < 100; trial++) {
      const c = randomCase(rng);
      await tf.setBackend('cpu');
      const dyShape = outputShape(c);
      const x = Float32Array.from({ length: c.batch * c.height * c.width * c.inChannels }, () => rng.next() * 2 - 1);
      const dy = Float32Array.from({ length: dyShape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1);
      const expected = await filterGradient('cpu', c, x, dy, dyShape);
      const actual = await filterGradient('wasm', c, x, dy, dyShape);
      expect(actual.length, JSON.stringify(c)).toBe(expected.length);
      let diff = 0;
      for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
      expect(diff, JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('is what a wasm training step uses, and leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomUniform([4, 9, 9, 2], -1, 1, 'float32', 7) as tf.Tensor4D;
    const w = tf.variable(tf.randomUniform([3, 3, 2, 3], -1, 1, 'float32', 8) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const g = tf.grad((wi: tf.Tensor) => tf.conv2d(x, wi as tf.Tensor4D, 2, 'same').square().sum())(w);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it('passes the backend self-test on wasm and cpu', async () => {
    await useBackend('wasm');
    expect(() => backendSelfTest()).not.toThrow();
    await useBackend('cpu');
    expect(() => backendSelfTest()).not.toThrow();
  });
});
