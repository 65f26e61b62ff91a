import type { PersistOptions, PersistStorage, StorageValue } from 'zustand/middleware';

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

/** Writes wait this long for more updates: a burst of them (typing an email, progress) costs one JSON.stringify. */
const WRITE_DELAY_MS = 300;

/** Every store's write still waiting, flushed when the tab is hidden or closed so a reload loses nothing. */
const pendingWrites = new Map<string, { write: () => void; timer: ReturnType<typeof setTimeout> }>();
if (typeof addEventListener === 'function') {
  const flushAll = () => [...pendingWrites.values()].forEach(({ write }) => write());
  addEventListener('pagehide', flushAll);
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flushAll());
}

/**
 * The persist middleware's storage, on this tab's sessionStorage: typed arrays kept, writes coalesced (the state is
 * serialised once per burst of updates, not on every keystroke), and never a throw: a full or disabled storage just
 * keeps the results in memory for this page.
 */
function sessionStorageOf<P>(): PersistStorage<P> {
  return {
    getItem: (name) => {
      try {
        const text = sessionStorage.getItem(name);
        return text === null ? null : (JSON.parse(text, reviveTyped) as StorageValue<P>);
      } catch {
        return null;
      }
    },
    setItem: (name, value) => {
      // A newer state replaces the one still waiting: only the last of a burst is serialised.
      clearTimeout(pendingWrites.get(name)?.timer);
      const write = () => {
        clearTimeout(pending.timer);
        pendingWrites.delete(name);
        try {
          sessionStorage.setItem(name, JSON.stringify(value, replaceTyped));
        } catch {
          // Quota exceeded or storage disabled: the results stay in memory for this page, as before.
        }
      };
      const pending = { write, timer: setTimeout(write, WRITE_DELAY_MS) };
      pendingWrites.set(name, pending);
    },
    removeItem: (name) => {
      clearTimeout(pendingWrites.get(name)?.timer);
      pendingWrites.delete(name);
      try {
        sessionStorage.removeItem(name);
      } catch {
        // nothing to do
      }
    },
  };
}

/**
 * Options for zustand's persist: the part of a lab's results `keep` picks is written to this tab's sessionStorage and
 * read back on reload (a reload keeps finished runs and a pasted email; a new tab starts fresh). Versioned: a stored
 * state from another version is dropped rather than trusted.
 */
export function sessionPersist<S, P>(name: string, keep: (state: S) => P, version = 1): PersistOptions<S, P> {
  return {
    name: `adversarial-playground/${name}`,
    version,
    storage: typeof sessionStorage === 'undefined' ? undefined : sessionStorageOf<P>(),
    partialize: keep,
    migrate: () => ({}) as P,
  };
}
