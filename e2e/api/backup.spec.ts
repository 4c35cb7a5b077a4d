/**
 * Settings backup: `GET /api/admin/settings/export` → change settings → `POST /api/admin/settings/import` puts
 * every value back; a malformed, unknown-key, invalid or wrong-version document is a 400 and changes nothing.
 */
import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USER, GATEWAY, ORIGIN, gateway } from './helpers';

const IMPORT = '/api/admin/settings/import';

/** A session of this spec's own, for requests the shared helper cannot send (a body that is not JSON). */
async function ownSession(): Promise<string> {
  const res = await fetch(`${GATEWAY}/api/admin/login`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return /^(g2a_session=[^;]+)/.exec(res.headers.getSetCookie().find((c) => c.startsWith('g2a_session=')) ?? '')![1];
}

async function values(): Promise<Record<string, unknown>> {
  const r = await gateway.call('GET', '/api/admin/settings');
  expect(r.status).toBe(200);
  return r.json.values;
}

test.beforeEach(async () => {
  await gateway.login();
  await gateway.resetSettings();
});

test.afterAll(async () => {
  await gateway.resetSettings();
});

test.describe('settings backup', () => {
  test('export → change settings → import restores every value', async () => {
    await gateway.putSettings({ reasoning_output: 'think_tags', keepalive_seconds: 25, model_aliases: { 'claude-sonnet-4-5': 'grok-4' }, custom_instruction: '用中文回答' });
    const saved = await values();

    const exported = await gateway.call('GET', '/api/admin/settings/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/json/);
    expect(exported.headers.get('cache-control')).toBe('no-store');
    const file = exported.json;
    expect(file).toMatchObject({ format: 'grok2api-settings', version: 1 });
    expect(Date.now() - Date.parse(file.exportedAt)).toBeLessThan(60_000);
    // Named after the (UTC) day of the export.
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="grok2api-settings-${file.exportedAt.slice(0, 10)}.json"`);
    expect(file.settings).toEqual(saved);

    await gateway.putSettings({ reasoning_output: 'hidden', keepalive_seconds: 60, model_aliases: {}, custom_instruction: '', open_access: true });
    expect(await values()).not.toEqual(saved);

    const imported = await gateway.call('POST', IMPORT, file);
    expect(imported.status, imported.text).toBe(200);
    expect(imported.json).toMatchObject({ ok: true, applied: Object.keys(saved).length });
    expect(imported.json.values).toEqual(saved);
    expect(await values()).toEqual(saved);
  });

  test('a partial document changes only the settings it lists', async () => {
    const before = await values();
    const r = await gateway.call('POST', IMPORT, { format: 'grok2api-settings', version: 1, settings: { max_retries: 4 } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ ok: true, applied: 1 });
    expect(await values()).toEqual({ ...before, max_retries: 4 });
  });

  test('malformed, unknown-key, invalid, wrong-version and wrong-format documents → 400; nothing changes', async () => {
    await gateway.putSettings({ keepalive_seconds: 30 });
    const before = await values();
    const good = (settings: Record<string, unknown>) => ({ format: 'grok2api-settings', version: 1, exportedAt: new Date().toISOString(), settings });

    const cases: { body: unknown; code: string; param: string | null; message: RegExp; fieldErrors?: string[] }[] = [
      // Valid settings before the bad one: still nothing may be stored.
      { body: good({ reasoning_output: 'hidden', max_retries: 5, no_such_setting: 1 }), code: 'invalid_settings', param: 'settings.no_such_setting', message: /no_such_setting: unknown setting/, fieldErrors: ['no_such_setting'] },
      { body: good({ reasoning_output: 'hidden', keepalive_seconds: 0 }), code: 'invalid_settings', param: 'settings.keepalive_seconds', message: /Invalid setting keepalive_seconds/, fieldErrors: ['keepalive_seconds'] },
      { body: { ...good({ reasoning_output: 'hidden' }), version: 2 }, code: 'invalid_backup', param: 'version', message: /version 2/ },
      { body: { ...good({ reasoning_output: 'hidden' }), format: 'something-else' }, code: 'invalid_backup', param: 'format', message: /"format" must be "grok2api-settings"/ },
      { body: { format: 'grok2api-settings', version: 1 }, code: 'invalid_backup', param: 'settings', message: /settings/ },
      { body: [good({ reasoning_output: 'hidden' })], code: 'invalid_backup', param: null, message: /expected a JSON object/ },
    ];
    for (const c of cases) {
      const r = await gateway.call('POST', IMPORT, c.body);
      expect(r.status, JSON.stringify(c.body)).toBe(400);
      expect(r.json.error).toMatchObject({ type: 'invalid_request_error', code: c.code, param: c.param });
      expect(r.json.error.message).toMatch(c.message);
      if (c.fieldErrors) expect(Object.keys(r.json.fieldErrors)).toEqual(c.fieldErrors);
      else expect(r.json.fieldErrors).toBeUndefined();
    }

    const cookie = await ownSession();
    const raw = await fetch(`${GATEWAY}${IMPORT}`, {
      method: 'POST',
      headers: { origin: ORIGIN, cookie, 'content-type': 'application/json' },
      body: '{"format": "grok2api-settings", "version": 1, "settings": {',
    });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_json' });

    expect(await values()).toEqual(before);
  });

  test('admin only: no session → 401; an import without a same-origin Origin → 403', async () => {
    const file = (await gateway.call('GET', '/api/admin/settings/export')).json;
    expect((await gateway.call('GET', '/api/admin/settings/export', undefined, { auth: false })).status).toBe(401);
    expect((await gateway.call('POST', IMPORT, file, { auth: false })).status).toBe(401);
    const before = await values();
    const cross = await gateway.call('POST', IMPORT, { ...file, settings: { ...file.settings, open_access: true } }, { origin: false, headers: { origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe('bad_origin');
    expect(await values()).toEqual(before);
  });
});
