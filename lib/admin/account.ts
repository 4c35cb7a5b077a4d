/**
 * @module admin/account
 * Login (with first-boot admin creation and throttling), logout, current user, password change.
 */
import { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { parseBody, readJsonBody } from '@/lib/http/body';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { clearSessionCookie, createSession, endSession } from '@/lib/auth/session';
import { deleteSessionsOfUser, findAdminByName, setAdminPassword } from '@/lib/db/admins';
import { clientIp, throttled } from '@/lib/auth/throttle';
import { ensureAdminExists } from './first-admin';
import type { GatewayContext } from '@/lib/gateway/context';
import type { AdminContext } from './guard';

export const loginSchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
  /** Only for the first login of a fresh deployment with the default password (admin/first-admin). */
  setupToken: z.string().max(200).optional(),
});
export const passwordSchema = z.object({
  current: z.string().min(1).max(200),
  next: z.string().min(8, 'the new password needs at least 8 characters').max(200),
});

/** Free failures per username and address, and per username from anywhere (a spread-out guesser). */
const PER_ADDRESS = 5;
const PER_USERNAME = 30;
/** Free failures of a password re-entry (token export, password change) per admin. */
const REENTRY = 5;

export async function login(req: Request, ctx: GatewayContext): Promise<Response> {
  const body = parseBody(loginSchema, await readJsonBody(req));
  const now = ctx.now();
  const name = body.username.toLowerCase();
  const rules = [
    { key: `${name}|${clientIp(req)}`, freeAttempts: PER_ADDRESS },
    { key: `user|${name}`, freeAttempts: PER_USERNAME },
  ];
  const user = await throttled(
    ctx.db,
    rules,
    now,
    async () => {
      await ensureAdminExists(ctx, body);
      const found = await findAdminByName(ctx.db, body.username);
      // Hash even for unknown users so timing does not reveal which usernames exist.
      const ok = found ? await verifyPassword(body.password, found.passwordHash) : (await hashPassword(body.password), false);
      return ok ? found : undefined;
    },
    (left) =>
      new GatewayError('unauthenticated', left ? `Wrong username or password (${left} attempts left before a temporary lock)` : 'Wrong username or password; login is temporarily locked', {
        code: 'invalid_credentials',
      }),
  );
  const setCookie = await createSession(ctx.db, req, user.id, now);
  return Response.json(
    { ok: true, username: user.username, mustChangePassword: user.mustChangePassword },
    { headers: { 'set-cookie': setCookie } },
  );
}

/** The signed-in admin's password, re-entered to confirm a sensitive action; throttled like a login. */
export function confirmPassword(ctx: AdminContext, password: string, failure: () => GatewayError): Promise<true> {
  return throttled(ctx.db, [{ key: `reentry|${ctx.user.id}`, freeAttempts: REENTRY }], ctx.now(), async () => ((await verifyPassword(password, ctx.user.passwordHash)) ? true : undefined), failure);
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
  await confirmPassword(ctx, body.current, () => new GatewayError('invalid_request', 'The current password is wrong', { param: 'current', code: 'wrong_password' }));
  if (body.next === body.current) throw new GatewayError('invalid_request', 'The new password must differ from the current one', { param: 'next' });
  const now = ctx.now();
  await setAdminPassword(ctx.db, ctx.user.id, await hashPassword(body.next), now);
  // Other sessions end; this one continues with a fresh cookie.
  await deleteSessionsOfUser(ctx.db, ctx.user.id);
  const setCookie = await createSession(ctx.db, req, ctx.user.id, now);
  return Response.json({ ok: true, mustChangePassword: false }, { headers: { 'set-cookie': setCookie } });
}
