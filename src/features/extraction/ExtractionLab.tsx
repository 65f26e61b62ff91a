import { useRef, useState } from 'react';
import { NumberField } from '../../components/NumberField';
import { useFieldErrors } from '../../stores/fieldErrors';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { AccuracyChart, CHART_COLORS } from '../../components/AccuracyChart';
import { compute } from '../../bridge/compute';
import { cancelJob, startJob } from '../../bridge/jobs';
import { selectJobOfKind, useJobs } from '../../stores/jobs';
import { extractionWorkers } from '../../bridge/extraction';
import { loadTestDigits } from '../../bridge/datasets';
import { downloadText } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import { ResultsTable } from '../../components/ResultsTable';
import { ScrollBox } from '../../components/ScrollBox';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { parseBudgets } from '../../core/attacks/paramCodec';
import type { StrategyId } from '../../core/extraction/strategies';
import type { OracleConfig, OutputMode } from '../../core/extraction/types';
import { IMAGE_MODELS, findImageModel } from '../../stores/models';
import { selectRuns, useExtractionLab, type ExtractionRun } from '../../stores/extractionLab';
import { selectModelId, selectSeed, useSettings } from '../../stores/settings';
import { HELD_OUT_FROM } from '../../core/extraction/types';
import type { Progress } from '../../workers/protocol';
import { formatPercent, formatPercentOrDash } from '../../core/format';

const STRATEGY_TEXT: Record<StrategyId, string> = {
  'random-noise': 'No data: uniform random noise',
  synthetic: 'No data: synthetic pen strokes',
  jacobian: '100 seed digits + Jacobian augmentation (Papernot et al. 2017)',
  'pool-random': 'Unlabeled pool (8,000 digits): random',
  'pool-uncertainty': 'Unlabeled pool: least-sure first (active)',
  'pool-adaptive': 'Unlabeled pool: adaptive bandit (KnockoffNets)',
};

type ModeKind = OutputMode['kind'];

/** The victim's labels for the held-out digits, computed outside the budget (evaluation only), per model. */
const heldOutLabels = new Map<string, Promise<Int32Array>>();
function victimLabels(modelId: string): Promise<Int32Array> {
  let labels = heldOutLabels.get(modelId);
  if (!labels) {
    labels = loadTestDigits().then(async (test) => {
      const size = test.height * test.width * test.channels;
      // A plain loop: Float32Array.from with a map callback took 250 ms of the main thread for these 1.5 M pixels.
      const bytes = test.images.subarray(HELD_OUT_FROM * size);
      const pixels = new Float32Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) pixels[i] = bytes[i] / 255;
      const { labels: predicted } = await compute.call('predict', { model: findImageModel(modelId)!, pixels, count: test.count - HELD_OUT_FROM });
      return Int32Array.from(predicted);
    });
    labels.catch(() => heldOutLabels.delete(modelId));
    heldOutLabels.set(modelId, labels);
  }
  return labels;
}

export function ExtractionLab() {
  const defaultVictim = useSettings(selectModelId);
  const seed = useSettings(selectSeed);
  const runs = useExtractionLab(selectRuns);
  const [victimId, setVictimId] = useState(findImageModel(defaultVictim) ? defaultVictim : IMAGE_MODELS[0]?.id);
  const [mode, setMode] = useState<ModeKind>('probabilities');
  const [k, setK] = useState(3);
  const [decimals, setDecimals] = useState(2);
  const [noise, setNoise] = useState(0);
  const fields = useFieldErrors('extraction');
  const [reverseSigmoid, setReverseSigmoid] = useState(false);
  const [prada, setPrada] = useState(true);
  const [budget, setBudget] = useState(1000);
  const [perRound, setPerRound] = useState(250);
  const [strategy, setStrategy] = useState<StrategyId>('pool-uncertainty');
  const [architecture, setArchitecture] = useState<'mnist-mlp' | 'mnist-cnn'>('mnist-mlp');
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
  const focus = useRunFocus(!!progress);
  const victim = victimId ? findImageModel(victimId) : undefined;

  const run = async () => {
    if (!victim) return;
    if (!(budget >= 1 && budget <= 20000 && perRound >= 1)) {
      setError('Choose a budget between 1 and 20,000 queries and at least 1 query per round.');
      return;
    }
    const output: OutputMode =
      mode === 'top-k' ? { kind: 'top-k', k } : mode === 'rounded' ? { kind: 'rounded', decimals } : { kind: mode };
    const config: OracleConfig = {
      output,
      budget,
      seed,
      defenses: {
        ...(noise > 0 ? { gaussianNoise: noise } : {}),
        ...(reverseSigmoid ? { reverseSigmoid: { beta: 1, gamma: 0.1 } } : {}),
        ...(prada ? { prada: { threshold: 0.9 } } : {}),
      },
    };
    const id = Date.now();
    const label = `${strategy} · ${mode}${noise > 0 ? ` · noise ${noise}` : ''}${reverseSigmoid ? ' · reverse sigmoid' : ''} · ${budget} queries`;
    const store = useExtractionLab.getState();
    abort.current = new AbortController();
    setError(undefined);
    setProgress({ fraction: 0, message: 'opening the oracle…' });
    store.start({ id, label, victimId: victim.id, rounds: [] });
    const { oracle, attacker } = extractionWorkers();
    try {
      const info = await oracle.call('open', { model: victim, config });
      const labels = await victimLabels(victim.id);
      setProgress({ fraction: 0, message: 'querying and training…' });
      const summary = await attacker.call(
        'run',
        {
          strategy,
          budget,
          queriesPerRound: perRound,
          training: { architecture, epochs: architecture === 'mnist-cnn' ? 3 : 10, batchSize: 64, learningRate: 0.001 },
          numClasses: info.numClasses,
          inputShape: info.inputShape,
          victimLabels: labels,
          heldOutFrom: HELD_OUT_FROM,
          seed,
        },
        {
          signal: abort.current.signal,
          onProgress: (p) => {
            setProgress(p);
            if (p.round) useExtractionLab.getState().addRound(id, p.round);
          },
        },
      );
      store.update(id, { queriesUsed: summary.queriesUsed, stoppedBy: summary.stoppedBy });
      announce(`Extraction finished after ${summary.queriesUsed} queries (stopped by ${summary.stoppedBy}); the chart and the rounds follow.`);
    } catch (e) {
      const message = (e as Error).name === 'AbortError' ? 'Cancelled: the rounds done so far are kept.' : (e as Error).message;
      setError(message);
      announce(message);
      useExtractionLab.getState().update(id, { error: message });
    } finally {
      // The log and the detector's verdict are read from the oracle's side, whatever happened to the run.
      try {
        const [log, verdict] = await Promise.all([oracle.call('log', {}), oracle.call('detector', {})]);
        useExtractionLab.getState().update(id, { logCount: log.length, logTail: log.slice(-15), verdict });
      } catch {
        // No oracle was opened: nothing to show.
      }
      setProgress(undefined);
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
        The victim answers queries from a worker of its own; the attacker, in another worker, sees only the answers. It trains a
        substitute on them and measures its fidelity (agreement with the victim) on 1,900 test digits it never queried.
      </p>
      <div className="extraction-form">
        <fieldset>
          <legend>Victim (the oracle)</legend>
          <label>
            Model{' '}
            <select value={victimId} onChange={(e) => setVictimId(e.target.value)} aria-label="victim model">
              {IMAGE_MODELS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.card.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Answers{' '}
            <select value={mode} onChange={(e) => setMode(e.target.value as ModeKind)} aria-label="output mode">
              <option value="probabilities">all probabilities</option>
              <option value="top-k">top-k probabilities</option>
              <option value="rounded">rounded probabilities</option>
              <option value="label">label only</option>
            </select>
          </label>
          {mode === 'top-k' ? (
            <label>
              k <NumberField name="k" integer min={1} max={9} value={k} onChange={setK} onValidity={fields.report('k')} />
            </label>
          ) : null}
          {mode === 'rounded' ? (
            <label>
              decimals <NumberField name="Decimals" integer min={0} max={6} value={decimals} onChange={setDecimals} onValidity={fields.report('decimals')} />
            </label>
          ) : null}
          <label>
            Noise σ <NumberField name="Noise σ" min={0} max={1} step={0.01} value={noise} onChange={setNoise} aria-label="noise" onValidity={fields.report('noise')} />
          </label>
          <label>
            <input type="checkbox" checked={reverseSigmoid} onChange={(e) => setReverseSigmoid(e.target.checked)} /> reverse sigmoid (β 1, γ 0.1)
          </label>
          <label>
            <input type="checkbox" checked={prada} onChange={(e) => setPrada(e.target.checked)} /> PRADA detector (δ 0.90)
          </label>
          <label>
            Budget{' '}
            <NumberField name="Query budget" integer min={1} max={20000} value={budget} onChange={setBudget} aria-label="query budget" onValidity={fields.report('budget')} />
          </label>
        </fieldset>
        <fieldset>
          <legend>Attacker</legend>
          <label>
            Knowledge and strategy{' '}
            <select value={strategy} onChange={(e) => setStrategy(e.target.value as StrategyId)} aria-label="strategy">
              {(Object.keys(STRATEGY_TEXT) as StrategyId[]).map((s) => (
                <option key={s} value={s}>
                  {STRATEGY_TEXT[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Queries per round{' '}
            <NumberField name="Queries per round" integer min={1} max={20000} value={perRound} onChange={setPerRound} aria-label="queries per round" onValidity={fields.report('perRound')} />
          </label>
          <label>
            Substitute{' '}
            <select value={architecture} onChange={(e) => setArchitecture(e.target.value as 'mnist-mlp' | 'mnist-cnn')} aria-label="substitute">
              <option value="mnist-mlp">dense (fast)</option>
              <option value="mnist-cnn">small CNN</option>
            </select>
          </label>
          <button ref={focus.run} type="button" className="primary" onClick={() => void run()} disabled={!!progress || !victim || fields.invalid}>
            Steal the model
          </button>
        </fieldset>
      </div>
      {progress ? <ProgressBar fraction={progress.fraction} message={progress.message} onCancel={() => abort.current?.abort()} cancelRef={focus.stop} /> : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
      <ErrorBoundary name="The extraction results" onReset={() => useExtractionLab.getState().clear()} resetLabel="Clear the runs">
        <FaultPoint where="extraction-results" />
        {runs.length ? <FidelityChart runs={runs} /> : null}
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
  const job = useJobs(selectJobOfKind('extraction-transfer'));
  const [error, setError] = useState<string>();
  const [outcome, setOutcome] = useState<TransferOutcome>();
  const transferFields = useFieldErrors('extraction-transfer');
  const transferFocus = useRunFocus(!!job);
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
    const job = startJob({ kind: 'extraction-transfer', lab: 'extraction', title: `Transfer ${attackId.toUpperCase()} from the stolen copy` }, async (options) => {
      // A fresh oracle session for this phase: each digit costs one query per budget, plus one for its clean label.
      const oracleBudget = count * (budgets.length + 1);
      const info = await oracle.call('open', { model: victim, config: { output: { kind: 'label' }, budget: oracleBudget, seed } }, { signal: options.signal });
      const transfer = await attacker.call(
        'transfer',
        { attackId, budgets, count, heldOutFrom: HELD_OUT_FROM, oracleBudget, numClasses: info.numClasses, inputShape: info.inputShape, seed },
        options,
      );
      options.onProgress?.({ fraction: 1, message: 'the same attack, white-box on the victim…' });
      const whiteBox = await compute.call(
        'sweep',
        { model: victim, spec: { attacks: [{ id: attackId, params: attackId === 'pgd' ? { max_iter: 40 } : {} }], budgets, count, start: HELD_OUT_FROM, seed, galleryPerPoint: 0 } },
        { signal: options.signal },
      );
      return { transfer, whiteBox };
    });
    try {
      const { transfer, whiteBox } = await job.done;
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
    } catch (e) {
      setError((e as Error).name === 'AbortError' ? 'Cancelled.' : (e as Error).message);
    }
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
          <NumberField name="Held-out digits" integer min={1} max={1900} value={count} onChange={setCount} aria-label="transfer digits" onValidity={transferFields.report('count')} />
        </label>
        <button ref={transferFocus.run} type="button" className="primary" onClick={() => void run()} disabled={!!job || transferFields.invalid}>
          Run transfer attack
        </button>
      </div>
      {job ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={() => cancelJob(job.id)} cancelRef={transferFocus.stop} /> : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
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
              { key: 'transfer', label: 'crafted on the stolen copy (transfer)', color: CHART_COLORS[1], points: outcome.points.map((p) => ({ budget: p.eps, accuracy: p.transfer })) },
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

/** Fidelity (solid) and accuracy (dashed) against queries used, one colour per run. */
function FidelityChart({ runs }: { runs: ExtractionRun[] }) {
  const series = runs.flatMap((run, i) => {
    const color = CHART_COLORS[i % CHART_COLORS.length];
    return [
      { key: `${run.id}-f`, label: `fidelity: ${run.label}`, color, points: run.rounds.map((r) => ({ budget: r.queriesUsed, accuracy: r.fidelity })) },
      { key: `${run.id}-a`, label: `accuracy: ${run.label}`, color, dashed: true, points: run.rounds.map((r) => ({ budget: r.queriesUsed, accuracy: r.accuracy })) },
    ];
  });
  return <AccuracyChart description="fidelity against queries chart" xLabel="queries used" yLabel="" xTitle={(q) => `${q} queries`} xFrom={0} series={series} />;
}

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
