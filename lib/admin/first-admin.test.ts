import { describe, expect, it, vi } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { adminUsers, meta } from '@/lib/db/schema';
import { countAdmins } from '@/lib/db/admins';
import type { GatewayContext } from '@/lib/gateway/context';
import { ensureAdminExists } from './first-admin';

const t = useTestDb(adminUsers, meta);

const ctxWith = (env: Record<string, unknown>) =>
  ({ db: t.db, now: () => 1_800_000_000_000, platform: { env: { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'admin', SERVED_ON_LOOPBACK: false, ...env } } }) as unknown as GatewayContext;

describe('ensureAdminExists', () => {
  it('with the default password on a public deployment, refuses without the logged setup token, then accepts it once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ctx = ctxWith({});
    await expect(ensureAdminExists(ctx, { username: 'admin' })).rejects.toMatchObject({ code: 'setup_token_required', status: 403 });
    const logged = /setup token (\S+)/.exec(String(warn.mock.calls[0][0]))![1];
    // The same token stays valid until used (a second attempt logs it again rather than minting another).
    await expect(ensureAdminExists(ctx, { username: 'admin', setupToken: 'wrong' })).rejects.toMatchObject({ code: 'setup_token_required' });
    expect(String(warn.mock.calls[1][0])).toContain(logged);
    await ensureAdminExists(ctx, { username: 'admin', setupToken: logged });
    expect(await countAdmins(t.db)).toBe(1);
    expect(await t.db.select().from(meta)).toEqual([]);
    warn.mockRestore();
  });

  it('an operator-set ADMIN_SETUP_TOKEN is the token', async () => {
    const ctx = ctxWith({ ADMIN_SETUP_TOKEN: 'operator-chosen-token' });
    await expect(ensureAdminExists(ctx, { username: 'admin', setupToken: 'x' })).rejects.toMatchObject({ code: 'setup_token_required' });
    await ensureAdminExists(ctx, { username: 'admin', setupToken: 'operator-chosen-token' });
    expect(await countAdmins(t.db)).toBe(1);
  });

  it('needs no token with a password of the operator’s own, or on a loopback-only local server', async () => {
    await ensureAdminExists(ctxWith({ ADMIN_PASSWORD: 'a-real-password' }), { username: 'admin' });
    expect(await countAdmins(t.db)).toBe(1);
    await t.db.delete(adminUsers);
    await ensureAdminExists(ctxWith({ SERVED_ON_LOOPBACK: true }), { username: 'admin' });
    expect(await countAdmins(t.db)).toBe(1);
  });

  it('a login under another name never creates the first admin, nor asks for the token', async () => {
    await ensureAdminExists(ctxWith({}), { username: 'root' });
    expect(await countAdmins(t.db)).toBe(0);
  });

  it('once an admin exists nothing changes, token or not', async () => {
    await ensureAdminExists(ctxWith({ SERVED_ON_LOOPBACK: true }), { username: 'admin' });
    await ensureAdminExists(ctxWith({}), { username: 'admin' });
    expect(await countAdmins(t.db)).toBe(1);
  });
});
