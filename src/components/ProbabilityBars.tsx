import { argMax } from '../core/arrays';
import { formatPercent } from '../core/format';
interface ProbabilityBarsProps {
  probabilities: number[];
  classes: string[];
  /** The class to mark as the true label, if known. */
  trueClass?: number;
}

/** One horizontal bar per class; the predicted class is highlighted. */
export function ProbabilityBars({ probabilities, classes, trueClass }: ProbabilityBarsProps) {
  const top = argMax(probabilities);
  return (
    <table className="prob-bars" aria-label="class probabilities">
      <tbody>
        {probabilities.map((p, k) => (
          <tr key={k} className={k === top ? 'top' : undefined}>
            <th scope="row">
              {classes[k]}
              {k === trueClass ? (
                <span className="true-mark" title="true label">
                  {' '}
                  ✓
                </span>
              ) : null}
            </th>
            <td className="bar-cell">
              <div className="bar" style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </td>
            <td className="num">{formatPercent(p)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
