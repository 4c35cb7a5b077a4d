import { describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { createPoolSnapshotter } from '@/lib/gateway/pool-snapshot';
import { loadStats } from '@/lib/admin/logs';
import type { GatewayContext } from '@/lib/gateway/context';
import { insertPoolSnapshot, listPoolSnapshots, POOL_SNAPSHOT_SLOT_MS, prunePoolSnapshots } from './pool-snapshots';
import { poolSnapshots, tokens } from './schema';

const SLOT = POOL_SNAPSHOT_SLOT_MS;
const HOUR = 3_600_000;
/** A slot boundary, so the arithmetic below reads plainly. */
const T0 = Math.floor(1_800_000_000_000 / (6 * HOUR)) * 6 * HOUR;
const counts = (available: number, rest: Partial<Record<'cooling' | 'quarantined' | 'invalid' | 'disabled', number>> = {}) => ({
  available,
  cooling: 0,
  quarantined: 0,
  invalid: 0,
  disabled: 0,
  ...rest,
});

const t = useTestDb(poolSnapshots, tokens);

const token = (id: string, extra: Partial<typeof tokens.$inferInsert> = {}) => ({ id, tokenHash: `h-${id}`, tokenEnc: 'e', suffix: id.padEnd(6, '0'), type: 'sso' as const, createdAt: T0, ...extra });

describe('pool snapshots', () => {
  it('one row per slot: the first write wins', async () => {
    await insertPoolSnapshot(t.db, T0, counts(3));
    await insertPoolSnapshot(t.db, T0, counts(1));
    expect(await t.db.select().from(poolSnapshots)).toEqual([{ at: T0, ...counts(3) }]);
  });

  it('lists the period averaged per bucket, oldest first, and prunes before a time', async () => {
    await insertPoolSnapshot(t.db, T0 - SLOT, counts(9));
    await insertPoolSnapshot(t.db, T0, counts(4, { cooling: 1 }));
    await insertPoolSnapshot(t.db, T0 + SLOT, counts(2, { cooling: 3, quarantined: 1 }));
    await insertPoolSnapshot(t.db, T0 + HOUR, counts(5, { invalid: 2 }));
    expect(await listPoolSnapshots(t.db, T0, HOUR)).toEqual([
      { at: T0, ...counts(3, { cooling: 2, quarantined: 1 }) },
      { at: T0 + HOUR, ...counts(5, { invalid: 2 }) },
    ]);
    expect((await listPoolSnapshots(t.db, T0 - SLOT, SLOT)).map((p) => p.at)).toEqual([T0 - SLOT, T0, T0 + SLOT, T0 + HOUR]);
    await prunePoolSnapshots(t.db, T0 + SLOT);
    expect((await t.db.select().from(poolSnapshots)).map((r) => r.at)).toEqual([T0 + SLOT, T0 + HOUR]);
  });
});

describe('the snapshot writer (housekeeping)', () => {
  function fakeContext(now: { value: number }) {
    const pending: Promise<unknown>[] = [];
    const ctx = {
      db: t.db,
      now: () => now.value,
      settings: { log_retention_days: 1 },
      platform: { waitUntil: (p: Promise<unknown>) => void pending.push(p) },
    } as unknown as Parameters<ReturnType<typeof createPoolSnapshotter>>[0];
    return { ctx, settle: () => Promise.all(pending.splice(0)) };
  }

  it('writes the pool counts once per slot, at the slot start, and prunes past the log retention', async () => {
    await t.db.insert(tokens).values([
      token('a'),
      token('b', { cooldownUntil: T0 + 2 * HOUR }),
      token('c', { quarantinedUntil: T0 + HOUR, quarantineReason: 'degraded_empty' }),
      token('d', { status: 'invalid' }),
      token('e', { status: 'disabled' }),
    ]);
    await insertPoolSnapshot(t.db, T0 - 2 * 86_400_000, counts(1));
    const now = { value: T0 + 1234 };
    const { ctx, settle } = fakeContext(now);
    const snapshot = createPoolSnapshotter();
    snapshot(ctx);
    snapshot(ctx);
    await settle();
    expect(await t.db.select().from(poolSnapshots)).toEqual([{ at: T0, available: 1, cooling: 1, quarantined: 1, invalid: 1, disabled: 1 }]);

    // Later in the same slot: nothing; the next slot: a new row.
    now.value = T0 + SLOT - 1;
    snapshot(ctx);
    now.value = T0 + SLOT + 5;
    await t.db.update(tokens).set({ status: 'disabled' });
    snapshot(ctx);
    await settle();
    expect((await t.db.select().from(poolSnapshots)).map((r) => [r.at, r.disabled])).toEqual([
      [T0, 1],
      [T0 + SLOT, 5],
    ]);
  });
});

describe('stats: capacity over the period', () => {
  const ctxAt = (now: number) => ({ db: t.db, now: () => now }) as unknown as GatewayContext;

  it('an empty pool without history has no points (the chart shows its empty state)', async () => {
    expect((await loadStats(ctxAt(T0), '24h')).capacity).toEqual({ bucketMs: SLOT, points: [] });
  });

  it('snapshots of the period, then the current counts', async () => {
    await t.db.insert(tokens).values([token('a'), token('b', { cooldownUntil: T0 + 10 * HOUR })]);
    await insertPoolSnapshot(t.db, T0 - 25 * HOUR, counts(7));
    await insertPoolSnapshot(t.db, T0 - HOUR, counts(2));
    const now = T0 + 42;
    const { capacity } = await loadStats(ctxAt(now), '24h');
    expect(capacity.points).toEqual([
      { at: T0 - HOUR, ...counts(2) },
      { at: now, ...counts(1, { cooling: 1 }) },
    ]);
    expect((await loadStats(ctxAt(now), '7d')).capacity).toMatchObject({ bucketMs: HOUR, points: [{ at: T0 - 25 * HOUR }, { at: T0 - HOUR }, { at: now }] });
  });

  it('a fresh install with accounts shows the current counts alone', async () => {
    await t.db.insert(tokens).values([token('a', { status: 'invalid' })]);
    expect((await loadStats(ctxAt(T0), '30d')).capacity).toEqual({ bucketMs: 6 * HOUR, points: [{ at: T0, ...counts(0, { invalid: 1 }) }] });
  });
});
