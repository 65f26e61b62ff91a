import { useEffect, useState } from 'react';
import { compute } from '../../bridge/compute';
import { loadTestDigits } from '../../bridge/datasets';
import type { ImageSplit } from '../../core/data/mnist';
import type { ModelRef, Prediction } from '../../workers/modelApi';

export interface TestDigitView {
  pixels: Uint8Array;
  label: number;
  width: number;
  height: number;
}

/** The test split for display, loaded once. */
export function useTestSplit(): { split?: ImageSplit; error?: string } {
  const [state, setState] = useState<{ split?: ImageSplit; error?: string }>({});
  useEffect(() => {
    let live = true;
    loadTestDigits().then(
      (split) => live && setState({ split }),
      (error: Error) => live && setState({ error: error.message }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export function digitAt(split: ImageSplit, index: number): TestDigitView {
  const size = split.width * split.height * split.channels;
  return {
    pixels: split.images.subarray(index * size, (index + 1) * size),
    label: split.labels[index],
    width: split.width,
    height: split.height,
  };
}

/** The model's prediction for one image, computed in the worker; stale answers are dropped. */
export function usePrediction(model: ModelRef | undefined, digit: { pixels: Uint8Array } | undefined) {
  const [state, setState] = useState<{ prediction?: Prediction; error?: string; pending: boolean }>({ pending: false });
  useEffect(() => {
    if (!model || !digit) return;
    let live = true;
    setState((s) => ({ ...s, pending: true, error: undefined }));
    const pixels = Float32Array.from(digit.pixels, (v) => v / 255);
    // Interactive: answered between the steps of a running sweep, never minutes behind it.
    compute.call('predict', { model, pixels, count: 1 }, { priority: 'interactive' }).then(
      (prediction) => live && setState({ prediction, pending: false }),
      (error: Error) => live && setState({ error: error.message, pending: false }),
    );
    return () => {
      live = false;
    };
  }, [model, digit]);
  return state;
}
