import * as tf from '@tensorflow/tfjs';
import { SIGN_EXPECTED, SIGN_PROBES, signOf } from './ops';
import { registerWasmGradientKernels } from './wasmGradientKernels';

import { BACKEND_PREFERENCE, type BackendName, type BackendProbe } from './names';

/**
 * A short correctness check that exercises what the labs need: a convolution, its input gradient and its filter
 * gradient (which needs the project's kernel on wasm), and the sign the attacks step with on tiny values, compared
 * with values worked out by hand.
 */
export function backendSelfTest(): void {
  const result = tf.tidy(() => {
    // x: 1x3x3x1 ramp 1..9, filter: 2x2x1x1 of ones; 'valid' conv sums each 2x2 window.
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const f = (xi: tf.Tensor4D, wi: tf.Tensor4D) => tf.conv2d(xi, wi, 1, 'valid').sum();
    const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => f(xi as tf.Tensor4D, wi as tf.Tensor4D))([x, w]);
    const y = tf.conv2d(x, w, 1, 'valid');
    const sign = signOf(tf.tensor1d([...SIGN_PROBES]));
    return { y: y.dataSync().slice(), dx: dx.dataSync().slice(), dw: dw.dataSync().slice(), sign: sign.dataSync().slice() };
  });
  const expect = (got: ArrayLike<number>, want: number[], what: string) => {
    for (let i = 0; i < want.length; i++) {
      if (Math.abs(got[i] - want[i]) > 1e-3) {
        throw new Error(`${what} is wrong: got [${Array.from(got).join(', ')}], expected [${want.join(', ')}]`);
      }
    }
  };
  expect(result.y, [12, 16, 24, 28], 'convolution');
  expect(result.dx, [1, 2, 1, 2, 4, 2, 1, 2, 1], 'input gradient');
  expect(result.dw, [12, 16, 24, 28], 'filter gradient');
  expect(result.sign, [...SIGN_EXPECTED], `sign of [${SIGN_PROBES.join(', ')}]`);
}

/** A small workload to rank backends by: a batch through a conv layer and back. */
async function timeWorkload(repeats = 3): Promise<number> {
  const times: number[] = [];
  const x = tf.randomUniform([64, 28, 28, 1]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 1, 16]) as tf.Tensor4D;
  try {
    for (let r = 0; r < repeats + 1; r++) {
      const start = performance.now();
      const g = tf.grad((xi: tf.Tensor) =>
        tf
          .conv2d(xi as tf.Tensor4D, w, 1, 'same')
          .relu()
          .sum(),
      )(x);
      await g.data();
      g.dispose();
      if (r > 0) times.push(performance.now() - start); // the first run compiles shaders / warms caches
    }
  } finally {
    tf.dispose([x, w]);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** tfjs logs a warning when webgpu fails to start; ask the browser for an adapter first instead. */
async function webgpuAdapterExists(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** Switches to one backend and checks it computes correctly. Throws with a plain reason when it cannot. */
export async function useBackend(name: BackendName): Promise<void> {
  registerWasmGradientKernels();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`The ${name} backend is not available here.`);
  await tf.ready();
  backendSelfTest();
}

/**
 * Tries each available backend, self-tests it, times a small workload, and leaves the fastest one active.
 * Returns what it found for every candidate, so the UI can say why one was not chosen.
 */
export async function pickFastestBackend(candidates: readonly BackendName[] = BACKEND_PREFERENCE): Promise<{
  chosen: BackendName;
  probes: BackendProbe[];
}> {
  const probes: BackendProbe[] = [];
  for (const name of candidates) {
    if (!(name in tf.engine().registryFactory)) {
      probes.push({ name, ok: false, error: 'not registered in this build' });
      continue;
    }
    if (name === 'webgpu' && !(await webgpuAdapterExists())) {
      probes.push({ name, ok: false, error: 'no WebGPU adapter' });
      continue;
    }
    try {
      await useBackend(name);
      probes.push({ name, ok: true, millis: await timeWorkload() });
    } catch (error) {
      probes.push({ name, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const working = probes.filter((p) => p.ok).sort((a, b) => (a.millis ?? Infinity) - (b.millis ?? Infinity));
  if (working.length === 0) {
    throw new Error(`No TensorFlow.js backend works here: ${probes.map((p) => `${p.name}: ${p.error}`).join('; ')}`);
  }
  const chosen = working[0].name;
  await useBackend(chosen);
  return { chosen, probes };
}
