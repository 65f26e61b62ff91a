import { useRef, useState } from 'react';
import { compute } from '../../bridge/compute';
import { ProbabilityBars } from '../../components/ProbabilityBars';
import { ProgressBar } from '../../components/ProgressBar';
import { findImageModel } from '../../stores/models';
import { selectImageView, selectModelId, selectSetSettings, useSettings } from '../../stores/settings';
import type { ModelRef, Progress } from '../../workers/protocol';
import { InputPicker, type LabInput } from './InputPicker';
import { SingleAttackPanel } from './SingleAttackPanel';
import { SweepPanel } from './SweepPanel';
import { usePrediction } from './useTestDigit';
import { maxOf } from '../../core/arrays';

/** Adversarial examples on images: one example at a time, or accuracy against budget over the test set. */
export function ImageAttackLab() {
  const model = findImageModel(useSettings(selectModelId));
  const view = useSettings(selectImageView);
  const set = useSettings(selectSetSettings);
  const [input, setInput] = useState<LabInput>();
  if (!model) return <p className="error">Choose a model in the side panel.</p>;
  return (
    <section className="image-lab">
      <div className="lab-head">
        <h2>Image attacks</h2>
        <div className="segmented" role="tablist" aria-label="image lab view">
          <button type="button" role="tab" aria-selected={view === 'single'} className={view === 'single' ? 'active' : ''} onClick={() => set({ view: 'single' })}>
            One example
          </button>
          <button type="button" role="tab" aria-selected={view === 'sweep'} className={view === 'sweep' ? 'active' : ''} onClick={() => set({ view: 'sweep' })}>
            Accuracy vs budget
          </button>
        </div>
      </div>
      {view === 'single' ? (
        <>
          <div className="single-layout">
            <div className="input-column">
              <InputPicker classes={model.card.classes} onInput={setInput} />
              <CleanPrediction model={model} input={input} />
            </div>
            <SingleAttackPanel model={model} input={input} />
          </div>
          <AccuracyCheck key={model.id} model={model} />
        </>
      ) : (
        <SweepPanel model={model} />
      )}
    </section>
  );
}

/** What the model says about the input before any attack. */
function CleanPrediction({ model, input }: { model: ModelRef; input: LabInput | undefined }) {
  const { prediction, error } = usePrediction(model, input);
  if (error) return <p className="error" role="alert">The model could not predict: {error}</p>;
  if (!prediction) return <p className="muted">{input ? 'Loading the model in the worker…' : ''}</p>;
  const p = prediction.probabilities[0];
  return (
    <div className="prediction">
      <p>
        {model.card.name} predicts <strong data-testid="predicted-label">{model.card.classes[prediction.labels[0]]}</strong> with{' '}
        {(maxOf(p) * 100).toFixed(1)}% confidence
        {input && prediction.labels[0] !== input.label ? ' (wrong)' : ''}.
      </p>
      <ProbabilityBars probabilities={p} classes={model.card.classes} trueClass={input?.label} />
    </div>
  );
}

/** Recomputes the model's test accuracy in the worker: shows progress and cancel on a long job. */
function AccuracyCheck({ model }: { model: ModelRef }) {
  const [progress, setProgress] = useState<Progress>();
  const [outcome, setOutcome] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
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
