import { drizzle } from 'drizzle-orm/d1';

/**
 * A drizzle handle over a D1 binding. D1 is bound per request (and metered per request), so handles are
 * made per binding and shared by everything in that request. No relational `schema`: nothing here uses
 * `db.query`, and drizzle would rebuild the relational config of every table for each handle.
 */
const handles = new WeakMap<D1Database, ReturnType<typeof drizzle>>();

export function getDb(d1: D1Database) {
  let db = handles.get(d1);
  if (!db) handles.set(d1, (db = drizzle(d1)));
  return db;
}
export type Db = ReturnType<typeof getDb>;
