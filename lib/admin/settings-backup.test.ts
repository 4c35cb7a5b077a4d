import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { meta, settings as settingsTable } from '@/lib/db/schema';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { getSettings, saveSettings } from '@/lib/settings/store';
import type { AdminContext } from './guard';
import { exportSettings, importSettings } from './settings-backup';

const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);
let ctx: AdminContext;

const t = useTestDb(settingsTable, meta);
beforeAll(() => {
  ctx = { platform: { bindings: { DB: t.d1 } }, now: () => T0 } as unknown as AdminContext;
});

const post = (body: unknown) =>
  importSettings(new Request('http://gw/api/admin/settings/import', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) }), ctx);
const stored = () => t.db.select().from(settingsTable);

describe('settings export / import handlers', () => {
  it('export → change → import restores every value, in one saved version', async () => {
    await saveSettings(t.d1, { reasoning_output: 'think_tags', model_aliases: { 'claude-haiku-4-5': 'grok-3-mini' } }, T0);
    const res = await exportSettings(ctx);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="grok2api-settings-2026-11-26.json"');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const file = (await res.json()) as { settings: Record<string, unknown> };
    expect(file).toMatchObject({ format: 'grok2api-settings', version: 1, exportedAt: '2026-11-26T08:00:00.000Z' });
    expect(file.settings).toEqual({ ...DEFAULT_SETTINGS, reasoning_output: 'think_tags', model_aliases: { 'claude-haiku-4-5': 'grok-3-mini' } });

    await saveSettings(t.d1, { reasoning_output: 'hidden', model_aliases: {}, max_retries: 5 }, T0);
    const version = async () => Number((await t.db.select().from(meta))[0].value);
    const v = await version();
    const r = await post(file);
    expect(await version()).toBe(v + 1);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { values: unknown };
    expect(body).toMatchObject({ ok: true, applied: Object.keys(DEFAULT_SETTINGS).length });
    expect(body.values).toEqual(file.settings);
    expect(await getSettings(t.d1)).toEqual(file.settings);
  });

  it('a bad document stores nothing: unknown key, invalid value, wrong version, not JSON', async () => {
    await saveSettings(t.d1, { keepalive_seconds: 30 }, T0);
    const before = await stored();
    const cases: [unknown, string, string | null][] = [
      [{ format: 'grok2api-settings', version: 1, settings: { reasoning_output: 'hidden', bogus: true } }, 'invalid_settings', 'settings.bogus'],
      [{ format: 'grok2api-settings', version: 1, settings: { reasoning_output: 'hidden', keepalive_seconds: 999 } }, 'invalid_settings', 'settings.keepalive_seconds'],
      [{ format: 'grok2api-settings', version: 2, settings: { reasoning_output: 'hidden' } }, 'invalid_backup', 'version'],
      ['{"format": "grok2api-settings",', 'invalid_json', null],
    ];
    for (const [body, code, param] of cases) {
      const r = await post(body).catch((e: { status?: number; code?: string; param?: string | null }) => e);
      if (r instanceof Response) {
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: unknown }).error).toMatchObject({ code, param, type: 'invalid_request_error' });
      } else {
        // readJsonBody throws; withAdmin turns it into the 400 envelope.
        expect(r).toMatchObject({ status: 400, code, param: null });
      }
    }
    expect(await stored()).toEqual(before);
  });
});
