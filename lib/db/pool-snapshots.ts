/** @module db/pool-snapshots — the pool's state over time: one row per slot, averaged per chart bucket. */
import { asc, gte, lt, sql } from 'drizzle-orm';
import { bucketStart } from './buckets';
import type { Db } from './client';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { poolSnapshots } from './schema';

/** One snapshot per slot: the finest resolution the capacity chart has. */
export const POOL_SNAPSHOT_SLOT_MS = 10 * 60_000;

interface PoolCounts {
  available: number;
  cooling: number;
  quarantined: number;
  invalid: number;
  disabled: number;
}
type PoolPoint = PoolCounts & { at: number };

/** The first isolate to write a slot wins; the others' writes for it are no-ops. */
export async function insertPoolSnapshot(db: Db, at: number, counts: PoolCounts): Promise<void> {
  await db.insert(poolSnapshots).values({ at, ...counts }).onConflictDoNothing();
}

/** Snapshots since `since`, averaged (rounded) per `bucketMs`, oldest first; `at` is the bucket's start. */
export async function listPoolSnapshots(db: Db, since: number, bucketMs: number): Promise<PoolPoint[]> {
  const bucket = bucketStart(poolSnapshots.at, bucketMs);
  const avg = (c: AnySQLiteColumn) => sql<number>`cast(round(avg(${c})) as integer)`;
  const rows = await db
    .select({
      at: bucket,
      available: avg(poolSnapshots.available),
      cooling: avg(poolSnapshots.cooling),
      quarantined: avg(poolSnapshots.quarantined),
      invalid: avg(poolSnapshots.invalid),
      disabled: avg(poolSnapshots.disabled),
    })
    .from(poolSnapshots)
    .where(gte(poolSnapshots.at, since))
    .groupBy(bucket)
    .orderBy(asc(bucket));
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}

export async function prunePoolSnapshots(db: Db, before: number): Promise<void> {
  await db.delete(poolSnapshots).where(lt(poolSnapshots.at, before));
}
