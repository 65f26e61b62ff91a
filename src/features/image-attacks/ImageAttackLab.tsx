import { useMemo, useRef, useState } from 'react';
import { compute } from '../../bridge/compute';
import { DigitImage } from '../../components/DigitImage';
import { ProbabilityBars } from '../../components/ProbabilityBars';
import { ProgressBar } from '../../components/ProgressBar';
import { createRng } from '../../core/data/rng';
import { findBundledModel } from '../../stores/models';
import { selectDigit, selectModelId, selectSeed, selectSetSettings, useSettings } from '../../stores/settings';
import type { Progress } from '../../workers/protocol';
import { digitAt, usePrediction, useTestSplit } from './useTestDigit';

/** Pick a test digit and see the model's prediction; attacks on it arrive with the image-attack issue. */
export function ImageAttackLab() {
  const index = useSettings(selectDigit);
  const seed = useSettings(selectSeed);
  const model = findBundledModel(useSettings(selectModelId));
  const set = useSettings(selectSetSettings);
  const { split, error: dataError } = useTestSplit();
  const digit = useMemo(() => (split ? digitAt(split, Math.min(index, split.count - 1)) : undefined), [split, index]);
  const { prediction, error: predictError, pending } = usePrediction(model, digit);
  const count = split?.count ?? 2000;
  const rng = useMemo(() => createRng(seed), [seed]);

  return (
    <section className="image-lab">
      <h2>Image attacks</h2>
      {dataError ? <p className="error" role="alert">{dataError}</p> : null}
      <div className="digit-controls">
        <label>
          Test digit #
          <input
            type="number"
            min={0}
            max={count - 1}
            value={index}
            aria-label="test digit index"
            onChange={(e) => {
              const value = Math.round(Number(e.target.value));
              if (Number.isFinite(value)) set({ digit: Math.min(count - 1, Math.max(0, value)) });
            }}
          />
        </label>
        <button type="button" onClick={() => set({ digit: (index + count - 1) % count })}>
          Previous
        </button>
        <button type="button" onClick={() => set({ digit: (index + 1) % count })}>
          Next
        </button>
        <button type="button" onClick={() => set({ digit: rng.int(count) })} title={`seeded by ${seed}`}>
          Random
        </button>
      </div>
      <div className="digit-view">
        {digit ? (
          <figure>
            <DigitImage pixels={digit.pixels} width={digit.width} height={digit.height} label={`test digit ${index}`} />
            <figcaption>
              true label <strong data-testid="true-label">{digit.label}</strong>
            </figcaption>
          </figure>
        ) : (
          <p>Loading test digits…</p>
        )}
        <div className="prediction" aria-busy={pending}>
          {predictError ? (
            <p className="error" role="alert">
              The model could not predict: {predictError}
            </p>
          ) : prediction && model ? (
            <>
              <p>
                {model.card.name} predicts <strong data-testid="predicted-label">{model.card.classes[prediction.labels[0]]}</strong>{' '}
                with {(Math.max(...prediction.probabilities[0]) * 100).toFixed(1)}% confidence
                {digit && prediction.labels[0] !== digit.label ? ' (wrong)' : ''}.
              </p>
              <ProbabilityBars probabilities={prediction.probabilities[0]} classes={model.card.classes} trueClass={digit?.label} />
            </>
          ) : (
            <p>{model ? 'Loading the model in the worker…' : 'Choose a model.'}</p>
          )}
        </div>
      </div>
      {model ? <AccuracyCheck key={model.id} modelId={model.id} /> : null}
    </section>
  );
}

/** Recomputes the model's test accuracy in the worker: shows progress and cancel on a long job. */
function AccuracyCheck({ modelId }: { modelId: string }) {
  const [progress, setProgress] = useState<Progress>();
  const [outcome, setOutcome] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
  const model = findBundledModel(modelId)!;

  const run = () => {
    abort.current = new AbortController();
    setOutcome(undefined);
    setProgress({ fraction: 0, message: 'starting…' });
    compute
      .call('evaluate', { model, split: 'test' }, { signal: abort.current.signal, onProgress: setProgress })
      .then(
        ({ correct, total }) =>
          setOutcome(
            `${correct} / ${total} correct: ${((correct / total) * 100).toFixed(2)}% ` +
              `(model card: ${(model.card.metrics.testAccuracy * 100).toFixed(2)}%).`,
          ),
        (error: Error) => setOutcome(error.name === 'AbortError' ? 'Cancelled.' : `Failed: ${error.message}`),
      )
      .finally(() => setProgress(undefined));
  };

  return (
    <div className="accuracy-check">
      <button type="button" onClick={run} disabled={!!progress}>
        Check accuracy on the 2,000 test digits
      </button>
      {progress ? <ProgressBar fraction={progress.fraction} message={progress.message} onCancel={() => abort.current?.abort()} /> : null}
      {outcome ? <p data-testid="accuracy-outcome">{outcome}</p> : null}
    </div>
  );
}
