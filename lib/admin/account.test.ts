import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { testPlatform } from '@/lib/test/fixtures';
import { adminUsers, loginAttempts, meta, sessions } from '@/lib/db/schema';
import { findAdminByName, setAdminPassword } from '@/lib/db/admins';
import { currentAdmin } from '@/lib/auth/session';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { sha256Hex } from '@/lib/crypto';
import type { GatewayContext } from '@/lib/gateway/context';
import type { AdminContext } from './guard';
import { changePassword, login, logout, me } from './account';

const T0 = 1_800_000_000_000;
let clock = T0;
let ctx: GatewayContext;
const t = useTestDb(adminUsers, sessions, loginAttempts, meta);
beforeAll(() => {
  // A loopback-only server: the first login needs no setup token.
  ctx = { db: t.db, now: () => clock, platform: testPlatform(t.d1, { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'admin', SERVED_ON_LOOPBACK: true }).platform } as unknown as GatewayContext;
});
beforeEach(async () => {
  clock = T0;
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`https://gw.example/api/admin${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'cf-connecting-ip': '1.2.3.4', ...headers } });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { status: number; code: string; message: string; param: string | null; retryAfter?: number }) => e,
  );
/** The session id a Set-Cookie header hands out, as a request of that browser would send it back. */
const cookieOf = (res: Response) => /g2a_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')![1];
const withCookie = (id: string) => new Request('https://gw.example/api/admin/me', { headers: { cookie: `g2a_session=${id}` } });

async function signedIn(): Promise<{ admin: AdminContext; res: Response }> {
  const res = await login(post('/login', { username: 'admin', password: 'admin' }), ctx);
  const user = (await findAdminByName(t.db, 'admin'))!;
  return { res, admin: { ...ctx, user, sessionHash: await sha256Hex(`session:${cookieOf(res)}`) } as AdminContext };
}

describe('login', () => {
  it('the first login creates the configured admin, must change the password, and opens a session', async () => {
    const { res } = await signedIn();
    expect(await res.json()).toEqual({ ok: true, username: 'admin', mustChangePassword: true });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict; Max-Age=604800; Secure$/);
    const session = await currentAdmin(t.db, withCookie(cookieOf(res)), T0 + 1);
    expect(session?.user.username).toBe('admin');
  });

  it('a wrong password says how many tries are left; past them the right one is refused for a while', async () => {
    await signedIn();
    const wrong = () => failure(login(post('/login', { username: 'admin', password: 'guess' }), ctx));
    expect(await wrong()).toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Wrong username or password (4 attempts left before a temporary lock)' });
    for (let i = 0; i < 3; i++) await wrong();
    expect((await wrong())!.message).toBe('Wrong username or password; login is temporarily locked');
    clock = T0 + 10_000;
    expect(await failure(login(post('/login', { username: 'admin', password: 'admin' }), ctx))).toMatchObject({ status: 429, code: 'login_throttled', retryAfter: 20 });
    // The lock is per address: the admin elsewhere still gets in.
    expect((await login(post('/login', { username: 'admin', password: 'admin' }, { 'cf-connecting-ip': '5.6.7.8' }), ctx)).status).toBe(200);
  });

  it('an unknown user gets the same answer as a wrong password', async () => {
    await signedIn();
    expect(await failure(login(post('/login', { username: 'root', password: 'admin' }), ctx))).toMatchObject({ status: 401, code: 'invalid_credentials' });
  });

  it('a malformed body is a 400 naming the field', async () => {
    expect(await failure(login(post('/login', { username: 'admin' }), ctx))).toMatchObject({ status: 400, param: 'password' });
  });
});

describe('password change', () => {
  it('needs the current password, ends the other sessions, and keeps this browser signed in', async () => {
    const { admin } = await signedIn();
    const other = await signedIn();
    clock = T0 + 1000;
    const res = await changePassword(post('/password', { current: 'admin', next: 'a-much-better-one' }), admin);
    expect(await res.json()).toEqual({ ok: true, mustChangePassword: false });
    const user = (await findAdminByName(t.db, 'admin'))!;
    expect([await verifyPassword('a-much-better-one', user.passwordHash), await verifyPassword('admin', user.passwordHash), user.mustChangePassword]).toEqual([true, false, false]);
    expect(await currentAdmin(t.db, withCookie(cookieOf(other.res)), clock)).toBeUndefined();
    expect((await currentAdmin(t.db, withCookie(cookieOf(res)), clock))?.user.id).toBe(user.id);
    expect(await t.db.select().from(sessions)).toHaveLength(1);
  });

  it('a wrong current password, a short new one or an unchanged one changes nothing', async () => {
    const { admin } = await signedIn();
    await setAdminPassword(t.db, admin.user.id, await hashPassword('long-enough-1'), T0);
    const user = (await findAdminByName(t.db, 'admin'))!;
    const signed = { ...admin, user } as AdminContext;
    expect(await failure(changePassword(post('/password', { current: 'nope-nope', next: 'a-much-better-one' }), signed))).toMatchObject({ status: 400, code: 'wrong_password', param: 'current' });
    expect(await failure(changePassword(post('/password', { current: 'long-enough-1', next: 'short' }), signed))).toMatchObject({ status: 400, param: 'next' });
    expect(await failure(changePassword(post('/password', { current: 'long-enough-1', next: 'long-enough-1' }), signed))).toMatchObject({
      status: 400,
      param: 'next',
      message: 'The new password must differ from the current one',
    });
    expect((await findAdminByName(t.db, 'admin'))!.passwordHash).toBe(user.passwordHash);
    expect(await t.db.select().from(sessions)).toHaveLength(1);
  });
});

describe('logout and me', () => {
  it('me describes the signed-in admin; logout ends the session and clears the cookie', async () => {
    const { admin, res } = await signedIn();
    expect(await (await me(admin)).json()).toEqual({ username: 'admin', mustChangePassword: true });
    const out = await logout(withCookie(cookieOf(res)), admin);
    expect(out.headers.get('set-cookie')).toMatch(/^g2a_session=; .*Max-Age=0/);
    expect(await currentAdmin(t.db, withCookie(cookieOf(res)), T0)).toBeUndefined();
  });
});
