/**
 * @module admin/guard
 * Wraps every admin handler: same-origin check for state changes, session lookup, the forced
 * password change, and the single error envelope.
 */
import type { Platform } from '@/lib/platform';
import { GatewayError, errorResponse } from '@/lib/errors';
import { isSameOrigin } from '@/lib/auth/origin';
import { currentAdmin } from '@/lib/auth/session';
import type { AdminUserRow } from '@/lib/db/schema';
import { loadContext, type GatewayContext } from '@/lib/gateway/context';

export interface AdminContext extends GatewayContext {
  user: AdminUserRow;
  sessionHash: string;
}

interface GuardOptions {
  /** Allowed before the first-login password change (me, password, logout). */
  beforePasswordChange?: boolean;
}

export async function withAdmin(
  req: Request,
  platform: Platform,
  handler: (ctx: AdminContext) => Promise<Response>,
  opts: GuardOptions = {},
): Promise<Response> {
  try {
    if (!isSameOrigin(req)) throw new GatewayError('forbidden', 'Cross-origin request rejected: the Origin header must match this site', { code: 'bad_origin' });
    const ctx = await loadContext(platform);
    const session = await currentAdmin(ctx.db, req, ctx.now());
    if (!session) throw new GatewayError('unauthenticated', 'Not logged in');
    if (session.user.mustChangePassword && !opts.beforePasswordChange) {
      throw new GatewayError('forbidden', 'Change the default password first (POST /api/admin/password)', { code: 'password_change_required' });
    }
    return await handler({ ...ctx, user: session.user, sessionHash: session.sessionHash });
  } catch (e) {
    return errorResponse(e);
  }
}

/** For the public admin endpoints (login): origin check and envelope only. */
export async function withPublic(req: Request, platform: Platform, handler: (ctx: GatewayContext) => Promise<Response>): Promise<Response> {
  try {
    if (!isSameOrigin(req)) throw new GatewayError('forbidden', 'Cross-origin request rejected: the Origin header must match this site', { code: 'bad_origin' });
    return await handler(await loadContext(platform));
  } catch (e) {
    return errorResponse(e);
  }
}

/** Dynamic route params (`[id]`) arrive as a promise in Next 15. */
export type RouteParams<T extends string = 'id'> = { params: Promise<Record<T, string>> };
