import { writeTar } from '../data/tar';
import { APP } from '../version';
import type { SweepResult } from './sweep';

export const SWEEP_EXPORT_VERSION = 1;

/**
 * The sweep as JSON (the gallery's pixels as arrays of bytes), with a version to check on import and what made it:
 * the app and its version, the model's weights (sha256), the seed and every parameter of each attack.
 */
export function sweepToJson(result: SweepResult): string {
  return JSON.stringify(
    {
      version: SWEEP_EXPORT_VERSION,
      kind: 'accuracy-vs-budget',
      tool: APP,
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
  const rows = result.points.map((p) => [
    result.modelId,
    p.attackId,
    p.norm,
    p.budget,
    p.examples,
    p.accuracy,
    p.successRate,
    p.meanL0,
    p.meanL2,
    p.meanLinf,
    p.meanQueries,
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * The adversarial images of a sweep kept with `keepAdversarial`, as one tar archive: `manifest.json` (what made them,
 * the shape and the files), `labels.u8` (the true label of each example) and one `<attack>-eps<budget>.u8` per point,
 * each [examples, height, width, channels] bytes, row-major, in the test split's order from `spec.start`.
 */
export function adversarialSetToTar(result: SweepResult, shape: [number, number, number]): Uint8Array {
  const labels = result.adversarialLabels;
  if (!result.adversarial?.length || !labels) throw new Error('This sweep kept no adversarial images: run it again with "keep the adversarial images" on.');
  const pixels = shape[0] * shape[1] * shape[2];
  const examples = result.adversarial[0].pixels.length / pixels;
  const files = result.adversarial.map((a) => ({ name: `${a.attackId}-eps${a.budget}.u8`, bytes: a.pixels, attackId: a.attackId, budget: a.budget }));
  const manifest = {
    kind: 'adversarial-set',
    version: 1,
    tool: APP,
    modelId: result.modelId,
    weightsSha256: result.weightsSha256,
    spec: { ...result.spec, keepAdversarial: undefined },
    resolvedParams: result.resolvedParams,
    examples,
    firstExample: result.spec.start ?? 0,
    shape: [examples, ...shape],
    dtype: 'uint8 (pixel value x 255)',
    labels: 'labels.u8',
    files: files.map(({ name, attackId, budget }) => ({ name, attackId, budget })),
  };
  const text = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  return writeTar([{ name: 'manifest.json', bytes: text }, { name: 'labels.u8', bytes: labels.subarray(0, examples) }, ...files]);
}
