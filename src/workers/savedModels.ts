/**
 * Saved user models in IndexedDB (one object store, one record per model with its files and spec). A put is one
 * transaction, so a model is stored whole or not at all. Works in a worker: IndexedDB is there too.
 */
import type { SavedModelInfo, SavedModelRecord, SavedModelStore } from './auditApi';

const DB_NAME = 'adversarial-playground';
const STORE = 'user-models';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new Error(`The browser refused its storage (IndexedDB): ${request.error?.message ?? 'unknown error'}. Private windows may not allow it.`));
  });
}

function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = body(tx.objectStore(STORE));
        tx.oncomplete = () => (db.close(), resolve(request.result));
        tx.onerror = tx.onabort = () => {
          db.close();
          const error = tx.error ?? request.error;
          reject(
            new Error(
              error?.name === 'QuotaExceededError'
                ? 'Not saved: the browser has no storage left for this model. Delete a saved model and try again.'
                : `Storage failed: ${error?.message ?? 'unknown error'}.`,
            ),
          );
        };
      }),
  );
}

const infoOf = ({ id, name, format, task, bytes, savedAt }: SavedModelRecord): SavedModelInfo => ({ id, name, format, task, bytes, savedAt });

export const indexedDbModelStore: SavedModelStore = {
  async list() {
    const records = await run<SavedModelRecord[]>('readonly', (s) => s.getAll() as IDBRequest<SavedModelRecord[]>);
    return records.map(infoOf).sort((a, b) => (a.savedAt < b.savedAt ? 1 : -1));
  },
  get: (id) => run<SavedModelRecord | undefined>('readonly', (s) => s.get(id) as IDBRequest<SavedModelRecord | undefined>),
  put: (record) => run('readwrite', (s) => s.put(record)).then(() => undefined),
  remove: (id) => run('readwrite', (s) => s.delete(id)).then(() => undefined),
};

/** The same contract in memory, for tests. */
export function memoryModelStore(): SavedModelStore {
  const records = new Map<string, SavedModelRecord>();
  return {
    list: async () => [...records.values()].map(infoOf).sort((a, b) => (a.savedAt < b.savedAt ? 1 : -1)),
    // A copy, as IndexedDB gives: a caller changing the record must not change what is stored.
    get: async (id) => structuredClone(records.get(id)),
    put: async (record) => void records.set(record.id, structuredClone(record)),
    remove: async (id) => void records.delete(id),
  };
}
