/** @module db/admins — admin users, sessions and login throttling. */
import { and, count, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { adminUsers, loginAttempts, sessions, type AdminUserRow } from './schema';

export async function countAdmins(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(adminUsers);
  return row.n;
}

export async function findAdminByName(db: Db, username: string): Promise<AdminUserRow | undefined> {
  const [row] = await db.select().from(adminUsers).where(eq(adminUsers.username, username));
  return row;
}

export async function findAdminById(db: Db, id: string): Promise<AdminUserRow | undefined> {
  const [row] = await db.select().from(adminUsers).where(eq(adminUsers.id, id));
  return row;
}

/** Creates the first admin unless one exists (concurrent first logins cannot create two). */
export async function ensureFirstAdmin(db: Db, row: typeof adminUsers.$inferInsert): Promise<void> {
  await db.insert(adminUsers).values(row).onConflictDoNothing();
}

export async function setAdminPassword(db: Db, id: string, passwordHash: string, now: number): Promise<void> {
  await db.update(adminUsers).set({ passwordHash, mustChangePassword: false, updatedAt: now }).where(eq(adminUsers.id, id));
}

export async function insertSession(db: Db, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function findSession(db: Db, idHash: string, now: number) {
  const [row] = await db.select().from(sessions).where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)));
  return row;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

export async function deleteSessionsOfUser(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/**
 * Charges one attempt on `key` before the password is checked, so parallel guesses during one PBKDF2 round
 * each count; a key that is locked is not charged further. Returns the count and the lock as they now stand.
 */
export async function chargeLoginAttempt(db: Db, key: string, now: number) {
  const [row] = await db
    .insert(loginAttempts)
    .values({ key, failures: 1, lockedUntil: null, updatedAt: now })
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: { failures: sql`CASE WHEN ${loginAttempts.lockedUntil} > ${now} THEN ${loginAttempts.failures} ELSE ${loginAttempts.failures} + 1 END`, updatedAt: now },
    })
    .returning({ failures: loginAttempts.failures, lockedUntil: loginAttempts.lockedUntil });
  return row;
}

/** Locks `key` until `until` unless a parallel failure already locked it for longer. */
export async function lockLoginKey(db: Db, key: string, until: number): Promise<void> {
  await db
    .update(loginAttempts)
    .set({ lockedUntil: sql`max(coalesce(${loginAttempts.lockedUntil}, 0), ${until})` })
    .where(eq(loginAttempts.key, key));
}

export async function clearLoginAttempts(db: Db, keys: string[]) {
  await db.delete(loginAttempts).where(inArray(loginAttempts.key, keys));
}

export async function pruneLoginAttempts(db: Db, before: number) {
  await db.delete(loginAttempts).where(and(lt(loginAttempts.updatedAt, before), or(isNull(loginAttempts.lockedUntil), lt(loginAttempts.lockedUntil, before))));
}
