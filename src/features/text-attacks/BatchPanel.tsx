import { useDeferredValue, useState } from 'react';
import { NumberField } from '../../components/NumberField';
import { useFieldErrors } from '../../stores/fieldErrors';
import { AccuracyChart } from '../../components/AccuracyChart';
import { downloadText } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import { ResultsTable } from '../../components/ResultsTable';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { FAMILIES, FAMILY_LABELS, transformationsOf, type RankingId } from '../../core/text/catalog';
import type { TextRecipe } from '../../core/text/recipe';
import { DEFENSE_SETTINGS, textBatchToCsv, textBatchToJson, type BatchAttack, type DefenseSetting } from '../../core/text/batch';
import { textWorker } from '../../bridge/text';
import { useJob } from '../../bridge/useJob';
import type { TextWorkerApi } from '../../workers/textApi';
import type { ResultOf } from '../../rpc/protocol';
import { TEXT_MODELS } from '../../stores/models';
import { selectBatch, selectForm, useTextLab } from '../../stores/textLab';
import { SearchMethodSelect } from './RecipeFields';
import { formatPercent, formatSeconds } from '../../core/format';

const BUDGETS = [0, 0.02, 0.05, 0.1, 0.15];

/** TextAttack-style batch: each perturbation family over the test set's spam, with and without the normalizer. */
export function BatchPanel() {
  // Drawn in a deferred, interruptible render: a finished batch's tables and charts never block the page in one task.
  const batch = useDeferredValue(useTextLab(selectBatch));
  const { recipe, goodWordSource } = useTextLab(selectForm);
  const set = useTextLab((s) => s.set);
  const [count, setCount] = useState(200);
  const fields = useFieldErrors('text-batch');
  // The batch uses the single-message options too: an invalid one blocks it as well.
  const optionsInvalid = useFieldErrors('text-attack').invalid;
  const [ranking, setRanking] = useState<RankingId>('gradient');
  const [settings, setSettings] = useState<DefenseSetting[]>(['none', 'normalizer', 'adaptive']);
  const job = useJob<ResultOf<TextWorkerApi, 'batch'>>('text-batch');
  const [formError, setError] = useState<string>();
  const error = formError ?? job.error;
  const focus = useRunFocus(job.running);

  const run = async () => {
    const model = TEXT_MODELS[0];
    if (!model || settings.length === 0) return setError('Choose at least one defense setting.');
    const maxWordShare = BUDGETS[BUDGETS.length - 1];
    // Each family with the chosen transformations' parameters (defaults for those not chosen) and constraints.
    const attacks: BatchAttack<TextRecipe>[] = FAMILIES.map((family) => ({
      id: family,
      label: FAMILY_LABELS[family],
      options: {
        ...recipe,
        search: ranking,
        constraints: { ...recipe.constraints, maxWordShare },
        transformations: transformationsOf(family).map((id) => recipe.transformations.find((t) => t.id === id) ?? { id }),
      },
    }));
    setError(undefined);
    const end = await job.start({ lab: 'text', title: `Text batch over ${count} spam messages` }, (options) =>
      textWorker.call('batch', { model, count, label: 1, attacks, settings, budgets: BUDGETS, goodWordSource, seed: 1 }, options),
    );
    if (end.ok) {
      set({ batch: end.result });
      announce(`Batch finished: ${end.result.completed} messages${end.result.cancelled ? ' (cancelled)' : ''}; the summary table follows.`);
    } else {
      if (end.cancelled) setError(end.error);
      announce(`The batch stopped: ${end.error}`);
    }
  };

  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <div className="batch-panel">
      <p className="note">
        Each family (character, Unicode, word) attacks the first N spam messages of the test split with the options of the single-message view (query budget,
        edit distance, good words), up to 15% of the words; accuracy is read at each budget from the same runs. Behind the normalizer, the unaware attacker's
        texts are re-judged, and the adaptive attacker crafts new ones against normalizer + model.
      </p>
      <div className="sweep-settings">
        <label>
          Messages <NumberField name="Messages" integer min={1} max={357} value={count} onChange={setCount} onValidity={fields.report('count')} />
        </label>
        <label>
          Word ranking <SearchMethodSelect value={ranking} onChange={setRanking} />
        </label>
        {(Object.keys(DEFENSE_SETTINGS) as DefenseSetting[]).map((id) => (
          <label key={id} title={DEFENSE_SETTINGS[id].description}>
            <input
              type="checkbox"
              checked={settings.includes(id)}
              onChange={(e) => setSettings(e.target.checked ? [...settings, id] : settings.filter((s) => s !== id))}
            />{' '}
            {DEFENSE_SETTINGS[id].label}
          </label>
        ))}
        <button ref={focus.run} type="button" className="primary" onClick={() => void run()} disabled={job.running || fields.invalid || optionsInvalid}>
          Run batch
        </button>
      </div>
      {job.running ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={job.cancel} cancelRef={focus.stop} /> : null}
      {error ? <p className="error">{error}</p> : null}
      {batch ? (
        <>
          <p className="note">
            {batch.completed} messages{batch.cancelled ? ' (cancelled: the rows cover the messages done)' : ''} in {formatSeconds(batch.millis / 1000)}.
          </p>
          <ResultsTable
            label="attack summary"
            rows={batch.rows}
            rowKey={(row) => `${row.attackId}-${row.setting}`}
            columns={[
              { header: 'Attack', cell: (row) => row.label },
              { header: 'Setting', cell: (row) => DEFENSE_SETTINGS[row.setting].label },
              { header: 'Original accuracy', numeric: true, cell: (row) => formatPercent(row.summary.originalAccuracy) },
              { header: 'Accuracy under attack', numeric: true, cell: (row) => formatPercent(row.summary.accuracyUnderAttack) },
              { header: 'Attack success rate', numeric: true, cell: (row) => formatPercent(row.summary.successRate) },
              { header: 'Avg perturbed words', numeric: true, cell: (row) => `${row.summary.averagePerturbedWordPercent.toFixed(1)}%` },
              { header: 'Avg queries', numeric: true, cell: (row) => row.summary.averageQueries.toFixed(1) },
              {
                header: 'Succeeded / failed / skipped',
                numeric: true,
                cell: (row) => `${row.summary.succeeded} / ${row.summary.failed} / ${row.summary.skipped}`,
              },
            ]}
          />
          {/* One small chart per defense setting, three lines each, rather than nine lines on one. */}
          <div className="small-multiples">
            {[...new Set(batch.rows.map((row) => row.setting))].map((setting) => (
              <figure key={setting}>
                <figcaption>{DEFENSE_SETTINGS[setting].label}</figcaption>
                <AccuracyChart
                  xLabel="share of words perturbed"
                  series={batch.rows
                    .filter((row) => row.setting === setting)
                    .map((row) => ({ key: `${row.attackId}-${row.setting}`, label: row.label, points: row.curve }))}
                />
              </figure>
            ))}
          </div>
          <div className="run-row">
            <button
              type="button"
              onClick={() =>
                downloadText(`text-batch-${stamp}.json`, textBatchToJson(batch, { model: TEXT_MODELS[0]?.id, budgets: BUDGETS }), 'application/json')
              }
            >
              Export JSON
            </button>
            <button type="button" onClick={() => downloadText(`text-batch-${stamp}.csv`, textBatchToCsv(batch), 'text/csv')}>
              Export CSV
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}
