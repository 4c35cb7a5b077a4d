import { describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import {
  chargeLoginAttempt,
  clearLoginAttempts,
  countAdmins,
  deleteSessionsOfUser,
  ensureFirstAdmin,
  findAdminById,
  findAdminByName,
  findSession,
  insertSession,
  lockLoginKey,
  pruneLoginAttempts,
  setAdminPassword,
} from './admins';
import { adminUsers, loginAttempts, sessions } from './schema';

const T0 = 1_800_000_000_000;
const t = useTestDb(adminUsers, sessions, loginAttempts);

const admin = (id: string, username: string, passwordHash = 'h0') => ({ id, username, passwordHash, createdAt: T0, updatedAt: T0 });
const attempts = async () => Object.fromEntries((await t.db.select().from(loginAttempts)).map((r) => [r.key, [r.failures, r.lockedUntil]]));

describe('admin users', () => {
  it('the first admin is created once: a concurrent second creation changes nothing', async () => {
    await Promise.all([ensureFirstAdmin(t.db, admin('a', 'admin', 'first')), ensureFirstAdmin(t.db, admin('b', 'admin', 'second'))]);
    await ensureFirstAdmin(t.db, admin('a', 'other', 'third'));
    expect(await countAdmins(t.db)).toBe(1);
    const row = await findAdminByName(t.db, 'admin');
    expect(['first', 'second']).toContain(row!.passwordHash);
    expect(await findAdminById(t.db, row!.id)).toEqual(row);
    expect(await findAdminByName(t.db, 'other')).toBeUndefined();
  });

  it('a new password ends the forced change and stamps the update', async () => {
    await ensureFirstAdmin(t.db, admin('a', 'admin'));
    expect((await findAdminById(t.db, 'a'))!.mustChangePassword).toBe(true);
    await setAdminPassword(t.db, 'a', 'h1', T0 + 5);
    expect(await findAdminById(t.db, 'a')).toMatchObject({ passwordHash: 'h1', mustChangePassword: false, updatedAt: T0 + 5, createdAt: T0 });
  });
});

describe('sessions', () => {
  it('a session is found until its expiry, not at it', async () => {
    await insertSession(t.db, { idHash: 's', userId: 'a', expiresAt: T0 + 1000, createdAt: T0 });
    expect(await findSession(t.db, 's', T0 + 999)).toMatchObject({ userId: 'a' });
    expect(await findSession(t.db, 's', T0 + 1000)).toBeUndefined();
    expect(await findSession(t.db, 'other', T0)).toBeUndefined();
  });

  it('ending a user’s sessions leaves other users’ alone', async () => {
    for (const [idHash, userId] of [['s1', 'a'], ['s2', 'a'], ['s3', 'b']]) await insertSession(t.db, { idHash, userId, expiresAt: T0 + 1000, createdAt: T0 });
    await deleteSessionsOfUser(t.db, 'a');
    expect((await t.db.select().from(sessions)).map((s) => s.idHash)).toEqual(['s3']);
  });
});

describe('login attempts', () => {
  it('each attempt is charged until the key is locked; a locked key is not charged; a lapsed lock is', async () => {
    expect(await chargeLoginAttempt(t.db, 'k', T0)).toEqual({ failures: 1, lockedUntil: null });
    expect(await chargeLoginAttempt(t.db, 'k', T0 + 1)).toEqual({ failures: 2, lockedUntil: null });
    await lockLoginKey(t.db, 'k', T0 + 100);
    expect(await chargeLoginAttempt(t.db, 'k', T0 + 50)).toEqual({ failures: 2, lockedUntil: T0 + 100 });
    expect(await chargeLoginAttempt(t.db, 'k', T0 + 100)).toEqual({ failures: 3, lockedUntil: T0 + 100 });
  });

  it('a shorter lock never shortens a longer one', async () => {
    await chargeLoginAttempt(t.db, 'k', T0);
    await lockLoginKey(t.db, 'k', T0 + 500);
    await lockLoginKey(t.db, 'k', T0 + 100);
    expect((await attempts()).k).toEqual([1, T0 + 500]);
    await lockLoginKey(t.db, 'k', T0 + 900);
    expect((await attempts()).k).toEqual([1, T0 + 900]);
  });

  it('clearing removes only the given keys', async () => {
    for (const key of ['a', 'b', 'c']) await chargeLoginAttempt(t.db, key, T0);
    await clearLoginAttempts(t.db, ['a', 'c']);
    expect(Object.keys(await attempts())).toEqual(['b']);
  });

  it('pruning drops stale unlocked keys and stale lapsed locks, keeping recent keys and live locks', async () => {
    const cut = T0 + 1000;
    await chargeLoginAttempt(t.db, 'stale', T0);
    await chargeLoginAttempt(t.db, 'stale-lapsed', T0);
    await lockLoginKey(t.db, 'stale-lapsed', cut - 1);
    await chargeLoginAttempt(t.db, 'stale-locked', T0);
    await lockLoginKey(t.db, 'stale-locked', cut + 60_000);
    await chargeLoginAttempt(t.db, 'recent', cut);
    await pruneLoginAttempts(t.db, cut);
    expect(Object.keys(await attempts()).sort()).toEqual(['recent', 'stale-locked']);
  });
});
