/**
 * @module admin/first-admin
 * The first admin is created by the first successful login with `ADMIN_USERNAME`/`ADMIN_PASSWORD`. With the
 * well-known default password that would hand a freshly deployed public site to whoever logs in first, so
 * then the login must also carry a one-time setup token: `ADMIN_SETUP_TOKEN` when the operator set one,
 * otherwise a random one written to the server log (`npm start`'s terminal, or the Pages deployment's
 * real-time logs). A local server bound to a loopback address (`SERVED_ON_LOOPBACK`, set by npm start) has
 * only this machine's users as clients and needs no token.
 */
import { GatewayError } from '@/lib/errors';
import { hashPassword } from '@/lib/auth/password';
import { countAdmins, ensureFirstAdmin } from '@/lib/db/admins';
import { deleteMeta, getMeta, setMeta } from '@/lib/db/meta';
import type { GatewayContext } from '@/lib/gateway/context';
import { randomId, timingSafeEqual } from '@/lib/crypto';

const DEFAULT_ADMIN_PASSWORD = 'admin';
const TOKEN_META = 'admin_setup_token';

/** The token this deployment expects, created (and logged) on first need. */
async function expectedToken(ctx: GatewayContext): Promise<string> {
  const fromEnv = ctx.platform.env.ADMIN_SETUP_TOKEN;
  if (fromEnv) return fromEnv;
  const stored = (await getMeta(ctx.db, TOKEN_META))?.value;
  const token = stored ?? randomId(18);
  if (!stored) await setMeta(ctx.db, TOKEN_META, token, ctx.now());
  console.warn(`[grok2api] First-time setup: log in as "${ctx.platform.env.ADMIN_USERNAME}" with the setup token ${token} (or set ADMIN_PASSWORD to something other than the default).`);
  return token;
}

function needsSetupToken(ctx: GatewayContext): boolean {
  const env = ctx.platform.env;
  return env.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD && !env.SERVED_ON_LOOPBACK;
}

/** Creates the first admin when there is none yet, once the setup rule above is satisfied. */
export async function ensureAdminExists(ctx: GatewayContext, login: { username: string; setupToken?: string }): Promise<void> {
  if ((await countAdmins(ctx.db)) > 0) return;
  const env = ctx.platform.env;
  // Only a login as the configured first admin sets it up; any other name is just a wrong login.
  if (login.username !== env.ADMIN_USERNAME) return;
  if (needsSetupToken(ctx)) {
    const expected = await expectedToken(ctx);
    if (!login.setupToken || !timingSafeEqual(login.setupToken.trim(), expected)) {
      throw new GatewayError('forbidden', 'First-time setup: enter the setup token from the server log, or set ADMIN_PASSWORD to your own password', {
        code: 'setup_token_required',
        param: 'setupToken',
      });
    }
  }
  const now = ctx.now();
  await ensureFirstAdmin(ctx.db, {
    id: crypto.randomUUID(),
    username: env.ADMIN_USERNAME,
    passwordHash: await hashPassword(env.ADMIN_PASSWORD),
    mustChangePassword: true,
    createdAt: now,
    updatedAt: now,
  });
  await deleteMeta(ctx.db, TOKEN_META);
}
