import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { keyRow, testPlatform } from '@/lib/test/fixtures';
import { apiKeys, keyLeases, keyUsage } from '@/lib/db/schema';
import { buildCatalog } from '@/lib/catalog/models';
import { hashApiKey } from '@/lib/auth/api-keys';
import { localDay } from '@/lib/gateway/key-limits';
import type { AdminContext } from './guard';
import { create, list, patch, remove } from './keys';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 26, 12);
let ctx: AdminContext;
const t = useTestDb(apiKeys, keyUsage, keyLeases);
beforeAll(() => {
  ctx = { db: t.db, now: () => T0, catalog: buildCatalog([]), platform: testPlatform(t.d1, { CACHE_RESET_TZ_OFFSET_MINUTES: 480 }).platform } as unknown as AdminContext;
});

const json = (method: string, body: unknown) => new Request('http://gw/api/admin/keys', { method, body: JSON.stringify(body) });
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: { status: number; code: string; param: string | null }) => ({ status: e.status, code: e.code, param: e.param }));
type View = { id: string; status: string; models: string[] | null; usageToday: Record<string, number>; inFlight: number; name: string; limits: object; expiresAt: number | null };
const listed = async () => ((await (await list(ctx)).json()) as { items: View[]; total: number });

describe('POST /keys', () => {
  it('shows the key once and stores only its hash; an empty model list means every model', async () => {
    const res = await create(json('POST', { name: '  ci  ', models: [], limits: { rpm: 60 } }), ctx);
    expect(res.status).toBe(201);
    const { id, key, prefix, name } = (await res.json()) as { id: string; key: string; prefix: string; name: string };
    expect(name).toBe('ci');
    expect(key.startsWith(prefix)).toBe(true);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row).toMatchObject({ name: 'ci', keyHash: await hashApiKey(key), prefix, models: null, limits: { rpm: 60 }, status: 'active', expiresAt: null, createdAt: T0 });
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it('refuses unknown models and invalid limits, storing nothing', async () => {
    expect(await rejection(create(json('POST', { name: 'x', models: ['grok-4', 'gpt-9'] }), ctx))).toEqual({ status: 400, code: 'invalid_request', param: 'models' });
    expect(await rejection(create(json('POST', { name: 'x', limits: { rpm: 0 } }), ctx))).toMatchObject({ status: 400, param: 'limits.rpm' });
    expect(await rejection(create(json('POST', { name: '   ' }), ctx))).toMatchObject({ status: 400, param: 'name' });
    expect(await t.db.select().from(apiKeys)).toEqual([]);
  });

  it('accepts a model by its alias', async () => {
    expect((await create(json('POST', { name: 'x', models: ['grok-4.1.thinking'] }), ctx)).status).toBe(201);
  });
});

describe('GET /keys', () => {
  it('newest first, with today’s usage in the local day, live requests, and expiry as a status', async () => {
    await t.db.insert(apiKeys).values([
      keyRow('older', { createdAt: T0 - 2 * DAY }),
      keyRow('expired', { createdAt: T0 - DAY, expiresAt: T0 }),
      keyRow('newest', { createdAt: T0, status: 'disabled', expiresAt: T0 + DAY }),
    ]);
    const today = localDay(T0, 480).window;
    const yesterday = localDay(T0 - DAY, 480).window;
    await t.db.insert(keyUsage).values([
      { keyId: 'older', window: today, bucket: 'chat', count: 7, expiresAt: T0 + DAY },
      { keyId: 'older', window: today, bucket: 'image', count: 2, expiresAt: T0 + DAY },
      { keyId: 'older', window: yesterday, bucket: 'chat', count: 99, expiresAt: T0 + DAY },
    ]);
    await t.db.insert(keyLeases).values([
      { id: 'l1', keyId: 'older', expiresAt: T0 + 1 },
      { id: 'l2', keyId: 'older', expiresAt: T0 },
    ]);
    const { items, total } = await listed();
    expect(total).toBe(3);
    expect(items.map((k) => [k.id, k.status])).toEqual([
      ['newest', 'disabled'],
      ['expired', 'expired'],
      ['older', 'active'],
    ]);
    expect(items[2]).toMatchObject({ usageToday: { chat: 7, image: 2 }, inFlight: 1 });
    expect(items[0]).toMatchObject({ usageToday: {}, inFlight: 0 });
    expect(items[0]).not.toHaveProperty('keyHash');
  });
});

describe('PATCH /keys/:id', () => {
  it('changes only the fields sent; an empty model list clears the allow-list', async () => {
    await t.db.insert(apiKeys).values(keyRow('k', { models: ['grok-4'], limits: { rpm: 5 }, expiresAt: T0 + DAY }));
    const res = await patch(json('PATCH', { status: 'disabled', models: [] }), ctx, 'k');
    expect((await res.json()) as View).toMatchObject({ id: 'k', status: 'disabled', models: null, limits: { rpm: 5 }, expiresAt: T0 + DAY, name: 'key k' });
    await patch(json('PATCH', { expiresAt: null, limits: {} }), ctx, 'k');
    expect((await t.db.select().from(apiKeys))[0]).toMatchObject({ status: 'disabled', expiresAt: null, limits: {} });
  });

  it('nothing to change is a 400, an unknown id a 404, an unknown model a 400 that changes nothing', async () => {
    await t.db.insert(apiKeys).values(keyRow('k', { models: ['grok-4'] }));
    expect(await rejection(patch(json('PATCH', {}), ctx, 'k'))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await rejection(patch(json('PATCH', { name: 'n' }), ctx, 'nope'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await rejection(patch(json('PATCH', { name: 'n', models: ['nope'] }), ctx, 'k'))).toMatchObject({ status: 400, param: 'models' });
    expect((await t.db.select().from(apiKeys))[0]).toMatchObject({ name: 'key k', models: ['grok-4'] });
  });
});

describe('DELETE /keys/:id', () => {
  it('removes the key and its counters; a second delete is a 404', async () => {
    await t.db.insert(apiKeys).values([keyRow('k'), keyRow('other')]);
    await t.db.insert(keyUsage).values([
      { keyId: 'k', window: 'd:x', bucket: 'chat', count: 1, expiresAt: T0 },
      { keyId: 'other', window: 'd:x', bucket: 'chat', count: 1, expiresAt: T0 },
    ]);
    expect((await remove(ctx, 'k')).status).toBe(200);
    expect((await t.db.select().from(apiKeys)).map((k) => k.id)).toEqual(['other']);
    expect((await t.db.select().from(keyUsage)).map((u) => u.keyId)).toEqual(['other']);
    expect(await rejection(remove(ctx, 'k'))).toMatchObject({ status: 404 });
  });
});
