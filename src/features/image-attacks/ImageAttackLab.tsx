import { ViewTabs } from '../../components/ViewTabs';
import { useMemo, useState } from 'react';
import { compute } from '../../bridge/compute';
import { useJob } from '../../bridge/useJob';
import { ProbabilityBars } from '../../components/ProbabilityBars';
import { ProgressBar } from '../../components/ProgressBar';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { findImageModel } from '../../stores/models';
import { selectImageView, selectModelId, selectSetSettings, useSettings } from '../../stores/settings';
import { useControl } from '../../stores/useControl';
import type { ModelRef, Prediction } from '../../workers/modelApi';
import { InputPicker, type LabInput } from './InputPicker';
import { SingleAttackPanel } from './SingleAttackPanel';
import { SweepPanel } from './SweepPanel';
import { usePrediction } from './useTestDigit';
import { maxOf } from '../../core/arrays';
import { formatPercent } from '../../core/format';

/** Adversarial examples on images: one example at a time, or accuracy against budget over the test set. */
export function ImageAttackLab() {
  const model = findImageModel(useSettings(selectModelId));
  const view = useSettings(selectImageView);
  const set = useSettings(selectSetSettings);
  const viewControl = useControl('view');
  const [picked, setInput] = useState<LabInput>();
  const predicted = usePrediction(model, picked);
  // While a new prediction is pending, the old one must not label the new drawing.
  const judgedBy = predicted.pending ? undefined : predicted.prediction;
  const input = useMemo(() => withJudgedLabel(picked, judgedBy), [picked, judgedBy]);
  if (!model) return <p className="error">Choose a model in the side panel.</p>;
  return (
    <section className="image-lab">
      <div className="lab-head">
        <h2>Image attacks</h2>
        <ViewTabs
          label="image lab view"
          views={[
            { id: 'single', title: 'One example' },
            { id: 'sweep', title: 'Accuracy vs budget' },
          ]}
          value={view}
          onChange={(next) => set({ view: next })}
          control={viewControl}
        />
      </div>
      {view === 'single' ? (
        <>
          <div className="single-layout">
            <div className="input-column">
              <InputPicker classes={model.card.classes} onInput={setInput} />
              <CleanPrediction model={model} input={input} state={predicted} />
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

/**
 * The input as attacks and verdicts see it: a drawing or upload whose true label the user has not given is judged
 * against the model's own prediction (marked "model"), and has no label at all until that prediction arrives.
 */
function withJudgedLabel(input: LabInput | undefined, prediction: Prediction | undefined): LabInput | undefined {
  if (!input || input.labelSource !== 'model') return input;
  return { ...input, label: prediction?.labels[0] };
}

/** What the model says about the input before any attack. */
function CleanPrediction({ model, input, state }: { model: ModelRef; input: LabInput | undefined; state: ReturnType<typeof usePrediction> }) {
  const { prediction, error } = state;
  if (error)
    return (
      <p className="error" role="alert">
        The model could not predict: {error}
      </p>
    );
  if (!prediction) return <p className="muted">{input ? 'Loading the model in the worker…' : ''}</p>;
  const p = prediction.probabilities[0];
  return (
    <div className="prediction">
      <p>
        {model.card.name} predicts <strong data-testid="predicted-label">{model.card.classes[prediction.labels[0]]}</strong> with {formatPercent(maxOf(p))}{' '}
        confidence
        {input && input.labelSource !== 'model' && prediction.labels[0] !== input.label ? ' (wrong)' : ''}.
      </p>
      {input?.labelSource === 'model' ? (
        <p className="note" data-testid="label-note">
          You have not said which digit this is, so the model&apos;s own answer stands in as the label: an attack &quot;fools&quot; it when the prediction moves
          away from {model.card.classes[prediction.labels[0]]}. Set the true label above to judge it against yours.
        </p>
      ) : null}
      <ProbabilityBars probabilities={p} classes={model.card.classes} trueClass={input?.label} />
    </div>
  );
}

/** Recomputes the model's test accuracy in the worker: a job, with progress and cancel here and in the status bar. */
function AccuracyCheck({ model }: { model: ModelRef }) {
  const job = useJob<{ correct: number; total: number }>('image-evaluate');
  const [outcome, setOutcome] = useState<string>();
  const focus = useRunFocus(job.running);
  const report = (text: string) => (setOutcome(text), announce(`Accuracy check: ${text}`));
  const run = () => {
    setOutcome(undefined);
    void job
      .start({ lab: 'image', title: `Accuracy of ${model.id} on the test digits` }, (options) => compute.call('evaluate', { model, split: 'test' }, options))
      .then((end) => {
        if (!end.ok) return report(end.cancelled ? 'Cancelled.' : `Failed: ${end.error}`);
        const { correct, total } = end.result;
        report(`${correct} / ${total} correct: ${((correct / total) * 100).toFixed(2)}% (model card: ${(model.card.metrics.testAccuracy * 100).toFixed(2)}%).`);
      });
  };
  return (
    <div className="accuracy-check">
      <button ref={focus.run} type="button" onClick={run} disabled={job.running}>
        Check accuracy on the 2,000 test digits
      </button>
      {job.running ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={job.cancel} cancelRef={focus.stop} /> : null}
      {outcome ? <p data-testid="accuracy-outcome">{outcome}</p> : null}
    </div>
  );
}
