import { MNIST_SPLIT, fetchMnistSplit, type ImageSplit } from '../core/data/mnist';

let testSplit: Promise<ImageSplit> | undefined;

/** The 2,000 test digits as bytes, for display on the main thread (the worker loads its own copy). */
export function loadTestDigits(): Promise<ImageSplit> {
  if (!testSplit) {
    testSplit = fetchMnistSplit(`${import.meta.env.BASE_URL}${MNIST_SPLIT.urlPath}/`, 'test');
    testSplit.catch(() => (testSplit = undefined));
  }
  return testSplit;
}
