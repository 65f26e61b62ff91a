import * as tf from '@tensorflow/tfjs';
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs';

/**
 * Gradient kernels for tfjs 4.22's wasm backend. Each is tested against the cpu backend.
 * - Conv2DBackpropFilter is missing there, so no CNN can be trained on wasm without it;
 * - its Conv2DBackpropInput exists but is a plain loop, about 10x slower than a forward convolution (measured
 *   here: 180 ms against 18 ms for 64 images through a 3x3x32x64 layer), and every training step and every
 *   white-box attack step calls it. Both are rewritten with the backend's own fast (XNNPACK) forward convolution.
 * - its MaxPoolGrad took 40% of an input-gradient pass through the bundled CNN (310 of 780 ms for 500 digits);
 *   the one here is a single pass over the pooling windows in JavaScript, on the wasm heap.
 */

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

type Pad4 = [[0, 0], [number, number], [number, number], [0, 0]];

/** Runs other wasm kernels directly on TensorInfos; every intermediate is freed when the calculation ends. */
class KernelScope {
  private readonly temporaries: TensorInfo[] = [];
  constructor(private readonly backend: WasmBackendLike) {}

  run(name: string, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
    const config = tf.getKernel(name, 'wasm');
    if (!config) throw new Error(`The wasm backend has no ${name} kernel, which the convolution gradients need.`);
    const out = config.kernelFunc({ inputs, attrs: attrs as never, backend: this.backend as never }) as TensorInfo;
    this.temporaries.push(out);
    return out;
  }

  /** Keeps `result` and frees everything else. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temporaries) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }

  abandon(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
  }
}

/** Crops `x` [N, H, W, C] by [top, bottom, left, right] rows/columns (no-op when all are 0). */
function crop(scope: KernelScope, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  const [n, h, w, c] = x.shape;
  return scope.run(Slice, { x }, { begin: [0, top, left, 0], size: [n, h - top - bottom, w - left - right, c] });
}

/** A stride-1 convolution with any (possibly negative) padding: negative padding crops the input instead. */
function convWithPadding(scope: KernelScope, x: TensorInfo, filter: TensorInfo, pads: [number, number, number, number], dilations: [number, number]) {
  const [top, bottom, left, right] = pads;
  const cropped = crop(scope, x, Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right));
  const pad: Pad4 = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return scope.run(Conv2D, { x: cropped, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined });
}

function checkChannelsLast(dataFormat: string) {
  if (backend_util.convertConv2DDataFormat(dataFormat as 'NHWC' | 'NCHW') !== 'channelsLast') {
    throw new Error('The wasm convolution gradients support only channels-last (NHWC) data.');
  }
}

/**
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[b, oh, ow, co]
 *
 * is a convolution of x' = transpose(x, [3, 1, 2, 0]) (channels become the batch, the batch becomes channels)
 * with the "filter" dy' = transpose(dy, [1, 2, 0, 3]), dilated by the forward stride, with stride 1.
 * Its output, [Ci, KH, KW, Co] once cropped, transposes back to [KH, KW, Ci, Co].
 */
const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  checkChannelsLast(dataFormat);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const [, inHeight, inWidth] = x.shape;
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  // Padding after the input so that the dilated dy slides exactly filterHeight x filterWidth times.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  const scope = new KernelScope(backend as unknown as WasmBackendLike);
  try {
    const xT = scope.run(Transpose, { x }, { perm: [3, 1, 2, 0] });
    const dyT = scope.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
    const conv = convWithPadding(scope, xT, dyT, [top, bottom, left, right], [strideHeight, strideWidth]);
    return scope.finish(scope.run(Transpose, { x: conv }, { perm: [1, 2, 0, 3] }));
  } catch (error) {
    scope.abandon();
    throw error;
  }
};

/**
 *   dx[n, h, w, ci] = sum_{kh, kw, co} dy[n, oh, ow, co] * W[kh, kw, ci, co],  h = oh*s + kh - padTop
 *
 * is a stride-1 ("full") convolution of dy, with s - 1 zeros inserted between its rows and columns, with W
 * flipped in space and its channel axes swapped, padded by KH - 1 - padTop above.
 */
const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  checkChannelsLast(dataFormat);
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth } = info;
  const { top, left } = info.padInfo;
  const [batch, , , outChannels] = dy.shape;
  const scope = new KernelScope(backend as unknown as WasmBackendLike);
  try {
    let spread = dy;
    if (strideHeight > 1 || strideWidth > 1) {
      // [N, OH, 1, OW, 1, C] padded to [N, OH, s, OW, s, C] puts s - 1 zeros after every row and column.
      const expanded = scope.run(Reshape, { x: dy }, { shape: [batch, outHeight, 1, outWidth, 1, outChannels] });
      const padded = scope.run(
        PadV2,
        { x: expanded },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, strideHeight - 1],
            [0, 0],
            [0, strideWidth - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      spread = scope.run(Reshape, { x: padded }, { shape: [batch, outHeight * strideHeight, outWidth * strideWidth, outChannels] });
    }
    const flipped = scope.run(Reverse, { x: filter }, { dims: [0, 1] });
    const swapped = scope.run(Transpose, { x: flipped }, { perm: [0, 1, 3, 2] });
    const padTop = filterHeight - 1 - top;
    const padLeft = filterWidth - 1 - left;
    const padBottom = inHeight - spread.shape[1] - padTop + filterHeight - 1;
    const padRight = inWidth - spread.shape[2] - padLeft + filterWidth - 1;
    return scope.finish(convWithPadding(scope, spread, swapped, [padTop, padBottom, padLeft, padRight], [1, 1]));
  } catch (error) {
    scope.abandon();
    throw error;
  }
};

/**
 * dx of a max pool: each output's gradient goes to the first position holding its window's maximum (the same
 * tie rule as the cpu backend), summed where windows overlap.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const wasm = backend as unknown as WasmBackendLike;
  const out = wasm.makeOutput(input.shape, 'float32');
  // Views are taken after the allocation, which may grow (and so move) the wasm heap.
  const dx = wasm.typedArrayFromHeap(out);
  const x = wasm.typedArrayFromHeap(input);
  const dyValues = wasm.typedArrayFromHeap(dy);
  dx.fill(0);
  const rowStride = inWidth * inChannels;
  const imageStride = inHeight * rowStride;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageBase = b * imageStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - top;
      const hStart = Math.max(0, h0);
      const hEnd = Math.min(inHeight, h0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - left;
        const wStart = Math.max(0, w0);
        const wEnd = Math.min(inWidth, w0 + filterWidth);
        for (let c = 0; c < inChannels; c++, dyIndex++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let h = hStart; h < hEnd; h++) {
            for (let w = wStart; w < wEnd; w++) {
              const index = imageBase + h * rowStride + w * inChannels + c;
              if (x[index] > best) {
                best = x[index];
                bestIndex = index;
              }
            }
          }
          if (bestIndex >= 0) dx[bestIndex] += dyValues[dyIndex];
        }
      }
    }
  }
  return out;
};

export const wasmMaxPoolGradConfig: KernelConfig = { kernelName: MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad };

export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};

export const wasmConv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};

let registered = false;

/** Registers the kernels once, replacing tfjs's own where it has one; call before the wasm backend starts. */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of [wasmConv2dBackpropFilterConfig, wasmConv2dBackpropInputConfig, wasmMaxPoolGradConfig]) {
    if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}
