import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { sampleEvenly } from '../core/arrays';

export interface ChartSeries {
  key: string;
  label: string;
  points: { budget: number; accuracy: number }[];
}

const COLORS = ['#2f6fde', '#d2462b', '#2a9d5c', '#9b51e0', '#e09a1b', '#16a3b8', '#7a5c3e', '#d6336c', '#5c6f82', '#111'];

/** A longer series is drawn from an even sample of this many of its points (ends kept): SVG stays small. */
const MAX_POINTS = 100;
/** Dots on the lines only while there are few enough to tell apart. */
const MAX_DOTTED_POINTS = 60;

/** Accuracy against attack budget, one line per attack. */
export function AccuracyChart({ series: given, xLabel }: { series: ChartSeries[]; xLabel: string }) {
  const series = given.map((s) => ({ ...s, points: sampleEvenly(s.points, MAX_POINTS) }));
  const budgets = [...new Set(series.flatMap((s) => s.points.map((p) => p.budget)))].sort((a, b) => a - b);
  // Budgets such as 2/255, 4/255, 8/255 next to 0.3 would print on top of each other: let the axis pick its ticks.
  const range = (budgets.at(-1) ?? 0) - (budgets[0] ?? 0);
  const crowded = budgets.some((b, i) => i > 0 && b - budgets[i - 1] < range / 25);
  const tick = (v: number) => String(Number(v.toPrecision(3)));
  // One row per budget with each series' accuracy there, built in one pass (not a search per budget and series).
  const rowOf = new Map(budgets.map((budget) => [budget, { budget } as Record<string, number>]));
  for (const s of series) for (const p of s.points) rowOf.get(p.budget)![s.key] = Math.round(p.accuracy * 1000) / 10;
  const rows = [...rowOf.values()];
  const dotted = series.every((s) => s.points.length <= MAX_DOTTED_POINTS);
  return (
    <div className="chart" role="img" aria-label="accuracy against budget chart">
      <ResponsiveContainer width="100%" height={300}>
        <LineChart data={rows} margin={{ top: 10, right: 24, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ec" />
          <XAxis dataKey="budget" type="number" domain={['dataMin', 'dataMax']} ticks={crowded ? undefined : budgets} tickFormatter={tick} label={{ value: xLabel, position: 'insideBottom', offset: -12 }} />
          <YAxis domain={[0, 100]} unit="%" label={{ value: 'accuracy', angle: -90, position: 'insideLeft', offset: 14 }} />
          <Tooltip formatter={(v) => `${v}%`} labelFormatter={(b) => `ε = ${b}`} />
          <Legend verticalAlign="top" />
          {series.map((s, i) => (
            <Line key={s.key} dataKey={s.key} name={s.label} stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot={dotted ? { r: 3 } : false} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
