import * as tf from '@tensorflow/tfjs';
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  Slice,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs';

/**
 * tfjs 4.22's wasm backend has no Conv2DBackpropFilter, so no CNN can be trained on it. This kernel computes
 * the filter gradient with the backend's own (XNNPACK) forward convolution:
 *
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[b, oh, ow, co]
 *
 * is a convolution of x' = transpose(x, [3, 1, 2, 0]) (channels become the batch, the batch becomes channels)
 * with the "filter" dy' = transpose(dy, [1, 2, 0, 3]), dilated by the forward stride, with stride 1.
 * Its output x'' has shape [Ci, KH, KW, Co] and transposes back to [KH, KW, Ci, Co].
 */

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

function callKernel(name: string, inputs: Record<string, TensorInfo>, attrs: object, backend: WasmBackendLike) {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`The wasm backend has no ${name} kernel, which Conv2DBackpropFilter needs.`);
  return config.kernelFunc({ inputs, attrs: attrs as never, backend: backend as never }) as TensorInfo;
}

const conv2dBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const wasm = backend as unknown as WasmBackendLike;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error('Conv2DBackpropFilter on wasm supports only channels-last (NHWC) data.');
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [, inHeight, inWidth] = x.shape;
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padding after the input so the dilated dy slides exactly filterHeight x filterWidth times; any surplus
  // (negative padding, when the stride skips the last rows) is sliced off the result instead.
  const bottom = Math.max(0, filterHeight + (outHeight - 1) * strideHeight - inHeight - top);
  const right = Math.max(0, filterWidth + (outWidth - 1) * strideWidth - inWidth - left);

  const temporaries: TensorInfo[] = [];
  const keep = (t: TensorInfo) => (temporaries.push(t), t);
  try {
    const xT = keep(callKernel(Transpose, { x }, { perm: [3, 1, 2, 0] }, wasm));
    const dyT = keep(callKernel(Transpose, { x: dy }, { perm: [1, 2, 0, 3] }, wasm));
    let conv = keep(
      callKernel(
        Conv2D,
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
          dataFormat: 'NHWC',
          dilations: [strideHeight, strideWidth],
          dimRoundingMode: undefined,
        },
        wasm,
      ),
    );
    if (conv.shape[1] !== filterHeight || conv.shape[2] !== filterWidth) {
      conv = keep(
        callKernel(
          Slice,
          { x: conv },
          { begin: [0, 0, 0, 0], size: [conv.shape[0], filterHeight, filterWidth, conv.shape[3]] },
          wasm,
        ),
      );
    }
    return callKernel(Transpose, { x: conv }, { perm: [1, 2, 0, 3] }, wasm);
  } finally {
    for (const t of temporaries) wasm.disposeData(t.dataId);
  }
};

export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm,
};

/** Registers the kernel once; safe to call from every entry point. Leaves a kernel tfjs itself ships alone. */
export function registerWasmConv2dBackpropFilter(): void {
  if (!tf.getKernel(Conv2DBackpropFilter, 'wasm')) tf.registerKernel(wasmConv2dBackpropFilterConfig);
}
