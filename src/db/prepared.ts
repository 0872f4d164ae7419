import type { Db } from './client.js';

/**
 * A statement drizzle builds once per database handle instead of on every call: building a select of
 * a whole row (every column named, quoted and mapped) cost more CPU than sending it and reading the
 * answer (`--cpu-prof` of a submission: drizzle's query building was the largest part left). The
 * statement is bound to the handle that prepared it, so a transaction (a handle of its own) prepares
 * its own and runs it on its own connection.
 */
export function preparedPerHandle<Q>(prepare: (db: Db) => Q): (db: Db) => Q {
  const byHandle = new WeakMap<Db, Q>();
  return (db) => {
    let prepared = byHandle.get(db);
    if (prepared === undefined) {
      prepared = prepare(db);
      byHandle.set(db, prepared);
    }
    return prepared;
  };
}
