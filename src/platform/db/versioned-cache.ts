import type { Executor } from './database.js';

/**
 * An in-memory cache of data that carries a version counter in its database (compiled calendars,
 * the unit tree), shared by every handle and transaction of one database.
 *
 * A value loaded inside a transaction may hold that transaction's uncommitted change; if it rolled
 * back, the next commit would reuse the same version number with other content. So values loaded in
 * a transaction stay with that transaction; only values loaded outside one (committed data) are
 * shared — and a transaction reads shared values whose version matches what it sees.
 */
export const createVersionedCache = <K, V>() => {
  type Entry = { version: number; value: V };
  const shared = new WeakMap<object, Map<K, Entry>>();
  const perTransaction = new WeakMap<object, Map<K, Entry>>();
  // Kysely gives each transaction its own handle but keeps the adapter made with the database.
  const databaseOf = (db: Executor): object => db.getExecutor().adapter;
  const mapOf = (store: WeakMap<object, Map<K, Entry>>, owner: object) => {
    let map = store.get(owner);
    if (!map) store.set(owner, (map = new Map()));
    return map;
  };
  return {
    get: (db: Executor, key: K, version: number): V | undefined => {
      const committed = shared.get(databaseOf(db))?.get(key);
      if (committed?.version === version) return committed.value;
      const own = db.isTransaction ? perTransaction.get(db)?.get(key) : undefined;
      return own?.version === version ? own.value : undefined;
    },
    set: (db: Executor, key: K, version: number, value: V): void => {
      mapOf(db.isTransaction ? perTransaction : shared, db.isTransaction ? db : databaseOf(db)).set(key, {
        version,
        value,
      });
    },
  };
};
