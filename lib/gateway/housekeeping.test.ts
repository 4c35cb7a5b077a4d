import { describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { logRow, tokenRow } from '@/lib/test/fixtures';
import { keyLeases, keyUsage, loginAttempts, poolSnapshots, requestLogs, sessions, tokens, videoJobs } from '@/lib/db/schema';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import type { GatewayContext } from './context';
import { runHousekeeping } from './housekeeping';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Math.floor(1_800_000_000_000 / DAY) * DAY;
const t = useTestDb();

let pending: Promise<unknown>[] = [];
const context = (now: number) =>
  ({
    db: t.db,
    now: () => now,
    settings: { ...DEFAULT_SETTINGS, log_retention_days: 7 },
    catalog: { list: [...DEFAULT_MODELS], resolve: () => undefined },
    secret: 'x'.repeat(32),
    platform: { waitUntil: (p: Promise<unknown>) => void pending.push(p) },
  }) as unknown as GatewayContext;
const settle = async () => {
  while (pending.length) await Promise.all(pending.splice(0));
};
const logIds = async () => (await t.db.select().from(requestLogs)).map((r) => r.id).sort();

// One file, one isolate's memory of its last run: the tests build on each other in order.
describe('runHousekeeping', () => {
  it('prunes past the retention and the expiries, and keeps everything newer', async () => {
    const now = T0;
    const kept = now - 7 * DAY;
    await t.db.insert(tokens).values(tokenRow('a'));
    await t.db.insert(requestLogs).values([logRow({ id: 'old', createdAt: kept - 1 }), logRow({ id: 'kept', createdAt: kept })]);
    const job = (id: string, updatedAt: number) => ({ id, model: 'grok-imagine-1.0-video', status: 'completed' as const, params: { prompt: 'p' }, createdAt: updatedAt, updatedAt });
    await t.db.insert(videoJobs).values([job('old-job', kept - 1), job('kept-job', kept)]);
    await t.db.insert(keyUsage).values([
      { keyId: 'k', window: 'd:old', bucket: 'chat', count: 1, expiresAt: now - 1 },
      { keyId: 'k', window: 'd:today', bucket: 'chat', count: 1, expiresAt: now + DAY },
    ]);
    await t.db.insert(keyLeases).values([
      { id: 'lapsed', keyId: 'k', expiresAt: now - 1 },
      { id: 'live', keyId: 'k', expiresAt: now + MIN },
    ]);
    await t.db.insert(sessions).values([
      { idHash: 'expired', userId: 'u', expiresAt: now - 1, createdAt: 0 },
      { idHash: 'live', userId: 'u', expiresAt: now + DAY, createdAt: 0 },
    ]);
    await t.db.insert(loginAttempts).values([
      { key: 'stale', failures: 3, lockedUntil: null, updatedAt: now - DAY - 1 },
      { key: 'recent', failures: 3, lockedUntil: null, updatedAt: now - DAY + 1 },
    ]);

    runHousekeeping(context(now));
    await settle();
    expect(await logIds()).toEqual(['kept']);
    expect((await t.db.select().from(videoJobs)).map((r) => r.id)).toEqual(['kept-job']);
    expect((await t.db.select().from(keyUsage)).map((r) => r.window)).toEqual(['d:today']);
    expect((await t.db.select().from(keyLeases)).map((r) => r.id)).toEqual(['live']);
    expect((await t.db.select().from(sessions)).map((r) => r.idHash)).toEqual(['live']);
    expect((await t.db.select().from(loginAttempts)).map((r) => r.key)).toEqual(['recent']);
    // The capacity chart's snapshot rides along.
    expect(await t.db.select().from(poolSnapshots)).toEqual([{ at: now, available: 1, cooling: 0, quarantined: 0, invalid: 0, disabled: 0 }]);
  });

  it('runs the pruning at most once an hour per isolate', async () => {
    await t.db.insert(requestLogs).values(logRow({ id: 'aged-since', createdAt: T0 - 7 * DAY + 30 * MIN }));
    runHousekeeping(context(T0 + 59 * MIN));
    await settle();
    // Past the retention at T0 + 59 min, but the last run was under an hour ago.
    expect(await logIds()).toEqual(['aged-since', 'kept']);
    runHousekeeping(context(T0 + 60 * MIN));
    await settle();
    expect(await logIds()).toEqual([]);
  });
});
