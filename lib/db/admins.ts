/** @module db/admins — admin users, sessions and login throttling. */
import { and, count, eq, gt } from 'drizzle-orm';
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

export async function getLoginAttempt(db: Db, key: string) {
  const [row] = await db.select().from(loginAttempts).where(eq(loginAttempts.key, key));
  return row;
}

export async function recordLoginFailure(db: Db, key: string, failures: number, lockedUntil: number | null, now: number) {
  await db
    .insert(loginAttempts)
    .values({ key, failures, lockedUntil, updatedAt: now })
    .onConflictDoUpdate({ target: loginAttempts.key, set: { failures, lockedUntil, updatedAt: now } });
}

export async function clearLoginAttempts(db: Db, key: string) {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, key));
}
