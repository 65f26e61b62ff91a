import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { sampleEvenly } from '../core/arrays';

export interface ChartSeries {
  key: string;
  label: string;
  /** `budget` is the x value (a budget, or queries used); `accuracy` a share in [0, 1] (an accuracy or a success rate). */
  points: { budget: number; accuracy: number }[];
  /** A colour of its own (series that belong together share one); by default the next of the palette. */
  color?: string;
  /** A dashed line without dots, for a companion of a solid series. */
  dashed?: boolean;
}

interface AccuracyChartProps {
  series: ChartSeries[];
  xLabel: string;
  /** The y axis's title ('' for none, where the legend says it). */
  yLabel?: string;
  /** The tooltip's heading for an x value. */
  xTitle?: (x: number) => string;
  /** The x axis starts here (queries start at 0) and picks its own ticks; by default it spans the data, a tick per budget. */
  xFrom?: number;
  /** What the chart shows, for screen readers. */
  description?: string;
  height?: number;
}

export const CHART_COLORS = ['#2f6fde', '#d2462b', '#2a9d5c', '#9b51e0', '#e09a1b', '#16a3b8', '#7a5c3e', '#d6336c', '#5c6f82', '#111'];

/** A longer series is drawn from an even sample of this many of its points (ends kept): SVG stays small. */
const MAX_POINTS = 100;
/** Dots on the lines only while there are few enough to tell apart. */
const MAX_DOTTED_POINTS = 60;

const epsilonTitle = (budget: number) => `ε = ${budget}`;

/** Accuracy (or any share in percent) against attack budget or queries, one line per series: every lab's accuracy chart. */
export function AccuracyChart({
  series: given,
  xLabel,
  yLabel = 'accuracy',
  xTitle = epsilonTitle,
  xFrom,
  description = 'accuracy against budget chart',
  height = 300,
}: AccuracyChartProps) {
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
    <div className="chart" role="img" aria-label={description}>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={rows} margin={{ top: 10, right: 24, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ec" />
          <XAxis
            dataKey="budget"
            type="number"
            domain={[xFrom ?? 'dataMin', 'dataMax']}
            ticks={crowded || xFrom !== undefined ? undefined : budgets}
            tickFormatter={tick}
            label={{ value: xLabel, position: 'insideBottom', offset: -12 }}
          />
          <YAxis domain={[0, 100]} unit="%" label={yLabel ? { value: yLabel, angle: -90, position: 'insideLeft', offset: 14 } : undefined} />
          <Tooltip formatter={(v) => `${String(v)}%`} labelFormatter={(x) => xTitle(Number(x))} />
          <Legend verticalAlign="top" />
          {series.map((s, i) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stroke={s.color ?? CHART_COLORS[i % CHART_COLORS.length]}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '5 4' : undefined}
              dot={dotted && !s.dashed ? { r: 3 } : false}
              legendType={s.dashed ? 'plainline' : undefined}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
