import type { RobustnessReport } from '../../core/audit/report';
import { pct } from './files';

interface Row {
  label: string;
  a: number | null;
  b: number | null;
  /** Fidelity of a stolen copy is a risk: lower is better there. */
  lowerIsBetter?: boolean;
}

function rowsOf(a: RobustnessReport, b: RobustnessReport): Row[] {
  const rows: Row[] = [{ label: 'Clean accuracy', a: a.clean.accuracy, b: b.clean.accuracy }];
  const ids = [...new Set([...a.attacks, ...b.attacks].map((x) => x.id))];
  for (const id of ids) {
    const attackA = a.attacks.find((x) => x.id === id);
    const attackB = b.attacks.find((x) => x.id === id);
    const budgets = [...new Set([...(attackA?.points ?? []), ...(attackB?.points ?? [])].map((p) => p.budget))].filter((x) => x > 0).sort((x, y) => x - y);
    for (const budget of budgets) {
      const at = (attack: typeof attackA) => attack?.points.find((p) => Math.abs(p.budget - budget) < 1e-9)?.accuracy ?? null;
      rows.push({ label: `${(attackA ?? attackB)!.name} at ${Number(budget.toPrecision(3))}`, a: at(attackA), b: at(attackB) });
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
        {labels[0]}: {a.model.name} on {a.data.name} ({a.suite.id}, seed {a.suite.seed}); {labels[1]}: {b.model.name} on {b.data.name} ({b.suite.id}, seed {b.suite.seed}).{' '}
        {sameWeights ? 'Same weights.' : 'Different weights.'}
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
              <td className="num">{pct(r.a)}</td>
              <td className="num">{pct(r.b)}</td>
              <td className={`num ${r.a !== null && r.b !== null ? ((r.b > r.a) !== !!r.lowerIsBetter && r.b !== r.a ? 'verdict-ok' : r.b !== r.a ? 'verdict-bad' : '') : ''}`}>
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
                  <span className={`badge severity-${f.severity}`}>{f.severity}</span> {f.text}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}
