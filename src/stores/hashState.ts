/**
 * Parameters <-> URL hash ("#lab=image&model=mnist-cnn&seed=42"), so a link reproduces a setup.
 * Pure functions; the store wires them to `location.hash`.
 */
export type HashValue = string | number | boolean;

export interface FieldSpec<T extends HashValue> {
  fallback: T;
  /** Accepts a raw hash value, or returns undefined to fall back (bad input never breaks the app). */
  parse(raw: string): T | undefined;
}

export const field = {
  string: <T extends string = string>(fallback: T, allowed?: readonly T[]): FieldSpec<T> => ({
    fallback,
    parse: (raw) => (!allowed || (allowed as readonly string[]).includes(raw) ? (raw as T) : undefined),
  }),
  int: (fallback: number, min: number, max: number): FieldSpec<number> => ({
    fallback,
    parse: (raw) => {
      const value = Number(raw);
      return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
    },
  }),
};

export type Schema = Record<string, FieldSpec<HashValue>>;
export type ValuesOf<S extends Schema> = { [K in keyof S]: S[K]['fallback'] };

export function parseHash<S extends Schema>(hash: string, schema: S): ValuesOf<S> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const values = {} as Record<string, HashValue>;
  for (const [key, spec] of Object.entries(schema)) {
    const raw = params.get(key);
    values[key] = raw === null ? spec.fallback : (spec.parse(raw) ?? spec.fallback);
  }
  return values as ValuesOf<S>;
}

export function formatHash<S extends Schema>(values: ValuesOf<S>, schema: S): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(schema)) params.set(key, String(values[key]));
  return `#${params.toString()}`;
}

/** A hash from entries in the given order ("#lab=image&n=50"), values escaped. */
export function formatHashEntries(entries: readonly [string, string][]): string {
  return `#${new URLSearchParams(entries as [string, string][]).toString()}`;
}
