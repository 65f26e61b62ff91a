import { useRef, useState } from 'react';
import { NumberField } from '../../components/NumberField';
import { useFieldErrors } from '../../stores/fieldErrors';
import { AccuracyChart } from '../../components/AccuracyChart';
import { downloadText } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import { ResultsTable } from '../../components/ResultsTable';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { FAMILIES, FAMILY_LABELS, RANKINGS, transformationsOf, type RankingId } from '../../core/text/attack';
import { DEFENSE_SETTINGS, textBatchToCsv, textBatchToJson, type BatchAttack, type DefenseSetting } from '../../core/text/batch';
import { textWorker } from '../../bridge/text';
import { TEXT_MODELS } from '../../stores/models';
import { selectBatch, useTextLab } from '../../stores/textLab';
import { formatPercent, formatSeconds } from '../../core/format';

const BUDGETS = [0, 0.02, 0.05, 0.1, 0.15];

/** TextAttack-style batch: each perturbation family over the test set's spam, with and without the normalizer. */
export function BatchPanel() {
  const batch = useTextLab(selectBatch);
  const { options, goodWordSource, set } = useTextLab();
  const [count, setCount] = useState(200);
  const fields = useFieldErrors('text-batch');
  // The batch uses the single-message options too: an invalid one blocks it as well.
  const optionsInvalid = useFieldErrors('text-attack').invalid;
  const [ranking, setRanking] = useState<RankingId>('gradient');
  const [settings, setSettings] = useState<DefenseSetting[]>(['none', 'normalizer', 'adaptive']);
  const [progress, setProgress] = useState<{ fraction: number; message?: string }>();
  const [error, setError] = useState<string>();
  const controller = useRef<AbortController>(undefined);
  const focus = useRunFocus(progress !== undefined);

  const run = async () => {
    const model = TEXT_MODELS[0];
    if (!model || settings.length === 0) return setError('Choose at least one defense setting.');
    const maxWordShare = BUDGETS[BUDGETS.length - 1];
    const attacks: BatchAttack[] = FAMILIES.map((family) => ({
      id: family,
      label: FAMILY_LABELS[family],
      options: { ...options, ranking, maxWordShare, transformations: transformationsOf(family) },
    }));
    setError(undefined);
    setProgress({ fraction: 0, message: 'Loading the model and the test messages…' });
    controller.current = new AbortController();
    try {
      const result = await textWorker.call(
        'batch',
        { model, count, label: 1, attacks, settings, budgets: BUDGETS, goodWordSource, seed: 1 },
        { signal: controller.current.signal, onProgress: (p) => setProgress({ fraction: p.fraction, message: p.message }) },
      );
      set({ batch: result });
      announce(`Batch finished: ${result.completed} messages${result.cancelled ? ' (cancelled)' : ''}; the summary table follows.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      announce(`The batch stopped: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setProgress(undefined);
    }
  };

  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <div className="batch-panel">
      <p className="note">
        Each family (character, Unicode, word) attacks the first N spam messages of the test split with the options of the
        single-message view (query budget, edit distance, good words), up to 15% of the words; accuracy is read at each
        budget from the same runs. Behind the normalizer, the unaware attacker's texts are re-judged, and the adaptive
        attacker crafts new ones against normalizer + model.
      </p>
      <div className="sweep-settings">
        <label>
          Messages <NumberField name="Messages" integer min={1} max={357} value={count} onChange={setCount} onValidity={fields.report('count')} />
        </label>
        <label>
          Word ranking{' '}
          <select value={ranking} onChange={(e) => setRanking(e.target.value as RankingId)}>
            {Object.entries(RANKINGS).map(([id, r]) => (
              <option key={id} value={id}>
                {r.label}
              </option>
            ))}
          </select>
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
        <button ref={focus.run} type="button" className="primary" onClick={() => void run()} disabled={progress !== undefined || fields.invalid || optionsInvalid}>
          Run batch
        </button>
      </div>
      {progress ? <ProgressBar fraction={progress.fraction} message={progress.message} onCancel={() => controller.current?.abort()} cancelRef={focus.stop} /> : null}
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
              { header: 'Succeeded / failed / skipped', numeric: true, cell: (row) => `${row.summary.succeeded} / ${row.summary.failed} / ${row.summary.skipped}` },
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
            <button type="button" onClick={() => downloadText(`text-batch-${stamp}.json`, textBatchToJson(batch, { model: TEXT_MODELS[0]?.id, budgets: BUDGETS }), 'application/json')}>
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
