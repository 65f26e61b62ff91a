import { memo } from 'react';
import { AccuracyChart } from '../../components/AccuracyChart';
import { sampleEvenly } from '../../core/arrays';
import type { ReportAttack, RobustnessReport } from '../../core/audit/report';
import { formatPercentRange, shareInterval } from '../../core/metrics/interval';
import { clip } from './files';
import { formatCount, formatPercentOrDash, formatSeconds } from '../../core/format';

/** A long table shows an even sample of this many rows per attack (the export keeps them all). */
const MAX_ROWS_PER_ATTACK = 20;
/** The edits listed for one text example at most. */
const MAX_CHANGES = 50;
/** The per-class table shows this many classes at most. */
const MAX_CLASS_ROWS = 200;

const UNIT_LABELS: Record<ReportAttack['budgetUnit'], string> = {
  linf: 'L∞ budget ε (pixels in [0, 1])',
  l2: 'L2 budget',
  'word-share': 'share of words perturbed',
};

const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '–' : Number(x.toPrecision(digits)).toString());

/** Invisible and look-alike characters made visible, so a text example shows what the attack did. */
function VisibleText({ text, inline = false }: { text: string; inline?: boolean }) {
  const parts: (string | { char: string; code: string })[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const odd = code > 0x7e || (code < 0x20 && char !== '\n' && char !== '\t');
    if (odd) parts.push({ char, code: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` });
    else if (typeof parts.at(-1) === 'string') parts[parts.length - 1] += char;
    else parts.push(char);
  }
  const Tag = inline ? 'span' : 'pre';
  return (
    <Tag className={inline ? undefined : 'message-text'}>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <mark key={i} title={p.code} className="char-look-alike">
            {/\p{L}|\p{N}|\p{P}|\p{S}/u.test(p.char) ? p.char : `⟨${p.code}⟩`}
          </mark>
        ),
      )}
    </Tag>
  );
}

/** Memoised: the panel around it redraws on every progress report of the next run. */
export const ReportView = memo(function ReportView({ report }: { report: RobustnessReport }) {
  const units = [...new Set(report.attacks.filter((a) => a.points.length > 0).map((a) => a.budgetUnit))];
  const classes = report.model.classes;
  const nameOf = (label: number) => (label >= 0 ? (classes[label] ?? String(label)) : 'another class');
  const sampledAttacks = report.attacks.filter((a) => !a.skipped && a.points.filter((p) => p.budget > 0).length > MAX_ROWS_PER_ATTACK).length;
  const extractionPoints = sampleEvenly(report.extraction?.points ?? [], MAX_ROWS_PER_ATTACK);
  return (
    <div className="report-view" data-testid="report-view">
      {report.partial ? <p className="note">Partial results: the run was cancelled, and every number covers only the examples that finished.</p> : null}
      <h4>Summary</h4>
      <ul className="findings" aria-label="findings">
        {report.findings.map((f) => (
          <li key={f.text}>
            <span className={`badge severity-${f.severity}`}>{f.severity}</span> {clip(f.text)}
          </li>
        ))}
      </ul>
      <p>
        Clean accuracy <strong data-testid="clean-accuracy">{formatPercentOrDash(report.clean.accuracy)}</strong>{' '}
        <CiOf share={report.clean.accuracy} trials={report.clean.examples} /> ({report.clean.correct} of {report.clean.examples} examples of {report.data.name};
        every rate shows its 95% interval, wide on few examples); suite {report.suite.id}, seed {report.suite.seed}, {report.environment.runtime} /{' '}
        {report.environment.backend}, {formatSeconds(report.environment.seconds, 0)}.
      </p>
      {units.map((unit) => (
        <div key={unit}>
          <h4>Accuracy against {UNIT_LABELS[unit]}</h4>
          <AccuracyChart
            xLabel={UNIT_LABELS[unit]}
            series={report.attacks.filter((a) => a.budgetUnit === unit && a.points.length > 0).map((a) => ({ key: a.id, label: a.name, points: a.points }))}
          />
        </div>
      ))}
      <div className="table-scroll">
        <table className="data-table" aria-label="attack results">
          <thead>
            <tr>
              <th>Attack</th>
              <th>Knowledge</th>
              <th className="num">Budget</th>
              <th className="num">Accuracy</th>
              <th className="num">Success rate</th>
              <th className="num">Mean L2</th>
              <th className="num">Mean L∞</th>
              <th className="num">Mean queries</th>
              <th className="num">Perturbed words</th>
            </tr>
          </thead>
          <tbody>
            {report.attacks.flatMap((a) =>
              a.skipped
                ? [
                    <tr key={a.id}>
                      <td>{a.name}</td>
                      <td>{a.knowledge}</td>
                      <td colSpan={7} className="muted">
                        not run: {clip(a.skipped)}
                      </td>
                    </tr>,
                  ]
                : sampleEvenly(
                    a.points.filter((p) => p.budget > 0),
                    MAX_ROWS_PER_ATTACK,
                  ).map((p) => (
                    <tr key={`${a.id}@${p.budget}`}>
                      <td>{a.name}</td>
                      <td>{a.knowledge}</td>
                      <td className="num">{num(p.budget)}</td>
                      <td className="num">
                        <Rate share={p.accuracy} trials={p.examples} />
                      </td>
                      <td className="num">
                        <Rate share={p.successRate} trials={Math.round(report.clean.accuracy * p.examples)} />
                      </td>
                      <td className="num">{num(p.meanL2)}</td>
                      <td className="num">{num(p.meanLinf)}</td>
                      <td className="num">{num(p.meanQueries)}</td>
                      <td className="num">
                        {p.meanPerturbedWordPercent === undefined || p.meanPerturbedWordPercent === null ? '–' : `${p.meanPerturbedWordPercent.toFixed(1)}%`}
                      </td>
                    </tr>
                  )),
            )}
          </tbody>
        </table>
      </div>
      {sampledAttacks > 0 ? (
        <p className="muted">
          {sampledAttacks === 1 ? 'One attack has' : `${sampledAttacks} attacks have`} more than {MAX_ROWS_PER_ATTACK} budgets: the table shows{' '}
          {MAX_ROWS_PER_ATTACK} of them, evenly spaced; the exported JSON and HTML hold them all.
        </p>
      ) : null}
      {report.perClass.length > 0 && report.reference ? (
        <>
          <h4>
            Per class, under {report.attacks.find((a) => a.id === report.reference!.attackId)?.name ?? report.reference.attackId} at{' '}
            {report.model.task === 'text' ? `${formatPercentOrDash(report.reference.budget)} of the words` : `ε ${num(report.reference.budget)}`}
          </h4>
          <table className="data-table" aria-label="per-class robustness">
            <thead>
              <tr>
                <th>Class</th>
                <th className="num">Examples</th>
                <th className="num">Clean</th>
                <th className="num">Under attack</th>
              </tr>
            </thead>
            <tbody>
              {report.perClass.slice(0, MAX_CLASS_ROWS).map((c) => (
                <tr key={c.classIndex}>
                  <td>{c.name}</td>
                  <td className="num">{c.examples}</td>
                  <td className="num">
                    <Rate share={c.cleanAccuracy} trials={c.examples} />
                  </td>
                  <td className="num">
                    <Rate share={c.robustAccuracy} trials={c.examples} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.perClass.length > MAX_CLASS_ROWS ? (
            <p className="muted">
              The first {MAX_CLASS_ROWS} of {formatCount(report.perClass.length)} classes; the exported HTML lists them all.
            </p>
          ) : null}
        </>
      ) : null}
      {report.worstExamples.length > 0 ? (
        <>
          <h4>The most fragile examples</h4>
          <div className={report.model.task === 'image' ? 'gallery' : 'text-examples'} aria-label="worst examples">
            {report.worstExamples.map((e) => (
              <figure key={`${e.attackId}-${e.index}`} className="worst-example">
                {e.originalImage && e.adversarialImage ? (
                  <div className="pair">
                    <img src={e.originalImage} alt={`example ${e.index}, ${nameOf(e.trueLabel)}`} />
                    <img src={e.adversarialImage} alt={`adversarial example ${e.index}, read as ${nameOf(e.adversarialLabel)}`} />
                  </div>
                ) : null}
                {e.changes?.length ? (
                  <p className="small">
                    Changes:{' '}
                    {e.changes.slice(0, MAX_CHANGES).map((c, i) => (
                      <code key={i}>
                        {i > 0 ? ', ' : ''}
                        <VisibleText text={c} inline />
                      </code>
                    ))}
                    {e.changes.length > MAX_CHANGES ? ` and ${e.changes.length - MAX_CHANGES} more` : null}
                  </p>
                ) : null}
                {e.adversarialText !== undefined ? <VisibleText text={e.adversarialText.slice(0, 600)} /> : null}
                <figcaption>
                  #{e.index}: {nameOf(e.trueLabel)} → {nameOf(e.adversarialLabel)} ({formatPercentOrDash(e.adversarialConfidence)}),{' '}
                  {report.model.task === 'image' ? `L2 ${num(e.size)}` : `${formatPercentOrDash(e.size)} of the words`}
                </figcaption>
              </figure>
            ))}
          </div>
        </>
      ) : null}
      {report.extraction ? (
        <>
          <h4>Model extraction</h4>
          {report.extraction.skipped ? (
            <p className="muted">Not run: {clip(report.extraction.skipped)}</p>
          ) : (
            <table className="data-table" aria-label="extraction">
              <thead>
                <tr>
                  <th className="num">Queries</th>
                  <th className="num">Fidelity</th>
                  <th className="num">Copy's accuracy</th>
                </tr>
              </thead>
              <tbody>
                {extractionPoints.map((p) => (
                  <tr key={p.queries}>
                    <td className="num">{formatCount(p.queries)}</td>
                    <td className="num">
                      <Rate share={p.fidelity} trials={report.extraction!.heldOut} />
                    </td>
                    <td className="num">
                      <Rate share={p.accuracy} trials={report.extraction!.heldOut} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">
            {report.extraction.strategy} queries, {report.extraction.output} answers, substitute {report.extraction.substitute}; fidelity on{' '}
            {report.extraction.heldOut} held-out examples never queried.
          </p>
        </>
      ) : null}
      <h4>Checks</h4>
      <ul>
        {report.checks.map((c) => (
          <li key={c.id}>
            <span className={`badge verdict-${c.verdict}`}>{c.verdict}</span> {c.label}: {clip(c.detail)}
          </li>
        ))}
      </ul>
    </div>
  );
});

/** The muted 95% Wilson interval of a share measured on `trials` examples. */
function CiOf({ share, trials }: { share: number; trials: number }) {
  if (!(trials > 0)) return null;
  return (
    <span className="ci" title={`95% Wilson interval over ${trials} examples`}>
      {formatPercentRange(shareInterval(share, trials))}
    </span>
  );
}

/** A share with its interval, for table cells. */
function Rate({ share, trials }: { share: number; trials: number }) {
  return (
    <>
      {formatPercentOrDash(share)} <CiOf share={share} trials={trials} />
    </>
  );
}
