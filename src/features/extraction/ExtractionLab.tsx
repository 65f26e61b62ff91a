import { lockedValues } from '../../stores/labControls';
import { memo, useState } from 'react';
import { NumberField } from '../../components/NumberField';
import { SetupForm } from './SetupForm';
import { useFieldErrors } from '../../stores/fieldErrors';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { AccuracyChart, CHART_COLORS } from '../../components/AccuracyChart';
import { compute } from '../../bridge/compute';
import { useJob } from '../../bridge/useJob';
import { extractionWorkers } from '../../bridge/extraction';
import { downloadText } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import { ResultsTable } from '../../components/ResultsTable';
import { ScrollBox } from '../../components/ScrollBox';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { parseBudgets } from '../../core/attacks/paramCodec';
import { getDefenseMeta, oracleConfigOf, setupProblem, type ExtractionSetup } from '../../core/extraction/catalog';
import { IMAGE_MODELS, findImageModel } from '../../stores/models';
import { selectRuns, selectSetSetup, selectSetup, useExtractionLab, type ExtractionRun } from '../../stores/extractionLab';
import { selectModelId, selectSeed, useSettings } from '../../stores/settings';
import { HELD_OUT_FROM } from '../../core/extraction/types';
import type { OracleConfig } from '../../core/extraction/types';
import type { ProgressOf } from '../../rpc/protocol';
import type { ExtractionSummary, ExtractionWorkerApi } from '../../workers/extractionApi';
import type { TransferResult } from '../../core/extraction/transfer';
import type { SweepResult } from '../../core/metrics/sweep';
import { formatPercent, formatPercentOrDash } from '../../core/format';

/** A run's name in the chart's legend: strategy, answers, output defenses, budget. */
function runLabel(setup: ExtractionSetup): string {
  const noise = setup.defenses.find((d) => d.id === 'gaussian-noise');
  const sigma = noise && Number(noise.params.sigma ?? getDefenseMeta('gaussian-noise').params[0].default);
  const reverseSigmoid = setup.defenses.some((d) => d.id === 'reverse-sigmoid');
  return `${setup.strategy.id} · ${setup.output.id}${sigma ? ` · noise ${sigma}` : ''}${reverseSigmoid ? ' · reverse sigmoid' : ''} · ${setup.budget} queries`;
}

/** The victim's labels for the held-out digits, computed outside the budget (evaluation only), per model. */
const heldOutLabels = new Map<string, Promise<Int32Array>>();
function victimLabels(modelId: string): Promise<Int32Array> {
  let labels = heldOutLabels.get(modelId);
  if (!labels) {
    // Computed where the digits already are: the main thread neither decodes them nor sends 6 MB of pixels.
    labels = compute.call('predictTest', { model: findImageModel(modelId)!, from: HELD_OUT_FROM }).then(({ labels: predicted }) => predicted);
    labels.catch(() => heldOutLabels.delete(modelId));
    heldOutLabels.set(modelId, labels);
  }
  return labels;
}

export function ExtractionLab() {
  const defaultVictim = useSettings(selectModelId);
  const appSeed = useSettings(selectSeed);
  const runs = useExtractionLab(selectRuns);
  const setup = useExtractionLab(selectSetup);
  const setSetup = useExtractionLab(selectSetSetup);
  const victimId = setup.victimId ?? (findImageModel(defaultVictim) ? defaultVictim : IMAGE_MODELS[0]?.id);
  const seed = setup.seed ?? appSeed;
  const fields = useFieldErrors('extraction');
  const job = useJob<ExtractionSummary, ProgressOf<ExtractionWorkerApi, 'run'>>('extraction-run');
  const [note, setError] = useState<string>();
  const error = note ?? job.error;
  const focus = useRunFocus(job.running);
  const victim = victimId ? findImageModel(victimId) : undefined;

  const run = async () => {
    if (!victim) return;
    const problem = setupProblem(setup);
    if (problem) {
      setError(problem);
      return;
    }
    let config: OracleConfig;
    try {
      config = oracleConfigOf(setup, seed);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    const id = Date.now();
    const label = runLabel(setup);
    const store = useExtractionLab.getState();
    setError(undefined);
    store.start({ id, label, victimId: victim.id, rounds: [] });
    const { oracle, attacker } = extractionWorkers();
    const end = await job.start(
      { lab: 'extraction', title: `Steal ${victim.id}: ${label}` },
      async (options) => {
        options.onProgress?.({ fraction: 0, message: 'opening the oracle…' });
        const info = await oracle.call('open', { model: victim, config }, { signal: options.signal, onSent: options.onSent });
        const labels = await victimLabels(victim.id);
        options.onProgress?.({ fraction: 0, message: 'querying and training…' });
        return attacker.call(
          'run',
          {
            strategy: setup.strategy,
            substitute: setup.substitute,
            budget: setup.budget,
            queriesPerRound: setup.queriesPerRound,
            numClasses: info.numClasses,
            inputShape: info.inputShape,
            victimLabels: labels,
            heldOutFrom: HELD_OUT_FROM,
            seed,
            locks: lockedValues('extraction'),
          },
          options,
        );
      },
      { onProgress: (p) => p.round && useExtractionLab.getState().addRound(id, p.round) },
    );
    if (end.ok) {
      store.update(id, { queriesUsed: end.result.queriesUsed, stoppedBy: end.result.stoppedBy });
      announce(`Extraction finished after ${end.result.queriesUsed} queries (stopped by ${end.result.stoppedBy}); the chart and the rounds follow.`);
    } else {
      const message = end.cancelled ? 'Cancelled: the rounds done so far are kept.' : end.error;
      if (end.cancelled) setError(message);
      announce(message);
      useExtractionLab.getState().update(id, { error: message });
    }
    // The log and the detector's verdict are read from the oracle's side, whatever happened to the run.
    try {
      const [log, verdict] = await Promise.all([oracle.call('log', {}), oracle.call('detector', {})]);
      useExtractionLab.getState().update(id, { logCount: log.length, logTail: log.slice(-15), verdict });
    } catch {
      // No oracle was opened (or its worker is gone): nothing to show.
    }
  };

  const exportLog = async () => {
    const log = await extractionWorkers().oracle.call('log', {});
    downloadText(`query-log-${victimId}.json`, JSON.stringify(log, null, 2), 'application/json');
  };

  const latest = runs[runs.length - 1];
  return (
    <section className="extraction-lab">
      <h2>Model extraction</h2>
      <p className="muted">
        The victim answers queries from a worker of its own; the attacker, in another worker, sees only the answers. It trains a substitute on them and measures
        its fidelity (agreement with the victim) on 1,900 test digits it never queried.
      </p>
      <SetupForm setup={setup} victimId={victimId} onChange={setSetup} report={fields.report}>
        <button ref={focus.run} type="button" className="primary" onClick={() => void run()} disabled={job.running || !victim || fields.invalid}>
          Steal the model
        </button>
      </SetupForm>
      {job.running ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={job.cancel} cancelRef={focus.stop} /> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <ErrorBoundary name="The extraction results" onReset={() => useExtractionLab.getState().clear()} resetLabel="Clear the runs">
        <FaultPoint where="extraction-results" />
        {runs.some((r) => r.rounds.length > 0) ? <FidelityChart runs={runs} /> : null}
        {latest ? <RunDetails run={latest} onExport={() => void exportLog()} /> : null}
        {latest?.stoppedBy && victim ? <TransferPanel victimId={latest.victimId} seed={seed} /> : null}
      </ErrorBoundary>
    </section>
  );
}

interface TransferOutcome {
  attackId: string;
  points: { eps: number; transfer: number; whiteBox: number | null; substitute: number }[];
  digits: number;
  queries: number;
}

/**
 * Transfer: craft FGSM or PGD on the stolen copy and send the images to the victim, next to the same attack crafted
 * on the victim itself (white-box, computed in the image lab's worker on the same digits).
 */
function TransferPanel({ victimId, seed }: { victimId: string; seed: number }) {
  const [attackId, setAttackId] = useState<'fgsm' | 'pgd'>('fgsm');
  const [budgetsText, setBudgetsText] = useState('0.05, 0.1, 0.2, 0.3');
  const [count, setCount] = useState(500);
  const job = useJob<{ transfer: TransferResult; whiteBox: SweepResult }>('extraction-transfer');
  const [note, setError] = useState<string>();
  const error = note ?? job.error;
  const [outcome, setOutcome] = useState<TransferOutcome>();
  const transferFields = useFieldErrors('extraction-transfer');
  const transferFocus = useRunFocus(job.running);
  const victim = findImageModel(victimId)!;

  const run = async () => {
    let budgets: number[];
    try {
      budgets = parseBudgets(budgetsText);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    setError(undefined);
    setOutcome(undefined);
    const { oracle, attacker } = extractionWorkers();
    // A job: visible and cancellable (here and in the status bar) through both phases.
    const end = await job.start({ lab: 'extraction', title: `Transfer ${attackId.toUpperCase()} from the stolen copy` }, async (options) => {
      // A fresh oracle session for this phase: each digit costs one query per budget, plus one for its clean label.
      const oracleBudget = count * (budgets.length + 1);
      const info = await oracle.call(
        'open',
        { model: victim, config: { output: { kind: 'label' }, budget: oracleBudget, seed } },
        { signal: options.signal, onSent: options.onSent },
      );
      const transfer = await attacker.call(
        'transfer',
        { attackId, budgets, count, heldOutFrom: HELD_OUT_FROM, oracleBudget, numClasses: info.numClasses, inputShape: info.inputShape, seed },
        options,
      );
      options.onProgress?.({ fraction: 1, message: 'the same attack, white-box on the victim…' });
      const whiteBox = await compute.call(
        'sweep',
        {
          model: victim,
          spec: {
            attacks: [{ id: attackId, params: attackId === 'pgd' ? { max_iter: 40 } : {} }],
            budgets,
            count,
            start: HELD_OUT_FROM,
            seed,
            galleryPerPoint: 0,
          },
        },
        { signal: options.signal },
      );
      return { transfer, whiteBox };
    });
    if (!end.ok) {
      if (end.cancelled) setError('Cancelled.');
      return;
    }
    const { transfer, whiteBox } = end.result;
    setOutcome({
      attackId,
      digits: transfer.digits,
      queries: transfer.victimQueries,
      points: transfer.points.map((p) => ({
        eps: p.eps,
        transfer: p.transferSuccess,
        substitute: p.substituteSuccess,
        whiteBox: whiteBox.points.find((w) => w.budget === p.eps)?.successRate ?? null,
      })),
    });
  };

  return (
    <div className="transfer">
      <h3>Transfer attack: use the stolen copy against the victim</h3>
      <div className="sweep-settings">
        <label>
          Attack{' '}
          <select value={attackId} onChange={(e) => setAttackId(e.target.value as 'fgsm' | 'pgd')} aria-label="transfer attack">
            <option value="fgsm">FGSM</option>
            <option value="pgd">PGD-40</option>
          </select>
        </label>
        <label>
          Budgets ε <input value={budgetsText} onChange={(e) => setBudgetsText(e.target.value)} aria-label="transfer budgets" size={20} />
        </label>
        <label>
          Held-out digits{' '}
          <NumberField
            name="Held-out digits"
            integer
            min={1}
            max={1900}
            value={count}
            onChange={setCount}
            aria-label="transfer digits"
            onValidity={transferFields.report('count')}
          />
        </label>
        <button ref={transferFocus.run} type="button" className="primary" onClick={() => void run()} disabled={job.running || transferFields.invalid}>
          Run transfer attack
        </button>
      </div>
      {job.running ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={job.cancel} cancelRef={transferFocus.stop} /> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {outcome ? (
        <>
          <p className="muted small">
            Success = share of the digits the victim got right whose label the attack changed; {outcome.digits} digits, {outcome.queries} victim queries.
          </p>
          <AccuracyChart
            description="transfer success against budget chart"
            xLabel="budget ε (L∞)"
            yLabel="success"
            height={260}
            series={[
              {
                key: 'transfer',
                label: 'crafted on the stolen copy (transfer)',
                color: CHART_COLORS[1],
                points: outcome.points.map((p) => ({ budget: p.eps, accuracy: p.transfer })),
              },
              {
                key: 'whiteBox',
                label: 'crafted on the victim (white-box)',
                color: CHART_COLORS[0],
                points: outcome.points.flatMap((p) => (p.whiteBox === null ? [] : [{ budget: p.eps, accuracy: p.whiteBox }])),
              },
            ]}
          />
          <ResultsTable
            label="transfer results"
            rows={outcome.points}
            rowKey={(p) => String(p.eps)}
            columns={[
              { header: 'ε', numeric: true, cell: (p) => p.eps },
              { header: 'Transfer success', numeric: true, cell: (p) => formatPercent(p.transfer) },
              { header: 'White-box success', numeric: true, cell: (p) => formatPercentOrDash(p.whiteBox) },
              { header: 'On the copy', numeric: true, cell: (p) => formatPercent(p.substitute) },
            ]}
          />
        </>
      ) : null}
    </div>
  );
}

/** Fidelity (solid) and accuracy (dashed) against queries used, one colour per run. Memoised: it redraws per round, not per progress report. */
const FidelityChart = memo(function FidelityChart({ runs }: { runs: ExtractionRun[] }) {
  const series = runs.flatMap((run, i) => {
    const color = CHART_COLORS[i % CHART_COLORS.length];
    return [
      { key: `${run.id}-f`, label: `fidelity: ${run.label}`, color, points: run.rounds.map((r) => ({ budget: r.queriesUsed, accuracy: r.fidelity })) },
      {
        key: `${run.id}-a`,
        label: `accuracy: ${run.label}`,
        color,
        dashed: true,
        points: run.rounds.map((r) => ({ budget: r.queriesUsed, accuracy: r.accuracy })),
      },
    ];
  });
  return (
    <AccuracyChart description="fidelity against queries chart" xLabel="queries used" yLabel="" xTitle={(q) => `${q} queries`} xFrom={0} series={series} />
  );
});

function RunDetails({ run, onExport }: { run: ExtractionRun; onExport(): void }) {
  const last = run.rounds[run.rounds.length - 1];
  return (
    <div className="run-details">
      <h3>Latest run: {run.label}</h3>
      {last ? (
        <p data-testid="extraction-summary">
          After {last.queriesUsed} queries: fidelity <strong>{formatPercent(last.fidelity)}</strong>, accuracy {formatPercent(last.accuracy)}
          {run.stoppedBy ? ` (stopped by ${run.stoppedBy})` : ''}.
        </p>
      ) : null}
      <ScrollBox label="extraction rounds table">
        <table className="results" aria-label="extraction rounds">
          <thead>
            <tr>
              <th className="num">Round</th>
              <th className="num">Queries</th>
              <th className="num">Training set</th>
              <th className="num">Fidelity</th>
              <th className="num">Accuracy</th>
              <th className="num">Seconds</th>
            </tr>
          </thead>
          <tbody>
            {run.rounds.map((r) => (
              <tr key={r.round}>
                <td className="num">{r.round}</td>
                <td className="num">{r.queriesUsed}</td>
                <td className="num">{r.trainingSetSize}</td>
                <td className="num">{formatPercent(r.fidelity)}</td>
                <td className="num">{formatPercent(r.accuracy)}</td>
                <td className="num">{r.seconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      {run.verdict ? (
        <p className={run.verdict.flagged ? 'verdict success' : 'verdict failure'} data-testid="detector-verdict">
          {run.verdict.flagged
            ? `PRADA flagged this stream at query ${run.verdict.firedAt} (W = ${run.verdict.statistic?.toFixed(3)}).`
            : `PRADA did not flag this stream${run.verdict.statistic !== undefined ? ` (W = ${run.verdict.statistic.toFixed(3)})` : ''}.`}
        </p>
      ) : null}
      {run.logCount !== undefined ? (
        <div className="query-log">
          <h4>
            Query log: <span data-testid="log-count">{run.logCount}</span> entries{' '}
            <button type="button" onClick={onExport}>
              Export JSON
            </button>
          </h4>
          <ScrollBox label="query log table">
            <table className="results query-log-table" aria-label="query log">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th className="num">ms</th>
                  <th>input hash</th>
                  <th className="num">label</th>
                  <th>answer</th>
                </tr>
              </thead>
              <tbody>
                {run.logTail?.map((entry) => (
                  <tr key={entry.index}>
                    <td className="num">{entry.index}</td>
                    <td className="num">{entry.time.toFixed(0)}</td>
                    <td>
                      <code>{entry.inputHash}</code>
                    </td>
                    <td className="num">{entry.label}</td>
                    <td className="small">{entry.output.map((v) => (Number.isInteger(v) ? v : v.toFixed(3))).join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          <p className="muted small">The last {run.logTail?.length} entries; the export has all of them.</p>
        </div>
      ) : null}
    </div>
  );
}
