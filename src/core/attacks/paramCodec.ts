import type { AttackParams, ParamSpec } from './types';

/** Parameters that differ from their defaults, as "key:value,key:value" (short enough for a URL hash). */
export function encodeParams(specs: readonly ParamSpec[], params: AttackParams): string {
  return specs
    .filter((spec) => params[spec.key] !== undefined && params[spec.key] !== spec.default)
    .map((spec) => `${spec.key}:${params[spec.key]}`)
    .join(',');
}

/** The inverse of encodeParams; unknown keys are dropped and values are typed by their spec. */
export function decodeParams(specs: readonly ParamSpec[], text: string): AttackParams {
  const out: AttackParams = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf(':');
    if (at < 0) continue;
    const spec = specs.find((s) => s.key === pair.slice(0, at));
    if (!spec) continue;
    const raw = pair.slice(at + 1);
    if (spec.kind === 'boolean') out[spec.key] = raw === 'true';
    else if (spec.kind === 'choice') out[spec.key] = raw;
    else if (raw.trim() !== '' && Number.isFinite(Number(raw))) out[spec.key] = Number(raw);
  }
  return out;
}

/**
 * Budgets from "0, 0.05, 0.1": numbers in [0, max], sorted, without duplicates; throws a plain message otherwise.
 * `max` is the largest budget the chosen attacks accept (their budget parameter's maximum).
 */
export function parseBudgets(text: string, max = Infinity): number[] {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('Give at least one budget, e.g. "0, 0.1, 0.2, 0.3".');
  const values = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v) || v < 0) throw new Error(`"${p}" is not a budget: use numbers of 0 or more, separated by commas.`);
    if (v > max) throw new Error(`${p} is too large a budget: the chosen attacks accept at most ${max}.`);
    return v;
  });
  if (values.length > 20) throw new Error('At most 20 budgets per sweep.');
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * Parameters of several catalog entries in one text ("pgd.max_iter:10,deepfool.overshoot:0.05"): each item is the
 * entry's id, a dot, then encodeParams' "key:value". `specsOf` gives an entry's parameters, or undefined for an id no
 * catalog has (its items are dropped).
 */
export function decodeGroupedParams(text: string, specsOf: (id: string) => readonly ParamSpec[] | undefined): Record<string, AttackParams> {
  const byId: Record<string, string[]> = {};
  for (const item of text.split(',').filter(Boolean)) {
    const dot = item.indexOf('.');
    if (dot > 0) (byId[item.slice(0, dot)] ??= []).push(item.slice(dot + 1));
  }
  const out: Record<string, AttackParams> = {};
  for (const [id, items] of Object.entries(byId)) {
    const specs = specsOf(id);
    if (specs) out[id] = decodeParams(specs, items.join(','));
  }
  return out;
}

/** The inverse of decodeGroupedParams: only values that differ from their defaults, entries in the given order. */
export function encodeGroupedParams(byId: Readonly<Record<string, AttackParams>>, specsOf: (id: string) => readonly ParamSpec[] | undefined): string {
  return Object.entries(byId)
    .flatMap(([id, params]) => {
      const specs = specsOf(id);
      const encoded = specs ? encodeParams(specs, params) : '';
      return encoded ? encoded.split(',').map((item) => `${id}.${item}`) : [];
    })
    .join(',');
}
