import { createJSONStorage, type PersistOptions } from 'zustand/middleware';

/** Typed arrays survive JSON as { $typed, values } (JSON.stringify turns them into index-keyed objects). */
const TYPED = { Float32Array, Uint8Array, Int32Array } as const;
type TypedName = keyof typeof TYPED;

export function replaceTyped(_key: string, value: unknown): unknown {
  for (const name of Object.keys(TYPED) as TypedName[]) {
    if (value instanceof TYPED[name]) return { $typed: name, values: Array.from(value as ArrayLike<number>) };
  }
  return value;
}

export function reviveTyped(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$typed' in value && 'values' in value) {
    const { $typed, values } = value as { $typed: string; values: unknown };
    if ($typed in TYPED && Array.isArray(values)) return TYPED[$typed as TypedName].from(values as number[]);
  }
  return value;
}

/** A store in this tab's sessionStorage that never throws: a full storage just keeps the results of the session. */
const safeSessionStorage = {
  getItem: (name: string) => {
    try {
      return sessionStorage.getItem(name);
    } catch {
      return null;
    }
  },
  setItem: (name: string, value: string) => {
    try {
      sessionStorage.setItem(name, value);
    } catch {
      // Quota exceeded or storage disabled: the results stay in memory for this page, as before.
    }
  },
  removeItem: (name: string) => {
    try {
      sessionStorage.removeItem(name);
    } catch {
      // nothing to do
    }
  },
};

/**
 * Options for zustand's persist: the part of a lab's results `keep` picks is written to this tab's sessionStorage and
 * read back on reload (a reload keeps finished runs and a pasted email; a new tab starts fresh). Versioned: a stored
 * state from another version is dropped rather than trusted.
 */
export function sessionPersist<S, P>(name: string, keep: (state: S) => P, version = 1): PersistOptions<S, P> {
  return {
    name: `adversarial-playground/${name}`,
    version,
    storage: typeof sessionStorage === 'undefined' ? undefined : createJSONStorage<P>(() => safeSessionStorage, { replacer: replaceTyped, reviver: reviveTyped }),
    partialize: keep,
    migrate: () => ({}) as P,
  };
}
