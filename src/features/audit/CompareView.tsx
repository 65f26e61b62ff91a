import { sampleEvenly } from '../../core/arrays';
import type { ReportAttack, RobustnessReport } from '../../core/audit/report';
import { clip } from './files';
import { formatPercentOrDash } from '../../core/format';

/** Budgets compared per attack at most (an even sample of those either report has). */
const MAX_BUDGETS_PER_ATTACK = 50;

interface Row {
  label: string;
  a: number | null;
  b: number | null;
  /** Fidelity of a stolen copy is a risk: lower is better there. */
  lowerIsBetter?: boolean;
}

function rowsOf(a: RobustnessReport, b: RobustnessReport): Row[] {
  const rows: Row[] = [{ label: 'Clean accuracy', a: a.clean.accuracy, b: b.clean.accuracy }];
  const byId = (r: RobustnessReport) => new Map(r.attacks.map((x) => [x.id, x]));
  const [attacksA, attacksB] = [byId(a), byId(b)];
  // Budgets match to 9 decimals (the same budget computed twice may differ in the last bits).
  const key = (budget: number) => budget.toFixed(9);
  const accuracyAt = (attack: ReportAttack | undefined) => new Map((attack?.points ?? []).map((p) => [key(p.budget), p.accuracy]));
  for (const id of new Set([...attacksA.keys(), ...attacksB.keys()])) {
    const [attackA, attackB] = [attacksA.get(id), attacksB.get(id)];
    const [atA, atB] = [accuracyAt(attackA), accuracyAt(attackB)];
    const budgets = [...new Set([...(attackA?.points ?? []), ...(attackB?.points ?? [])].map((p) => p.budget))].filter((x) => x > 0).sort((x, y) => x - y);
    const distinct = budgets.filter((budget, i) => i === 0 || key(budget) !== key(budgets[i - 1]));
    for (const budget of sampleEvenly(distinct, MAX_BUDGETS_PER_ATTACK)) {
      rows.push({
        label: `${(attackA ?? attackB)!.name} at ${Number(budget.toPrecision(3))}`,
        a: atA.get(key(budget)) ?? null,
        b: atB.get(key(budget)) ?? null,
      });
    }
  }
  const lastFidelity = (r: RobustnessReport) => r.extraction?.points.at(-1)?.fidelity ?? null;
  if (a.extraction || b.extraction) {
    const queries = [...new Set([a, b].map((r) => r.extraction?.points.at(-1)?.queries).filter((q) => q !== undefined))];
    rows.push({ label: `Extraction fidelity at ${queries.join(' / ') || '?'} queries`, a: lastFidelity(a), b: lastFidelity(b), lowerIsBetter: true });
  }
  return rows;
}

/** Two reports side by side: every accuracy both have, and the change from the first to the second. */
export function CompareView({ a, b, labels }: { a: RobustnessReport; b: RobustnessReport; labels: [string, string] }) {
  const sameWeights = a.model.weightsSha256 === b.model.weightsSha256;
  return (
    <div className="compare-view" data-testid="compare-view">
      <p className="muted">
        {labels[0]}: {a.model.name} on {a.data.name} ({a.suite.id}, seed {a.suite.seed}); {labels[1]}: {b.model.name} on {b.data.name} ({b.suite.id}, seed{' '}
        {b.suite.seed}). {sameWeights ? 'Same weights.' : 'Different weights.'}
        {a.data.name !== b.data.name || a.suite.examples !== b.suite.examples ? ' The data differ, so the numbers are not strictly comparable.' : ''}
      </p>
      <table className="data-table" aria-label="comparison">
        <thead>
          <tr>
            <th>Measure</th>
            <th className="num">{labels[0]}</th>
            <th className="num">{labels[1]}</th>
            <th className="num">Change</th>
          </tr>
        </thead>
        <tbody>
          {rowsOf(a, b).map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td className="num">{formatPercentOrDash(r.a)}</td>
              <td className="num">{formatPercentOrDash(r.b)}</td>
              <td
                className={`num ${r.a !== null && r.b !== null ? (r.b > r.a !== !!r.lowerIsBetter && r.b !== r.a ? 'verdict-ok' : r.b !== r.a ? 'verdict-bad' : '') : ''}`}
              >
                {r.a !== null && r.b !== null ? `${r.b - r.a >= 0 ? '+' : ''}${(100 * (r.b - r.a)).toFixed(1)} pts` : '–'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="compare-findings">
        {[a, b].map((r, i) => (
          <div key={i}>
            <h5>{labels[i]}</h5>
            <ul>
              {r.findings.map((f) => (
                <li key={f.text}>
                  <span className={`badge severity-${f.severity}`}>{f.severity}</span> {clip(f.text)}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}
