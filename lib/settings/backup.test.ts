import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsSchema } from './schema';
import { buildSettingsBackup, changedSettings, parseSettingsBackup, settingsBackupFilename } from './backup';

const T0 = Date.UTC(2026, 10, 26, 23, 59, 30);
const doc = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ format: 'grok2api-settings', version: 1, exportedAt: '2026-11-26T23:59:30.000Z', settings, ...extra });

describe('settings backup document', () => {
  it('an export holds every setting and parses back to the same values', () => {
    const settings = { ...DEFAULT_SETTINGS, reasoning_output: 'hidden' as const, model_aliases: { 'claude-sonnet-4-5': 'grok-4' } };
    const exported = buildSettingsBackup(settings, T0);
    expect(exported).toEqual({ format: 'grok2api-settings', version: 1, exportedAt: '2026-11-26T23:59:30.000Z', settings });
    expect(Object.keys(exported.settings).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    const parsed = parseSettingsBackup(JSON.parse(JSON.stringify(exported)));
    expect(parsed).toEqual({ ok: true, patch: settings, exportedAt: exported.exportedAt });
    expect(settingsBackupFilename(T0)).toBe('grok2api-settings-2026-11-26.json');
  });

  it('a partial document is a partial patch; exportedAt is optional', () => {
    const { exportedAt: _, ...bare } = doc({ keepalive_seconds: 30 });
    expect(parseSettingsBackup(bare)).toEqual({ ok: true, patch: { keepalive_seconds: 30 }, exportedAt: undefined });
    expect(parseSettingsBackup(doc({}))).toMatchObject({ ok: true, patch: {} });
  });

  it.each([
    ['not an object', [1, 2], null, /expected a JSON object/],
    ['null', null, null, /expected a JSON object/],
    ['no format', { version: 1, settings: {} }, 'format', /"format" must be "grok2api-settings"/],
    ['another format', doc({}, { format: 'grok2api-tokens' }), 'format', /"format" must be/],
    ['a newer version', doc({}, { version: 2 }), 'version', /version 2: this gateway reads version 1/],
    ['a version as text', doc({}, { version: '1' }), 'version', /version "1"/],
    ['no version', { format: 'grok2api-settings', settings: {} }, 'version', /version null/],
    ['no settings', { format: 'grok2api-settings', version: 1 }, 'settings', /Invalid settings export \(settings\)/],
    ['settings as an array', doc([] as never), 'settings', /\(settings\)/],
    ['exportedAt not a string', doc({}, { exportedAt: 5 }), 'exportedAt', /\(exportedAt\)/],
  ])('rejects %s, naming the field', (_name, input, param, message) => {
    const r = parseSettingsBackup(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.param).toBe(param);
    expect(r.message).toMatch(message);
    expect(r.fieldErrors).toBeUndefined();
  });

  it('rejects the whole document when one setting is unknown or invalid, naming each', () => {
    const r = parseSettingsBackup(doc({ reasoning_output: 'hidden', no_such_setting: 1, keepalive_seconds: 0 }));
    expect(r).toMatchObject({ ok: false, param: 'settings.no_such_setting', fieldErrors: { no_such_setting: 'unknown setting' } });
    if (r.ok) return;
    expect(r.message).toMatch(/^Invalid setting no_such_setting: unknown setting \(and 1 more: keepalive_seconds\)$/);
    expect(Object.keys(r.fieldErrors!)).toEqual(['no_such_setting', 'keepalive_seconds']);
    expect(parseSettingsBackup(doc({ models: [{ id: 1 }] }))).toMatchObject({ ok: false, param: 'settings.models' });
  });

  it('changedSettings lists only values that differ (objects compared by content, not key order)', () => {
    const current = { ...DEFAULT_SETTINGS, model_aliases: { a: 'grok-4', b: 'grok-3' } };
    expect(changedSettings(current, { model_aliases: { b: 'grok-3', a: 'grok-4' }, keepalive_seconds: 15, max_retries: 4, models: [] })).toEqual(['max_retries']);
    expect(changedSettings(current, { model_aliases: { a: 'grok-4' } })).toEqual(['model_aliases']);
    expect(changedSettings(current, {})).toEqual([]);
  });
});
