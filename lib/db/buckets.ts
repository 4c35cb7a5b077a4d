import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * The start of the `bucketMs`-wide time bucket `column` falls in. The size is inlined, not bound: D1 binds
 * JS numbers as REAL, and a REAL divisor would make every row its own bucket.
 */
export function bucketStart(column: AnySQLiteColumn, bucketMs: number): SQL<number> {
  const size = sql.raw(String(Math.max(1, Math.trunc(bucketMs))));
  return sql<number>`(${column} / ${size}) * ${size}`;
}
