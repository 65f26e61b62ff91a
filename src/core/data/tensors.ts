import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from './mnist';

/** Images [start, start+count) as a float tensor in [0, 1], shape [count, h, w, c]. The caller owns it. */
export function imagesToTensor(split: ImageSplit, start = 0, count = split.count - start): tf.Tensor4D {
  const size = split.height * split.width * split.channels;
  const bytes = split.images.subarray(start * size, (start + count) * size);
  return tf.tidy(() => tf.tensor4d(bytes, [count, split.height, split.width, split.channels], 'int32').toFloat().div(255));
}

/** Labels [start, start+count) as an int32 tensor. The caller owns it. */
export function labelsToTensor(split: ImageSplit, start = 0, count = split.count - start): tf.Tensor1D {
  return tf.tensor1d(split.labels.subarray(start, start + count), 'int32');
}
