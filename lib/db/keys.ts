/** @module db/keys — queries on `api_keys`, `key_usage` and `key_leases`. */
import { and, count, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { apiKeys, keyLeases, keyUsage, type ApiKeyRow } from './schema';

export async function findKeyByHash(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash));
  return row;
}

export async function countKeys(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(apiKeys);
  return row.n;
}

export async function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

export async function insertKey(db: Db, row: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(row);
}

export async function updateKey(db: Db, id: string, set: Partial<typeof apiKeys.$inferInsert>): Promise<ApiKeyRow | undefined> {
  const [row] = await db.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning();
  return row;
}

export async function deleteKey(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(apiKeys).where(eq(apiKeys.id, id)).returning({ id: apiKeys.id });
  await db.delete(keyUsage).where(eq(keyUsage.keyId, id));
  return rows.length > 0;
}

export async function touchKey(db: Db, id: string, now: number): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

/**
 * Counts one use in a window unless `limit` is reached; returns false when over the limit.
 * The conditional upsert is a single statement, so concurrent requests cannot both take the last slot.
 */
export async function incrementUsage(
  db: Db,
  row: { keyId: string; window: string; bucket: string; expiresAt: number },
  limit: number,
): Promise<boolean> {
  const rows = await db
    .insert(keyUsage)
    .values({ ...row, count: 1 })
    .onConflictDoUpdate({
      target: [keyUsage.keyId, keyUsage.window, keyUsage.bucket],
      set: { count: sql`${keyUsage.count} + 1` },
      setWhere: lt(keyUsage.count, limit),
    })
    .returning({ count: keyUsage.count });
  return rows.length > 0;
}

export async function decrementUsage(db: Db, row: { keyId: string; window: string; bucket: string }): Promise<void> {
  await db
    .update(keyUsage)
    .set({ count: sql`max(${keyUsage.count} - 1, 0)` })
    .where(and(eq(keyUsage.keyId, row.keyId), eq(keyUsage.window, row.window), eq(keyUsage.bucket, row.bucket)));
}

export async function usageFor(db: Db, keyId: string, window: string): Promise<Record<string, number>> {
  const rows = await db.select().from(keyUsage).where(and(eq(keyUsage.keyId, keyId), eq(keyUsage.window, window)));
  return Object.fromEntries(rows.map((r) => [r.bucket, r.count]));
}

/** Takes a concurrency lease unless `limit` leases are live. */
export async function acquireLease(db: Db, keyId: string, limit: number, now: number, ttlMs: number): Promise<string | undefined> {
  const id = crypto.randomUUID();
  const rows = await db.all<{ id: string }>(sql`
    INSERT INTO key_leases (id, key_id, expires_at)
    SELECT ${id}, ${keyId}, ${now + ttlMs}
    WHERE (SELECT count(*) FROM key_leases WHERE key_id = ${keyId} AND expires_at > ${now}) < ${limit}
    RETURNING id`);
  return rows.length ? id : undefined;
}

export async function releaseLease(db: Db, id: string): Promise<void> {
  await db.delete(keyLeases).where(eq(keyLeases.id, id));
}

export async function pruneKeyState(db: Db, now: number): Promise<void> {
  await db.batch([db.delete(keyLeases).where(lt(keyLeases.expiresAt, now)), db.delete(keyUsage).where(lt(keyUsage.expiresAt, now))]);
}

export async function liveLeases(db: Db, keyId: string, now: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(keyLeases).where(and(eq(keyLeases.keyId, keyId), gt(keyLeases.expiresAt, now)));
  return row.n;
}
