import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

/** D1 is bound per request, so a drizzle handle is made per request (cheap: no connection). */
export function getDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Db = ReturnType<typeof getDb>;
