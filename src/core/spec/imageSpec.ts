/**
 * The image lab's spec: model, seed, input digit, view, the single attack and its parameters, the sweep's attacks,
 * budgets and size. Pure data (no React, no tfjs), so the build script compiles its validator and the worker checks
 * its locks.
 */
import { ATTACK_METAS } from '../attacks/catalog';
import type { AttackParams } from '../attacks/types';
import { decodeGroupedParams, decodeParams, encodeGroupedParams, encodeParams, parseBudgets } from '../attacks/paramCodec';
import { readParams } from '../attacks/params';
import type { AttackMeta, ParamSpec } from '../attacks/types';
import { lockViolations, type FieldDef, type FieldTable, type LabSpecDef, type SpecValue, type ValuesOf } from './labSpec';

const ID_LIST = '^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39}){0,19}$';

/** Controls several labs share (the same key holds the same value in each). */
export const MODEL_FIELD = {
  kind: 'string',
  label: 'Model',
  default: 'mnist-cnn',
  maxLength: 80,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$',
} as const satisfies FieldDef;
export const SEED_FIELD = { kind: 'int', label: 'Seed', default: 42, min: 0, max: 2 ** 31 - 1 } as const satisfies FieldDef;

export const IMAGE_FIELDS = {
  model: MODEL_FIELD,
  seed: SEED_FIELD,
  digit: { kind: 'int', label: 'Test digit', default: 0, min: 0, max: 1999 },
  /** One example, or accuracy against budget over the test set. */
  view: { kind: 'enum', label: 'View', default: 'single', choices: ['single', 'sweep'] },
  attack: { kind: 'string', label: 'Attack', default: 'fgsm', maxLength: 40, pattern: '^[a-z0-9][a-z0-9-]{0,39}$' },
  /** The attack's parameters that differ from its defaults ("eps:0.1,max_iter:40"). */
  params: { kind: 'string', label: 'Attack parameters', default: '', maxLength: 500 },
  sweep: { kind: 'string', label: 'Sweep attacks', default: 'fgsm,pgd', maxLength: 400, pattern: ID_LIST },
  budgets: { kind: 'string', label: 'Budgets', default: '0,0.05,0.1,0.15,0.2,0.25,0.3', maxLength: 400 },
  /** The sweep's attack parameters that differ from their defaults ("pgd.max_iter:10,deepfool.overshoot:0.05"). */
  sp: { kind: 'string', label: 'Sweep attack parameters', default: '', maxLength: 1000 },
  /** 100 digits by default: FGSM + PGD-100 over the default budgets takes about a minute on two cores. */
  n: { kind: 'int', label: 'Test digits', default: 100, min: 1, max: 2000 },
} as const satisfies FieldTable;

export type ImageSpecValues = ValuesOf<typeof IMAGE_FIELDS>;

const metaOf = (id: string): AttackMeta | undefined => ATTACK_METAS.find((a) => a.id === id);

/** An attack parameter as a lockable control. */
export function paramField(spec: ParamSpec): FieldDef {
  if (spec.kind === 'boolean') return { kind: 'bool', label: spec.label, default: spec.default === true };
  if (spec.kind === 'choice') return { kind: 'enum', label: spec.label, default: String(spec.default), choices: spec.choices ?? [] };
  return {
    kind: spec.kind === 'integer' ? 'int' : 'number',
    label: spec.label,
    default: Number(spec.default),
    min: spec.min ?? -Infinity,
    max: spec.max ?? Infinity,
  };
}

const attackParamsOf = (id: string) => metaOf(id)?.params;

/** The sweep's per-attack parameters from their hash text ("pgd.max_iter:10"); unknown attacks and keys are dropped. */
export const decodeSweepParams = (text: string): Record<string, AttackParams> => decodeGroupedParams(text, attackParamsOf);

/** The inverse of decodeSweepParams: only values that differ from their defaults. */
export const encodeSweepParams = (byId: Record<string, AttackParams>): string => encodeGroupedParams(byId, attackParamsOf);

/** The largest budget the given attacks accept (their budget parameter's maximum). */
export function maxBudgetOf(ids: readonly string[]): number {
  return Math.min(
    ...ids.map((id) => {
      const meta = metaOf(id);
      return meta?.params.find((p) => p.key === meta.budgetParam)?.max ?? Infinity;
    }),
  );
}

/** The single attack's parameters as the lab runs them: defaults, then the spec's `params`. */
export function resolvedParams(values: Pick<ImageSpecValues, 'attack' | 'params'>): Record<string, SpecValue> {
  const meta = metaOf(values.attack);
  if (!meta) return {};
  const given = decodeParams(meta.params, values.params);
  return Object.fromEntries(meta.params.map((p) => [p.key, given[p.key] ?? p.default]));
}

export const IMAGE_SPEC: LabSpecDef<typeof IMAGE_FIELDS> = {
  lab: 'image',
  version: 1,
  fields: IMAGE_FIELDS,
  extraControls: (values) => Object.fromEntries((metaOf(values.attack)?.params ?? []).map((p) => [p.key, paramField(p)])),
  extraValue: (values, key) => resolvedParams(values)[key],
  withExtraValue: (values, key, value) => {
    const meta = metaOf(values.attack);
    if (!meta) return values;
    return { ...values, params: encodeParams(meta.params, { ...decodeParams(meta.params, values.params), [key]: value }) };
  },
  refine: (values, locks) => {
    const problems: string[] = [];
    let out = values;
    if (!metaOf(out.attack)) {
      problems.push(`There is no attack called "${out.attack}"; FGSM is used.`);
      out = { ...out, attack: IMAGE_FIELDS.attack.default, params: '' };
    }
    const meta = metaOf(out.attack)!;
    try {
      readParams(meta.params, decodeParams(meta.params, out.params));
    } catch (error) {
      problems.push(`${(error as Error).message} The attack's defaults are used.`);
      out = { ...out, params: '' };
      // A lock still holds after the reset.
      for (const [key, value] of Object.entries(locks)) if (meta.params.some((p) => p.key === key)) out = IMAGE_SPEC.withExtraValue!(out, key, value);
    }
    for (const [id, params] of Object.entries(decodeSweepParams(out.sp))) {
      try {
        readParams(metaOf(id)!.params, params);
      } catch (error) {
        problems.push(`${metaOf(id)!.name} in the sweep: ${(error as Error).message} Its defaults are used.`);
        out = { ...out, sp: encodeSweepParams({ ...decodeSweepParams(out.sp), [id]: {} }) };
      }
    }
    const sweep = out.sweep.split(',');
    const unknown = sweep.filter((id) => !metaOf(id));
    if (unknown.length) {
      problems.push(`The sweep names no attack called ${unknown.map((id) => `"${id}"`).join(', ')}; it is left out.`);
      const known = sweep.filter((id) => metaOf(id));
      out = { ...out, sweep: known.length ? known.join(',') : IMAGE_FIELDS.sweep.default };
    }
    const ids = out.sweep.split(',');
    let budgets: number[];
    try {
      budgets = parseBudgets(out.budgets, maxBudgetOf(ids));
    } catch (error) {
      problems.push(`${(error as Error).message} The default budgets are used.`);
      out = { ...out, budgets: IMAGE_FIELDS.budgets.default };
      budgets = parseBudgets(out.budgets);
    }
    // A locked budget parameter (ε) is a ceiling for the sweep's budgets.
    const ceiling = ids.map((id) => locks[metaOf(id)?.budgetParam ?? '']).find((v): v is number => typeof v === 'number');
    if (ceiling !== undefined && budgets.some((b) => b > ceiling)) {
      // Default budgets are simply cut at the lock; budgets the spec chose are refused with a message.
      if (out.budgets !== IMAGE_FIELDS.budgets.default)
        problems.push(`ε is locked at ${ceiling} by this setup: budgets ${budgets.filter((b) => b > ceiling).join(', ')} were refused.`);
      const kept = budgets.filter((b) => b <= ceiling);
      out = { ...out, budgets: (kept.length ? kept : [0, ceiling]).join(',') };
    }
    return { values: out, problems };
  },
};

const labelsOf = (meta: AttackMeta | undefined): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(IMAGE_FIELDS).map(([key, field]) => [key, field.label])),
  ...Object.fromEntries((meta?.params ?? []).map((p) => [p.key, p.label])),
});

/**
 * What the worker checks before a single attack: the request must hold every locked control at its value (the form
 * disables them, but a page's DOM can be edited). Empty when the run may go.
 */
export function singleAttackLockViolations(
  locks: Record<string, SpecValue> | undefined,
  run: { model: string; attackId: string; params: Record<string, SpecValue>; seed: number },
): string[] {
  if (!locks || Object.keys(locks).length === 0) return [];
  const meta = metaOf(run.attackId);
  const resolved = meta ? Object.fromEntries(meta.params.map((p) => [p.key, run.params[p.key] ?? p.default])) : run.params;
  return lockViolations(locks, { model: run.model, attack: run.attackId, seed: run.seed, ...resolved }, labelsOf(meta));
}

/** What the worker checks before a sweep: locked controls, and no budget beyond a locked budget parameter (ε). */
export function sweepLockViolations(
  locks: Record<string, SpecValue> | undefined,
  run: { model: string; attacks: { id: string }[]; budgets: readonly number[]; count: number; seed: number },
): string[] {
  if (!locks || Object.keys(locks).length === 0) return [];
  const running = { model: run.model, seed: run.seed, n: run.count, sweep: run.attacks.map((a) => a.id).join(',') };
  const budgetKeys = new Set(run.attacks.map((a) => metaOf(a.id)?.budgetParam).filter((k): k is string => !!k));
  const problems = lockViolations(Object.fromEntries(Object.entries(locks).filter(([key]) => key in running)), running, labelsOf(undefined));
  for (const key of budgetKeys) {
    if (key in locks) problems.push(...lockViolations({ [key]: locks[key] }, {}, { eps: 'Budget ε' }, { key, values: run.budgets }));
  }
  return problems;
}
