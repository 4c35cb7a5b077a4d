/** @module db/keys — queries on `api_keys`, `key_usage` and `key_leases`. */
import { and, count, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { apiKeys, keyLeases, keyUsage, type ApiKeyRow } from './schema';

export const keyByHashQuery = (db: Db, hash: string) => db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash));

/**
 * True while the key with this hash may be used (active, not expired): the condition a statement that runs
 * in the same batch as the key lookup needs, so it does nothing for a key the lookup will refuse.
 */
export const activeKeyCondition = (hash: string, now: number) =>
  sql`EXISTS (SELECT 1 FROM ${apiKeys} WHERE ${apiKeys.keyHash} = ${hash} AND ${apiKeys.status} = 'active' AND (${apiKeys.expiresAt} IS NULL OR ${apiKeys.expiresAt} > ${now}))`;

export async function findKeyByHash(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await keyByHashQuery(db, hash);
  return row;
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

/** "Last used" is shown to the minute: a key used within the last one is not written again. */
const TOUCH_INTERVAL_MS = 60_000;

/** Notes the key's use; resolves at once (no statement) when its row says it was used under a minute ago. */
export async function touchKey(db: Db, key: Pick<ApiKeyRow, 'id' | 'lastUsedAt'>, now: number): Promise<void> {
  if (key.lastUsedAt !== null && now - key.lastUsedAt < TOUCH_INTERVAL_MS && now >= key.lastUsedAt) return;
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
}

/**
 * Counts one use in a window unless `limit` is reached; returns false when over the limit.
 * The conditional upsert is a single statement, so concurrent requests cannot both take the last slot.
 */
export function incrementUsage(db: Db, row: { keyId: string; window: string; bucket: string; expiresAt: number }, limit: number, units = 1) {
  return db
    .insert(keyUsage)
    .values({ ...row, count: units })
    .onConflictDoUpdate({
      target: [keyUsage.keyId, keyUsage.window, keyUsage.bucket],
      set: { count: sql`${keyUsage.count} + ${units}` },
      setWhere: sql`${keyUsage.count} + ${units} <= ${limit}`,
    })
    .returning({ count: keyUsage.count });
}

export async function decrementUsage(db: Db, row: { keyId: string; window: string; bucket: string }, units = 1): Promise<void> {
  await db
    .update(keyUsage)
    .set({ count: sql`max(${keyUsage.count} - ${units}, 0)` })
    .where(and(eq(keyUsage.keyId, row.keyId), eq(keyUsage.window, row.window), eq(keyUsage.bucket, row.bucket)));
}

export async function usageFor(db: Db, keyId: string, window: string): Promise<Record<string, number>> {
  const rows = await db.select().from(keyUsage).where(and(eq(keyUsage.keyId, keyId), eq(keyUsage.window, window)));
  return Object.fromEntries(rows.map((r) => [r.bucket, r.count]));
}

/**
 * Takes a concurrency lease `id` unless `limit` leases are live; returns the row when taken. One
 * conditional insert (from the key's own row), built with drizzle so it can join a batch.
 */
export function acquireLease(db: Db, id: string, keyId: string, limit: number, now: number, ttlMs: number) {
  const live = sql`(SELECT count(*) FROM ${keyLeases} WHERE ${keyLeases.keyId} = ${keyId} AND ${keyLeases.expiresAt} > ${now})`;
  return db
    .insert(keyLeases)
    .select(
      db
        .select({ id: sql<string>`${id}`.as('id'), keyId: apiKeys.id, expiresAt: sql<number>`${now + ttlMs}`.as('expires_at') })
        .from(apiKeys)
        .where(and(eq(apiKeys.id, keyId), sql`${live} < ${limit}`)),
    )
    .returning({ id: keyLeases.id });
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
