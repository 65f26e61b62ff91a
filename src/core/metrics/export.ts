import type { SweepResult } from './sweep';

export const SWEEP_EXPORT_VERSION = 1;

/** The sweep as JSON (the gallery's pixels as arrays of bytes), with a version to check on import. */
export function sweepToJson(result: SweepResult): string {
  return JSON.stringify(
    {
      version: SWEEP_EXPORT_VERSION,
      kind: 'accuracy-vs-budget',
      ...result,
      gallery: result.gallery.map((g) => ({ ...g, pixels: Array.from(g.pixels) })),
    },
    null,
    2,
  );
}

const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per (attack, budget): the numbers of the results table. */
export function sweepToCsv(result: SweepResult): string {
  const header = ['model', 'attack', 'norm', 'budget', 'examples', 'accuracy', 'success_rate', 'mean_l0', 'mean_l2', 'mean_linf', 'mean_queries'];
  const rows = result.points.map((p) => [result.modelId, p.attackId, p.norm, p.budget, p.examples, p.accuracy, p.successRate, p.meanL0, p.meanL2, p.meanLinf, p.meanQueries]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
