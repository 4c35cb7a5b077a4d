import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { testPlatform } from '@/lib/test/fixtures';
import { meta, settings as settingsTable } from '@/lib/db/schema';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import type { AdminContext } from './guard';
import { get, put } from './settings';

const T0 = 1_800_000_000_000;
let ctx: AdminContext;
const t = useTestDb(settingsTable, meta);
beforeAll(() => {
  ctx = { db: t.db, now: () => T0, platform: testPlatform(t.d1).platform } as unknown as AdminContext;
});

const send = (body: unknown) => put(new Request('http://gw/api/admin/settings', { method: 'PUT', body: JSON.stringify(body) }), ctx);
const stored = async () => Object.fromEntries((await t.db.select().from(settingsTable)).map((r) => [r.key, r.value]));
const version = async () => (await t.db.select().from(meta)).find((r) => r.key === 'settings_version')?.value;

describe('GET /settings', () => {
  it('the stored values over the defaults, with the defaults and the default models beside them', async () => {
    await t.db.insert(settingsTable).values({ key: 'max_retries', value: 4, updatedAt: T0 });
    await t.db.insert(meta).values({ key: 'settings_version', value: '41', updatedAt: T0 });
    const body = (await (await get(ctx)).json()) as { values: Record<string, unknown>; defaults: unknown; defaultModels: { id: string }[] };
    expect(body.values).toEqual({ ...DEFAULT_SETTINGS, max_retries: 4 });
    expect(body.defaults).toEqual(DEFAULT_SETTINGS);
    expect(body.defaultModels.map((m) => m.id)).toEqual(DEFAULT_MODELS.map((m) => m.id));
  });

  it('a stored value the schema no longer accepts shows as its default instead of failing the page', async () => {
    await t.db.insert(settingsTable).values([
      { key: 'max_retries', value: 99, updatedAt: T0 },
      { key: 'keepalive_seconds', value: 30, updatedAt: T0 },
    ]);
    await t.db.insert(meta).values({ key: 'settings_version', value: '42', updatedAt: T0 });
    const { values } = (await (await get(ctx)).json()) as { values: Record<string, unknown> };
    expect([values.max_retries, values.keepalive_seconds]).toEqual([DEFAULT_SETTINGS.max_retries, 30]);
  });
});

describe('PUT /settings', () => {
  it('saves a partial update as a new version and answers with every value', async () => {
    const res = await send({ max_retries: 5, open_access: true });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { values: unknown }).values).toEqual({ ...DEFAULT_SETTINGS, max_retries: 5, open_access: true });
    expect(await stored()).toEqual({ max_retries: 5, open_access: true });
    expect(await version()).toBe('1');
    await send({ max_retries: 3 });
    expect([await version(), (await stored()).max_retries]).toEqual(['2', 3]);
  });

  it('any invalid field refuses the whole update: 400 naming the first, every error listed, nothing saved', async () => {
    await send({ max_retries: 2 });
    const res = await send({ max_retries: 3, keepalive_seconds: 999, bogus: 1 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { param: string; code: string; message: string }; fieldErrors: Record<string, string> };
    expect(body.error).toMatchObject({ param: 'keepalive_seconds', code: 'invalid_settings', type: 'invalid_request_error' });
    expect(body.error.message).toMatch(/^Invalid setting keepalive_seconds: /);
    expect(Object.keys(body.fieldErrors).sort()).toEqual(['bogus', 'keepalive_seconds']);
    expect(body.fieldErrors.bogus).toBe('unknown setting');
    expect([await stored(), await version()]).toEqual([{ max_retries: 2 }, '1']);
  });

  it('a body that is not an object of settings is a 400', async () => {
    expect((await send([{ max_retries: 1 }])).status).toBe(400);
    expect(await stored()).toEqual({});
  });
});
