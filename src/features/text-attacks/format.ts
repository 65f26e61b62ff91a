/** A probability as a percentage that still says something at the extremes (a spam filter is often very sure). */
export function formatProbability(p: number): string {
  if (p >= 0.9995 && p < 1) return `${(100 - (1 - p) * 100).toFixed(3).replace(/0+$/, '')}%`;
  if (p === 1) return '100%';
  if (p > 0 && p < 0.0005) return `${(p * 100).toExponential(1)}%`;
  return `${(p * 100).toFixed(1)}%`;
}
