/**
 * @module gateway/housekeeping
 * Pages has no cron: pruning of old logs, expired sessions and key counters runs from requests via
 * `waitUntil`, at most once per interval per isolate.
 */
import { lt } from 'drizzle-orm';
import { pruneLogs } from '@/lib/db/logs';
import { pruneKeyState } from '@/lib/db/keys';
import { pruneLoginAttempts } from '@/lib/db/admins';
import { pruneVideoJobs } from '@/lib/db/videos';
import { sessions } from '@/lib/db/schema';
import type { GatewayContext } from './context';
import { probeQuarantinedWhenDue, recheckProbes } from './quarantine-probe';
import { snapshotPoolWhenDue } from './pool-snapshot';

const INTERVAL_MS = 60 * 60_000;
let lastRun = 0;

export function runHousekeeping(ctx: GatewayContext): void {
  probeQuarantinedWhenDue(ctx);
  snapshotPoolWhenDue(ctx);
  const now = ctx.now();
  if (now - lastRun < INTERVAL_MS) return;
  lastRun = now;
  // Accounts quarantined by other isolates: this one learns of their probes at least this often.
  recheckProbes();
  ctx.platform.waitUntil(
    Promise.all([
      pruneLogs(ctx.db, now - ctx.settings.log_retention_days * 86_400_000),
      pruneVideoJobs(ctx.db, now - ctx.settings.log_retention_days * 86_400_000),
      pruneKeyState(ctx.db, now),
      ctx.db.delete(sessions).where(lt(sessions.expiresAt, now)),
      pruneLoginAttempts(ctx.db, now - 86_400_000),
    ]),
  );
}
