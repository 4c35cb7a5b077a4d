import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { apiKeys, keyLeases, keyUsage } from '@/lib/db/schema';
import type { ModelEntry } from '@/lib/catalog/models';
import type { GatewayContext } from './context';
import type { Caller } from './authorize';
import { admitRequest } from './key-limits';

const NOW = Date.UTC(2026, 11, 1, 12);
const t = useTestDb(keyUsage, keyLeases);
beforeAll(async () => {
  // Leases are taken from the key's own row.
  await t.db.insert(apiKeys).values({ id: 'k1', name: 'k', keyHash: 'h', prefix: 'sk-g2a-', createdAt: NOW } as typeof apiKeys.$inferInsert);
});

const pending: Promise<unknown>[] = [];
const ctx = { now: () => NOW, platform: { env: { CACHE_RESET_TZ_OFFSET_MINUTES: 0 }, waitUntil: (p: Promise<unknown>) => pending.push(p) } };
const context = () => ({ ...ctx, db: t.db }) as unknown as GatewayContext;
const IMAGE = { id: 'grok-imagine-1.0', kind: 'image', bucket: 'default' } as ModelEntry;
const caller = (limits: Record<string, number>) => ({ id: 'k1', name: 'k', limits }) as unknown as Caller;

const used = async () => (await t.db.select().from(keyUsage)).find((r) => r.bucket === 'image')?.count ?? 0;
const leases = async () => (await t.db.select().from(keyLeases)).length;

describe('KeyAdmission: acquire, then exactly one of commit or refund', () => {
  it('commit keeps the units and frees the slot; a later refund changes nothing', async () => {
    const a = await admitRequest(context(), caller({ imagePerDay: 10, concurrency: 2 }), IMAGE, 4);
    expect([await used(), await leases()]).toEqual([4, 1]);
    await a.commit();
    await a.refund();
    expect([await used(), await leases()]).toEqual([4, 0]);
  });

  it('refund of the undelivered part only (a streamed n=4 that failed after one image)', async () => {
    const a = await admitRequest(context(), caller({ imagePerDay: 10, concurrency: 2 }), IMAGE, 4);
    await a.refund(3);
    await a.refund(3);
    await a.commit();
    expect([await used(), await leases()]).toEqual([1, 0]);
  });

  it('refund without a count gives everything back', async () => {
    const a = await admitRequest(context(), caller({ imagePerDay: 10 }), IMAGE, 4);
    await a.refund();
    expect(await used()).toBe(0);
  });

  it('refund never gives back more than was taken', async () => {
    const a = await admitRequest(context(), caller({ imagePerDay: 10 }), IMAGE, 2);
    await a.refund(50);
    expect(await used()).toBe(0);
  });

  it('a refused admission takes nothing', async () => {
    await (await admitRequest(context(), caller({ imagePerDay: 5 }), IMAGE, 4)).commit();
    await expect(admitRequest(context(), caller({ imagePerDay: 5, concurrency: 1 }), IMAGE, 4)).rejects.toMatchObject({ code: 'image_quota_exceeded' });
    await Promise.all(pending.splice(0));
    expect([await used(), await leases()]).toEqual([4, 0]);
  });
});
