import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { flakyD1, tokenRow } from '@/lib/test/fixtures';
import { getDb, type Db } from '@/lib/db/client';
import { POOL_SNAPSHOT_SLOT_MS } from '@/lib/db/pool-snapshots';
import { poolSnapshots, tokens } from '@/lib/db/schema';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { createPoolSnapshotter } from './pool-snapshot';

const SLOT = POOL_SNAPSHOT_SLOT_MS;
const T0 = Math.floor(1_800_000_000_000 / SLOT) * SLOT;
const t = useTestDb(poolSnapshots, tokens);
beforeEach(async () => {
  await t.db.insert(tokens).values([tokenRow('a'), tokenRow('b', { status: 'invalid' })]);
});

function at(now: number, db: Db = t.db) {
  const pending: Promise<unknown>[] = [];
  const ctx = { db, now: () => now, settings: { ...DEFAULT_SETTINGS, log_retention_days: 30 }, platform: { waitUntil: (p: Promise<unknown>) => void pending.push(p) } };
  return { ctx, settle: () => Promise.all(pending.splice(0)) };
}
const slots = async () => (await t.db.select().from(poolSnapshots)).map((r) => [r.at, r.available, r.invalid]);

describe('createPoolSnapshotter', () => {
  it('a failed write leaves the slot open: a later request of the same slot writes it', async () => {
    const snapshot = createPoolSnapshotter();
    const failing = at(T0 + 1, getDb(flakyD1(t.d1, 1)));
    snapshot(failing.ctx);
    await failing.settle();
    expect(await slots()).toEqual([]);
    const retry = at(T0 + 2);
    snapshot(retry.ctx);
    await retry.settle();
    expect(await slots()).toEqual([[T0, 1, 1]]);
  });

  it('the slot size is the writer’s: a smaller one writes more often, at its own boundaries', async () => {
    const snapshot = createPoolSnapshotter({ slotMs: 1000 });
    for (const now of [T0 + 10, T0 + 999, T0 + 1000, T0 + 2500]) {
      const s = at(now);
      snapshot(s.ctx);
      await s.settle();
    }
    expect((await slots()).map(([slot]) => slot)).toEqual([T0, T0 + 1000, T0 + 2000]);
  });
});
