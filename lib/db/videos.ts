/** @module db/videos — async video jobs. */
import { eq, lt } from 'drizzle-orm';
import type { Db } from './client';
import { videoJobs, type VideoJobRow } from './schema';

export async function insertVideoJob(db: Db, row: typeof videoJobs.$inferInsert): Promise<void> {
  await db.insert(videoJobs).values(row);
}

export async function getVideoJob(db: Db, id: string): Promise<VideoJobRow | undefined> {
  const [row] = await db.select().from(videoJobs).where(eq(videoJobs.id, id));
  return row;
}

export async function updateVideoJob(db: Db, id: string, set: Partial<typeof videoJobs.$inferInsert>): Promise<void> {
  await db.update(videoJobs).set(set).where(eq(videoJobs.id, id));
}

/** Finished or abandoned jobs past the log retention (their params hold the client's prompt). */
export async function pruneVideoJobs(db: Db, before: number): Promise<void> {
  await db.delete(videoJobs).where(lt(videoJobs.updatedAt, before));
}
