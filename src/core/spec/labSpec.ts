/**
 * A lab's experiment spec: every control of a lab as plain, versioned, serialisable data, TensorFlow Playground style
 * (one state object, all of it in the URL, any control lockable or hideable). Pure functions: the app wires them to
 * the URL hash, the stores and the Download / Open setup buttons.
 *
 * - `values`: one primitive per control; in the hash only those that differ from the default are written.
 * - `locks`: controls shown but not editable, each with the value it is locked at ("lock=eps:0.3,n"); a spec whose
 *   value differs from its own lock is refused for that control, with a message, and the locked value holds.
 * - `hidden`: controls absent from the page ("hide=seed,backend").
 */
export type SpecValue = string | number | boolean;

/** One control's type, default and bounds: it yields the JSON Schema that validates it and the hash codec. */
export type FieldDef =
  | { kind: 'int'; label: string; default: number; min: number; max: number }
  | { kind: 'number'; label: string; default: number; min: number; max: number }
  | { kind: 'enum'; label: string; default: string; choices: readonly string[] }
  | { kind: 'string'; label: string; default: string; maxLength: number; pattern?: string }
  | { kind: 'bool'; label: string; default: boolean };

export type FieldTable = Record<string, FieldDef>;

export interface LabSpecDef<F extends FieldTable = FieldTable> {
  /** The lab's id, as in `#lab=<id>`. */
  lab: string;
  /** Bumped when a field changes meaning; a setup file of another version is refused with a message. */
  version: number;
  fields: F;
  /**
   * Controls that are not fields but may be locked or hidden (an attack's parameters inside `params`), for the
   * given values: a lock on one of them is checked against the value the lab would run with (`lockedValueOf`).
   */
  extraControls?(values: ValuesOf<F>): FieldTable;
  /** The value a lab would run with for an extra control (e.g. ε read out of the `params` field). */
  extraValue?(values: ValuesOf<F>, key: string): SpecValue | undefined;
  /** Writes an extra control's value into the values (e.g. ε into the `params` field). */
  withExtraValue?(values: ValuesOf<F>, key: string, value: SpecValue): ValuesOf<F>;
  /**
   * Checks across controls that a schema cannot state (a sweep's budgets under a locked ε, an attack's parameters
   * inside `params`): returns the values to use and a message per refusal.
   */
  refine?(values: ValuesOf<F>, locks: Record<string, SpecValue>): { values: ValuesOf<F>; problems: string[] };
}

export type ValueOf<D extends FieldDef> = D extends { kind: 'enum'; choices: readonly (infer C extends string)[] }
  ? C
  : D extends { default: infer V }
    ? V extends number
      ? number
      : V extends boolean
        ? boolean
        : string
    : never;
export type ValuesOf<F extends FieldTable> = { [K in keyof F]: ValueOf<F[K]> };

export interface LabSpec<F extends FieldTable = FieldTable> {
  lab: string;
  values: ValuesOf<F>;
  locks: Record<string, SpecValue>;
  hidden: string[];
}

/** The setup file (Download setup / Open setup). */
export const SPEC_FILE_KIND = 'adversarial-playground/lab-spec';
export const SPEC_FILE_SCHEMA_VERSION = 1;
export interface LabSpecFile {
  kind: typeof SPEC_FILE_KIND;
  schemaVersion: typeof SPEC_FILE_SCHEMA_VERSION;
  lab: string;
  specVersion: number;
  values: Record<string, SpecValue>;
  locks?: Record<string, SpecValue>;
  hidden?: string[];
}

/** Keys of controls outside any lab that a spec may still hide or lock (the status bar's backend and zoom). */
export const APP_CONTROLS: FieldTable = {
  backend: { kind: 'string', label: 'Backend', default: 'auto', maxLength: 16 },
  zoom: { kind: 'int', label: 'Text size', default: 100, min: 50, max: 300 },
};

const MAX_CONTROLS = 64;

export function defaultsOf<F extends FieldTable>(fields: F): ValuesOf<F> {
  return Object.fromEntries(Object.entries(fields).map(([key, def]) => [key, def.default])) as ValuesOf<F>;
}

function fieldSchema(def: FieldDef): object {
  switch (def.kind) {
    case 'int':
      return { type: 'integer', minimum: def.min, maximum: def.max };
    case 'number':
      return { type: 'number', minimum: def.min, maximum: def.max };
    case 'enum':
      return { type: 'string', enum: [...def.choices] };
    case 'string':
      return def.pattern ? { type: 'string', maxLength: def.maxLength, pattern: def.pattern } : { type: 'string', maxLength: def.maxLength };
    case 'bool':
      return { type: 'boolean' };
  }
}

/**
 * The JSON Schema of a lab's setup file, compiled ahead of time by scripts/build-validators.ts. The same validator
 * checks the values read from the URL hash (wrapped as a file), so both ways in agree.
 */
export function labSpecJsonSchema(def: LabSpecDef): object {
  const values = Object.fromEntries(Object.entries(def.fields).map(([key, field]) => [key, fieldSchema(field)]));
  return {
    $id: `lab-spec-${def.lab}`,
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'schemaVersion', 'lab', 'specVersion', 'values'],
    properties: {
      kind: { const: SPEC_FILE_KIND },
      schemaVersion: { const: SPEC_FILE_SCHEMA_VERSION },
      lab: { const: def.lab },
      specVersion: { const: def.version },
      values: { type: 'object', additionalProperties: false, properties: values },
      // Locks may name extra controls (an attack's parameters), checked by the lab against what it runs.
      locks: {
        type: 'object',
        maxProperties: MAX_CONTROLS,
        propertyNames: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
        additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 500 },
      },
      hidden: { type: 'array', maxItems: MAX_CONTROLS, uniqueItems: true, items: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } },
    },
  };
}

/** A validator compiled ahead of time (ajv standalone), as scripts/build-validators.ts writes them. */
export interface SpecValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null;
}

/** Plain messages naming the control each validation error is about ("Test digits (n): must be <= 2000"). */
export function describeErrors(def: LabSpecDef, errors: NonNullable<SpecValidator['errors']>): { key?: string; message: string }[] {
  return errors.map((error) => {
    const path = error.instancePath.split('/').filter(Boolean);
    if (path[0] === 'values' && path[1]) {
      const key = path[1];
      const field = def.fields[key];
      return { key, message: `${field ? `${field.label} (${key})` : key}: ${error.message ?? 'is not valid'}${allowedText(field, error)}.` };
    }
    if (path[0] === 'values' && error.keyword === 'additionalProperties') {
      const extra = String(error.params.additionalProperty);
      return { key: extra, message: `"${extra}" is not a control of the ${def.lab} lab.` };
    }
    const where = path.length ? path.join('.') : 'the setup';
    return {
      key: path[1],
      message: `${where}: ${error.message ?? 'is not valid'}${error.keyword === 'const' ? ` (expected ${JSON.stringify(error.params.allowedValue)})` : ''}.`,
    };
  });
}

function allowedText(field: FieldDef | undefined, error: { keyword: string }): string {
  if (field?.kind === 'enum' && error.keyword === 'enum') return ` (one of ${field.choices.join(', ')})`;
  return '';
}

/** Reads one raw hash string as a field's type; undefined when it cannot be that type (the schema judges the rest). */
function readRaw(def: FieldDef, raw: string): SpecValue | undefined {
  switch (def.kind) {
    case 'int':
    case 'number': {
      if (raw.trim() === '') return undefined;
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    default:
      return raw;
  }
}

function readRawFor(def: FieldDef | undefined, raw: string): SpecValue {
  if (!def) return raw;
  return readRaw(def, raw) ?? raw;
}

export interface ParsedSpec<F extends FieldTable> {
  spec: LabSpec<F>;
  /** One plain message per control that was refused (its default or its lock holds instead). */
  problems: string[];
}

/** The controls a spec may lock or hide: its fields, the extra controls for these values, and the app's. */
export function controlsOf<F extends FieldTable>(def: LabSpecDef<F>, values: ValuesOf<F>): FieldTable {
  return { ...APP_CONTROLS, ...def.fields, ...def.extraControls?.(values) };
}

/**
 * Validates a candidate spec (from a hash or a file) with the lab's compiled validator, then applies the locks:
 * every refused value falls back to its default (or its lock), and each refusal is a message naming the control.
 * Never throws: a bad link still opens the lab.
 */
export function settleSpec<F extends FieldTable>(
  def: LabSpecDef<F>,
  validate: SpecValidator,
  candidate: { values: Record<string, SpecValue>; locks: Record<string, SpecValue | null>; hidden: string[] },
): ParsedSpec<F> {
  const problems: string[] = [];
  const values = { ...defaultsOf(def.fields) } as Record<string, SpecValue>;
  const known = Object.fromEntries(Object.entries(candidate.values).filter(([key]) => key in def.fields));
  for (const key of Object.keys(candidate.values)) if (!(key in def.fields)) problems.push(`"${key}" is not a control of the ${def.lab} lab.`);
  const file = (v: Record<string, SpecValue>): LabSpecFile => ({
    kind: SPEC_FILE_KIND,
    schemaVersion: SPEC_FILE_SCHEMA_VERSION,
    lab: def.lab,
    specVersion: def.version,
    values: v,
  });
  if (validate(file(known))) Object.assign(values, known);
  else {
    const bad = new Set<string>();
    for (const { key, message } of describeErrors(def, validate.errors ?? [])) {
      if (key) bad.add(key);
      problems.push(`${message} The default is used.`);
    }
    for (const [key, value] of Object.entries(known)) if (!bad.has(key)) values[key] = value;
  }
  let typed = values as ValuesOf<F>;
  // Locks: a bare lock ("lock=n") holds the value the spec gives; a valued lock must agree with the value.
  const controls = controlsOf(def, typed);
  const locks: Record<string, SpecValue> = {};
  for (const [key, lockedRaw] of Object.entries(candidate.locks)) {
    const control = controls[key];
    if (!control) {
      problems.push(`The lock "${key}" names no control of the ${def.lab} lab; it is ignored.`);
      continue;
    }
    const current = currentValue(def, typed, key);
    if (lockedRaw === null) {
      if (current !== undefined) locks[key] = current;
      continue;
    }
    const locked = typeof lockedRaw === 'string' ? readRawFor(control, lockedRaw) : lockedRaw;
    if (!(key in def.fields ? validate(file({ [key]: locked })) : fieldAccepts(control, locked))) {
      problems.push(`The lock on ${control.label} (${key}) has a value the control cannot take (${String(lockedRaw)}); it is ignored.`);
      continue;
    }
    locks[key] = locked;
    if (current !== undefined && current !== locked) {
      // A control the spec left at its default simply takes the locked value; one it set otherwise was refused.
      if (current !== control.default) problems.push(`${control.label} (${key}) is locked at ${String(locked)} by this setup; ${String(current)} was refused.`);
      typed = setValue(def, typed, key, locked);
    }
  }
  if (def.refine) {
    const refined = def.refine(typed, locks);
    typed = refined.values;
    problems.push(...refined.problems);
  }
  const hidden = [...new Set(candidate.hidden)].filter((key) => {
    if (key in controls) return true;
    problems.push(`Cannot hide "${key}": the ${def.lab} lab has no such control.`);
    return false;
  });
  return { spec: { lab: def.lab, values: typed, locks, hidden }, problems };
}

/** Whether a value fits a control that is not a field (an attack parameter): the same rules its schema would state. */
export function fieldAccepts(def: FieldDef, value: SpecValue): boolean {
  switch (def.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= def.min && value <= def.max;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= def.min && value <= def.max;
    case 'enum':
      return typeof value === 'string' && def.choices.includes(value);
    case 'string':
      return typeof value === 'string' && value.length <= def.maxLength && (!def.pattern || new RegExp(def.pattern, 'u').test(value));
    case 'bool':
      return typeof value === 'boolean';
  }
}

function currentValue<F extends FieldTable>(def: LabSpecDef<F>, values: ValuesOf<F>, key: string): SpecValue | undefined {
  if (key in def.fields) return (values as Record<string, SpecValue>)[key];
  return def.extraValue?.(values, key);
}

function setValue<F extends FieldTable>(def: LabSpecDef<F>, values: ValuesOf<F>, key: string, value: SpecValue): ValuesOf<F> {
  if (key in def.fields) return { ...values, [key]: value };
  return def.withExtraValue ? def.withExtraValue(values, key, value) : values;
}

/** Reads the lab's part of a URL hash ("#lab=image&n=50&lock=eps:0.3&hide=seed"); keys it does not know are left to others. */
export function parseSpecHash<F extends FieldTable>(def: LabSpecDef<F>, validate: SpecValidator, hash: string, ignore: readonly string[] = []): ParsedSpec<F> {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    params = new URLSearchParams();
  }
  const values: Record<string, SpecValue> = {};
  for (const [key, raw] of params) {
    if (key === 'lock' || key === 'hide' || ignore.includes(key)) continue;
    if (key in def.fields) values[key] = readRawFor(def.fields[key], raw);
  }
  const locks: Record<string, SpecValue | null> = {};
  for (const item of (params.get('lock') ?? '').split(',').filter(Boolean)) {
    const at = item.indexOf(':');
    if (at < 0) locks[item] = null;
    else locks[item.slice(0, at)] = item.slice(at + 1);
  }
  const hidden = (params.get('hide') ?? '').split(',').filter(Boolean);
  return settleSpec(def, validate, { values, locks, hidden });
}

/** The lab's hash entries: values that differ from their defaults, then locks and hidden controls. */
export function specHashEntries<F extends FieldTable>(def: LabSpecDef<F>, spec: LabSpec<F>): [string, string][] {
  const entries: [string, string][] = [];
  for (const [key, field] of Object.entries(def.fields)) {
    const value = (spec.values as Record<string, SpecValue>)[key];
    if (value !== undefined && value !== field.default) entries.push([key, String(value)]);
  }
  const locks = Object.entries(spec.locks);
  if (locks.length) entries.push(['lock', locks.map(([key, value]) => `${key}:${String(value)}`).join(',')]);
  if (spec.hidden.length) entries.push(['hide', spec.hidden.join(',')]);
  return entries;
}

/** The setup file of a spec (every value written, defaults included, so the file says exactly how a run was set up). */
export function specToFile<F extends FieldTable>(def: LabSpecDef<F>, spec: LabSpec<F>): LabSpecFile {
  return {
    kind: SPEC_FILE_KIND,
    schemaVersion: SPEC_FILE_SCHEMA_VERSION,
    lab: def.lab,
    specVersion: def.version,
    values: { ...(spec.values as Record<string, SpecValue>) },
    ...(Object.keys(spec.locks).length ? { locks: { ...spec.locks } } : {}),
    ...(spec.hidden.length ? { hidden: [...spec.hidden] } : {}),
  };
}

/** Largest setup file read: a spec is a few hundred bytes; anything near this is not one. */
export const MAX_SPEC_FILE_BYTES = 64 * 1024;

/**
 * Reads a setup file a user opened (hostile until checked): size, JSON, then the lab's schema. Unlike a link, a file
 * with any problem is refused whole, with every problem named, so nothing is applied half-way.
 */
export function specFromFile<F extends FieldTable>(
  defs: readonly LabSpecDef[],
  validators: Record<string, SpecValidator>,
  text: string,
): { ok: true; spec: LabSpec<F>; def: LabSpecDef<F> } | { ok: false; problems: string[] } {
  if (text.length > MAX_SPEC_FILE_BYTES)
    return {
      ok: false,
      problems: [
        `This file is ${text.length.toLocaleString('en-US')} characters long; a setup file is at most ${MAX_SPEC_FILE_BYTES.toLocaleString('en-US')}.`,
      ],
    };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['This file is not JSON: a setup file is what "Download setup" saves.'] };
  }
  const head = data as Partial<LabSpecFile> | null;
  if (!head || typeof head !== 'object' || head.kind !== SPEC_FILE_KIND)
    return { ok: false, problems: [`This is not a setup file (its "kind" should be "${SPEC_FILE_KIND}").`] };
  const def = defs.find((d) => d.lab === head.lab) as LabSpecDef<F> | undefined;
  if (!def)
    return {
      ok: false,
      problems: [`This setup is for a lab called "${String(head.lab)}", which this version does not have (labs: ${defs.map((d) => d.lab).join(', ')}).`],
    };
  if (head.specVersion !== def.version)
    return {
      ok: false,
      problems: [`This setup was made for version ${String(head.specVersion)} of the ${def.lab} lab's setup; this page reads version ${def.version}.`],
    };
  const validate = validators[def.lab];
  if (!validate(data)) return { ok: false, problems: describeErrors(def, validate.errors ?? []).map((e) => e.message) };
  const file = data as LabSpecFile;
  const settled = settleSpec(def, validate, { values: file.values, locks: file.locks ?? {}, hidden: file.hidden ?? [] });
  if (settled.problems.length) return { ok: false, problems: settled.problems };
  return { ok: true, spec: settled.spec, def };
}

/**
 * The check a worker makes before a run: every locked control must hold its locked value in what is about to run.
 * Returns the refusals as plain messages (empty: the run may go). `budgetCaps` names numeric controls whose lock is a
 * ceiling for a list of budgets (a sweep's budgets may not exceed a locked ε).
 */
export function lockViolations(
  locks: Record<string, SpecValue>,
  running: Record<string, SpecValue | undefined>,
  labels: Record<string, string> = {},
  budgets?: { key: string; values: readonly number[] },
): string[] {
  const problems: string[] = [];
  for (const [key, locked] of Object.entries(locks)) {
    const name = labels[key] ? `${labels[key]} (${key})` : key;
    if (budgets && key === budgets.key && typeof locked === 'number') {
      const over = budgets.values.filter((b) => b > locked);
      if (over.length) problems.push(`${name} is locked at ${locked}: budgets ${over.join(', ')} are beyond it.`);
      continue;
    }
    if (key in running && running[key] !== locked) problems.push(`${name} is locked at ${String(locked)}; this run asked for ${String(running[key])}.`);
  }
  return problems;
}
