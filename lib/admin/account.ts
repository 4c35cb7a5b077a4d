/**
 * @module admin/account
 * Login (with first-boot admin creation and throttling), logout, current user, password change.
 */
import { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { parseBody, readJsonBody } from '@/lib/openai/schemas';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { clearSessionCookie, createSession, endSession } from '@/lib/auth/session';
import {
  clearLoginAttempts,
  countAdmins,
  deleteSessionsOfUser,
  ensureFirstAdmin,
  findAdminByName,
  getLoginAttempt,
  recordLoginFailure,
  setAdminPassword,
} from '@/lib/db/admins';
import type { GatewayContext } from '@/lib/gateway/context';
import type { AdminContext } from './guard';

export const loginSchema = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export const passwordSchema = z.object({
  current: z.string().min(1).max(200),
  next: z.string().min(8, 'the new password needs at least 8 characters').max(200),
});

/** Failures allowed before a lock; each further failure doubles the lock, up to 15 minutes. */
const FREE_ATTEMPTS = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

function throttleKey(req: Request, username: string) {
  const ip = req.headers.get('cf-connecting-ip') ?? req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? 'local';
  return `${username.toLowerCase()}|${ip}`;
}

export async function login(req: Request, ctx: GatewayContext): Promise<Response> {
  const body = parseBody(loginSchema, await readJsonBody(req));
  const now = ctx.now();
  const env = ctx.platform.env;
  if ((await countAdmins(ctx.db)) === 0) {
    await ensureFirstAdmin(ctx.db, {
      id: crypto.randomUUID(),
      username: env.ADMIN_USERNAME,
      passwordHash: await hashPassword(env.ADMIN_PASSWORD),
      mustChangePassword: true,
      createdAt: now,
      updatedAt: now,
    });
  }
  const key = throttleKey(req, body.username);
  const attempt = await getLoginAttempt(ctx.db, key);
  if (attempt?.lockedUntil && attempt.lockedUntil > now) {
    const retryAfter = Math.ceil((attempt.lockedUntil - now) / 1000);
    throw new GatewayError('login_throttled', `Too many failed logins; try again in ${retryAfter} s`, { retryAfter });
  }
  const user = await findAdminByName(ctx.db, body.username);
  // Hash even for unknown users so timing does not reveal which usernames exist.
  const ok = user ? await verifyPassword(body.password, user.passwordHash) : (await hashPassword(body.password), false);
  if (!user || !ok) {
    const failures = (attempt?.failures ?? 0) + 1;
    const lockedUntil = failures >= FREE_ATTEMPTS ? now + Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS)) : null;
    await recordLoginFailure(ctx.db, key, failures, lockedUntil, now);
    const left = Math.max(0, FREE_ATTEMPTS - failures);
    throw new GatewayError('unauthenticated', left ? `Wrong username or password (${left} attempts left before a temporary lock)` : 'Wrong username or password; login is temporarily locked', {
      code: 'invalid_credentials',
    });
  }
  if (attempt) await clearLoginAttempts(ctx.db, key);
  const setCookie = await createSession(ctx.db, req, user.id, now);
  return Response.json(
    { ok: true, username: user.username, mustChangePassword: user.mustChangePassword },
    { headers: { 'set-cookie': setCookie } },
  );
}

export async function logout(req: Request, ctx: AdminContext): Promise<Response> {
  await endSession(ctx.db, ctx.sessionHash);
  return Response.json({ ok: true }, { headers: { 'set-cookie': clearSessionCookie(req) } });
}

export async function me(ctx: AdminContext): Promise<Response> {
  return Response.json({ username: ctx.user.username, mustChangePassword: ctx.user.mustChangePassword });
}

export async function changePassword(req: Request, ctx: AdminContext): Promise<Response> {
  const body = parseBody(passwordSchema, await readJsonBody(req));
  if (!(await verifyPassword(body.current, ctx.user.passwordHash))) {
    throw new GatewayError('invalid_request', 'The current password is wrong', { param: 'current', code: 'wrong_password' });
  }
  if (body.next === body.current) throw new GatewayError('invalid_request', 'The new password must differ from the current one', { param: 'next' });
  const now = ctx.now();
  await setAdminPassword(ctx.db, ctx.user.id, await hashPassword(body.next), now);
  // Other sessions end; this one continues with a fresh cookie.
  await deleteSessionsOfUser(ctx.db, ctx.user.id);
  const setCookie = await createSession(ctx.db, req, ctx.user.id, now);
  return Response.json({ ok: true, mustChangePassword: false }, { headers: { 'set-cookie': setCookie } });
}
