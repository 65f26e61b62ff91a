import { decodeSweepParams, encodeSweepParams } from '../../core/spec/imageSpec';
import { lockedValues } from '../../stores/labControls';
import { LockMark } from '../../components/LockMark';
import { useControl, useControlLists } from '../../stores/useControl';
import { memo, useDeferredValue, useMemo, useState } from 'react';
import { compute } from '../../bridge/compute';
import { useJob } from '../../bridge/useJob';
import { AccuracyChart } from '../../components/AccuracyChart';
import { DigitImage } from '../../components/DigitImage';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { downloadBytes, downloadText } from '../../components/download';
import { NumberField } from '../../components/NumberField';
import { useFieldErrors } from '../../stores/fieldErrors';
import { ParamForm } from '../../components/ParamForm';
import { ProgressBar } from '../../components/ProgressBar';
import { ResultsTable } from '../../components/ResultsTable';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { parseBudgets } from '../../core/attacks/paramCodec';
import { ATTACK_METAS, getAttackMeta } from '../../core/attacks/catalog';
import type { AttackParams } from '../../core/attacks/types';
import { adversarialSetToTar, sweepToCsv, sweepToJson } from '../../core/metrics/export';
import type { SweepResult } from '../../core/metrics/sweep';
import { selectAddSweep, selectClearSweeps, selectSweeps, useImageLab } from '../../stores/imageLab';
import { selectSeed, selectSetSettings, selectSweepAttacks, selectSweepBudgets, selectSweepCount, selectSweepParams, useSettings } from '../../stores/settings';
import type { ModelRef } from '../../workers/modelApi';
import { normText } from './AttackPicker';
import { formatPercentOrDash, formatSeconds } from '../../core/format';

const fixed = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));

/** Accuracy against budget over the test set: choose attacks and budgets, run with progress and cancel, read the results. */
export function SweepPanel({ model }: { model: ModelRef }) {
  const chosen = useSettings(selectSweepAttacks)
    .split(',')
    .filter((id) => ATTACK_METAS.some((a) => a.id === id));
  const budgetsText = useSettings(selectSweepBudgets);
  const count = useSettings(selectSweepCount);
  const seed = useSettings(selectSeed);
  const set = useSettings(selectSetSettings);
  const sweepControl = useControl('sweep');
  const budgetsControl = useControl('budgets');
  const countControl = useControl('n');
  const lists = useControlLists();
  const sweepParamsText = useSettings(selectSweepParams);
  const paramsById = useMemo(() => decodeSweepParams(sweepParamsText), [sweepParamsText]);
  const setParamsById = (byId: Record<string, AttackParams>) => set({ sp: encodeSweepParams(byId) });
  const job = useJob<SweepResult>('image-sweep');
  // What the job's own outcome does not say: a cancel, or a sweep cancelled before it measured anything.
  const [note, setNote] = useState<string>();
  const error = job.error ?? note;
  const [keepAdversarial, setKeepAdversarial] = useState(false);
  const sweeps = useImageLab(selectSweeps);
  const addSweep = useImageLab(selectAddSweep);
  const clearSweeps = useImageLab(selectClearSweeps);
  // Drawn in a deferred, interruptible render: a finished sweep's chart, table and gallery never block the page in one task.
  const latest = useDeferredValue(sweeps.find((s) => s.modelId === model.id));

  const fields = useFieldErrors('image-sweep');
  const focus = useRunFocus(job.running);
  // The largest budget every chosen attack accepts (its budget parameter's maximum).
  const maxBudget = Math.min(
    ...chosen.map((id) => {
      const meta = getAttackMeta(id);
      return meta.params.find((p) => p.key === meta.budgetParam)?.max ?? Infinity;
    }),
  );
  const budgetCount = budgetsText.split(/[,\s]+/).filter(Boolean).length;
  const budgetError = useMemo(() => {
    try {
      parseBudgets(budgetsText, maxBudget);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }, [budgetsText, maxBudget]);

  const toggle = (id: string, on: boolean) => {
    const next = on ? [...chosen, id] : chosen.filter((c) => c !== id);
    set({
      sweep: ATTACK_METAS.map((a) => a.id)
        .filter((a) => next.includes(a))
        .join(','),
    });
  };

  const run = () => {
    if (budgetError || chosen.length === 0 || fields.invalid) return;
    setNote(undefined);
    const spec = {
      attacks: chosen.map((id) => ({ id, params: paramsById[id] ?? {} })),
      budgets: parseBudgets(budgetsText, maxBudget),
      count,
      seed,
      batchSize: 100,
      galleryPerPoint: 8,
      keepAdversarial,
    };
    const title = `Sweep: ${chosen.map((id) => getAttackMeta(id).name).join(', ')} over ${count} digits`;
    // A job: it keeps running, visible and cancellable in the status bar, when the user leaves this view.
    void job
      .start({ lab: 'image', title }, (options) => compute.call('sweep', { model, spec, locks: lockedValues('image') }, options))
      .then((end) => {
        if (!end.ok) {
          if (end.cancelled) setNote('Cancelled.');
          announce(end.cancelled ? 'Sweep cancelled.' : `The sweep failed: ${end.error}`);
        } else if (end.result.points.length === 0) {
          // Cancelled before any batch finished: nothing measured, so nothing to keep or draw.
          setNote('Cancelled before the first batch of digits finished: nothing was measured.');
        } else {
          addSweep(end.result);
          announce(
            `Sweep finished${end.result.partial ? ' (cancelled: partial)' : ''}: clean accuracy ${formatPercentOrDash(end.result.cleanAccuracy)}; the chart and the table follow.`,
          );
        }
      });
  };

  return (
    <div className="sweep">
      {sweepControl.hidden ? null : (
        <fieldset className="sweep-attacks">
          <legend>Attacks{sweepControl.locked ? <LockMark /> : null}</legend>
          {ATTACK_METAS.map((attack) => {
            const on = chosen.includes(attack.id);
            return (
              <div key={attack.id} className="sweep-attack">
                <label>
                  <input type="checkbox" checked={on} disabled={sweepControl.locked} onChange={(e) => toggle(attack.id, e.target.checked)} /> {attack.name}{' '}
                  <span className="muted">
                    ({normText(attack.norm)}
                    {attack.budgetParam ? '' : ', minimal perturbation'})
                  </span>
                </label>
                {on ? (
                  <details>
                    <summary>parameters</summary>
                    <ParamForm
                      specs={attack.params}
                      values={paramsById[attack.id] ?? {}}
                      onChange={(p) => setParamsById({ ...paramsById, [attack.id]: p })}
                      hidden={[attack.budgetParam ?? '', 'eps_step', ...lists.hidden]}
                      locked={lists.locked}
                      idPrefix={`sweep-${attack.id}`}
                      report={fields.report}
                    />
                  </details>
                ) : null}
              </div>
            );
          })}
        </fieldset>
      )}
      <div className="sweep-settings">
        {budgetsControl.hidden ? null : (
          <label>
            Budgets ε{budgetsControl.locked ? <LockMark /> : null}{' '}
            <input value={budgetsText} disabled={budgetsControl.locked} onChange={(e) => set({ budgets: e.target.value })} aria-label="budgets" size={34} />
          </label>
        )}
        {countControl.hidden ? null : (
          <label>
            Test digits{countControl.locked ? <LockMark /> : null}{' '}
            <NumberField
              disabled={countControl.locked}
              name="Test digits"
              integer
              min={1}
              max={2000}
              value={count}
              aria-label="number of test digits"
              onChange={(n) => set({ n })}
              onValidity={fields.report('n')}
            />
          </label>
        )}
        <label title="Every adversarial image of every attack and budget, for download as one .tar file">
          <input type="checkbox" checked={keepAdversarial} onChange={(e) => setKeepAdversarial(e.target.checked)} /> keep the adversarial images (
          {((count * model.card.input.shape.reduce((a, b) => a * b, 1) * Math.max(1, chosen.length) * Math.max(1, budgetCount)) / 1e6).toFixed(1)} MB)
        </label>
        {count < 2000 && !countControl.locked && !countControl.hidden ? (
          <button type="button" onClick={() => set({ n: 2000 })} title="Every test digit: 20 times longer than 100 digits.">
            Use all 2,000
          </button>
        ) : null}
        <button
          ref={focus.run}
          type="button"
          className="primary"
          onClick={run}
          disabled={job.running || !!budgetError || chosen.length === 0 || fields.invalid}
        >
          Run sweep
        </button>
      </div>
      <p className="muted small">
        Iterative attacks use the step size 2.5 ε / iterations at each budget (Madry et al.). Minimal-perturbation attacks run once; at budget ε a digit counts
        as fooled when their perturbation is at most ε in their own norm.
      </p>
      {budgetError ? (
        <p className="error" role="alert">
          {budgetError}
        </p>
      ) : null}
      {chosen.length === 0 ? <p className="error">Choose at least one attack.</p> : null}
      {job.running ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={job.cancel} cancelRef={focus.stop} /> : null}
      {error ? (
        <p className={error.startsWith('Cancelled') ? 'note' : 'error'} role="alert">
          {error}
        </p>
      ) : null}
      {latest ? (
        <ErrorBoundary name="The sweep results" onReset={clearSweeps} resetLabel="Clear the sweep results">
          <FaultPoint where="sweep-results" />
          <SweepResults
            key={latest.seconds + latest.modelId}
            result={latest}
            classes={model.card.classes}
            shape={model.card.input.shape as [number, number, number]}
          />
        </ErrorBoundary>
      ) : null}
    </div>
  );
}

/** Memoised: the panel redraws on every progress report of the next sweep, and this table and gallery need not. */
const SweepResults = memo(function SweepResults({ result, classes, shape }: { result: SweepResult; classes: string[]; shape: [number, number, number] }) {
  const attackIds = [...new Set(result.points.map((p) => p.attackId))];
  const [selected, setSelected] = useState(() => `${attackIds[0]}@${result.spec.budgets[result.spec.budgets.length - 1]}`);
  if (attackIds.length === 0) return <p className="muted">This sweep measured no digits.</p>;
  const series = attackIds.map((id) => {
    const points = result.points.filter((p) => p.attackId === id);
    return { key: id, label: `${getAttackMeta(id).name} (${normText(points[0]?.norm ?? 'inf')})`, points };
  });
  const [selectedAttack, selectedBudget] = selected.split('@');
  const gallery = result.gallery.filter((g) => g.attackId === selectedAttack && String(g.budget) === selectedBudget);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <div className="sweep-results" data-testid="sweep-results">
      <p>
        {result.modelId}, {result.points[0]?.examples ?? 0} test digits{result.partial ? ' (cancelled: partial)' : ''}: clean accuracy{' '}
        <strong data-testid="clean-accuracy">{formatPercentOrDash(result.cleanAccuracy)}</strong>, {formatSeconds(result.seconds)}.{' '}
        <button type="button" onClick={() => downloadText(`sweep-${result.modelId}-${stamp}.json`, sweepToJson(result), 'application/json')}>
          Export JSON
        </button>{' '}
        <button type="button" onClick={() => downloadText(`sweep-${result.modelId}-${stamp}.csv`, sweepToCsv(result), 'text/csv')}>
          Export CSV
        </button>
        {result.adversarial ? (
          <>
            {' '}
            <button
              type="button"
              onClick={() => downloadBytes(`adversarial-set-${result.modelId}-${stamp}.tar`, adversarialSetToTar(result, shape), 'application/x-tar')}
            >
              Download the adversarial images (.tar)
            </button>
          </>
        ) : null}
      </p>
      <AccuracyChart series={series} xLabel="budget ε (in each attack's norm)" />
      <ResultsTable
        label="sweep results"
        rows={result.points}
        rowKey={(p) => `${p.attackId}@${p.budget}`}
        selectedKey={selected}
        onSelect={setSelected}
        columns={[
          {
            header: 'Attack',
            // The row is clickable; its first cell's button is the same choice for the keyboard and screen readers.
            cell: (p) => {
              const key = `${p.attackId}@${p.budget}`;
              const name = getAttackMeta(p.attackId).name;
              return (
                <button type="button" className="link" aria-pressed={key === selected} aria-label={`Show fooled examples: ${name} at ε = ${p.budget}`}>
                  {name}
                </button>
              );
            },
          },
          { header: 'Norm', cell: (p) => normText(p.norm) },
          { header: 'ε', numeric: true, cell: (p) => p.budget },
          { header: 'Accuracy', numeric: true, cell: (p) => formatPercentOrDash(p.accuracy) },
          { header: 'Success rate', numeric: true, cell: (p) => formatPercentOrDash(p.successRate) },
          { header: 'Mean L∞', numeric: true, cell: (p) => fixed(p.meanLinf) },
          { header: 'Mean L2', numeric: true, cell: (p) => fixed(p.meanL2) },
          { header: 'Mean L0', numeric: true, cell: (p) => fixed(p.meanL0, 1) },
          { header: 'Mean queries', numeric: true, cell: (p) => fixed(p.meanQueries, 0) },
        ]}
      />
      <h3 className="gallery-heading">
        Fooled examples: {getAttackMeta(selectedAttack).name} at ε = {selectedBudget} <span className="muted">(choose a row above)</span>
      </h3>
      {gallery.length ? (
        <div className="gallery" aria-label="gallery of fooled examples">
          {gallery.map((g) => (
            <figure key={g.index}>
              <DigitImage pixels={g.pixels} width={28} height={28} size={84} label={`digit ${g.index}: ${g.trueLabel} read as ${g.adversarialLabel}`} />
              <figcaption>
                #{g.index}: {classes[g.trueLabel]} → <strong>{classes[g.adversarialLabel]}</strong>
              </figcaption>
            </figure>
          ))}
        </div>
      ) : (
        <p className="muted">No digit was fooled at this budget.</p>
      )}
    </div>
  );
});
