/**
 * Server components' view of the admin session: the same lookup as the admin API (`lib/auth/session.ts`),
 * from the cookie that next/headers exposes. Pages call `requireAdmin()` before loading data, so a page never
 * renders pool data for a request the API would refuse.
 */
import { cache } from 'react';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getPlatform } from '@/lib/platform';
import { adminForSessionId, SESSION_COOKIE } from '@/lib/auth/session';
import { loadContext, type GatewayContext } from '@/lib/gateway/context';
import type { AdminContext } from '@/lib/admin/guard';

/** The logged-in admin, or undefined (memoised per request). */
export const getAdmin = cache(async () => {
  const platform = getPlatform();
  const ctx: GatewayContext = await loadContext(platform);
  const id = (await cookies()).get(SESSION_COOKIE)?.value;
  const session = await adminForSessionId(ctx.db, id, ctx.now());
  return session ? { ctx, ...session } : undefined;
});

/** Redirects to /login without a session and to the password change while it is due. */
export async function requireAdmin(): Promise<AdminContext> {
  const admin = await getAdmin();
  if (!admin) redirect('/login');
  if (admin.user.mustChangePassword) redirect('/login?change=1');
  return { ...admin.ctx, user: admin.user, sessionHash: admin.sessionHash };
}
