/** @module db/meta — small operational facts (not operator settings). */
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { meta } from './schema';

export async function setMeta(db: Db, key: string, value: string, now: number): Promise<void> {
  await db.insert(meta).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: meta.key, set: { value, updatedAt: now } });
}

export async function getMeta(db: Db, key: string): Promise<{ value: string; updatedAt: number } | undefined> {
  const [row] = await db.select({ value: meta.value, updatedAt: meta.updatedAt }).from(meta).where(eq(meta.key, key));
  return row;
}

export async function deleteMeta(db: Db, key: string): Promise<void> {
  await db.delete(meta).where(eq(meta.key, key));
}
