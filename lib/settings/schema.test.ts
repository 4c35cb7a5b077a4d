import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateSettingsPatch } from './schema';

describe('validateSettingsPatch', () => {
  it('accepts a valid partial update and returns exactly that patch', () => {
    expect(validateSettingsPatch({ reasoning_output: 'think_tags', keepalive_seconds: 30, open_access: true })).toEqual({
      ok: true,
      patch: { reasoning_output: 'think_tags', keepalive_seconds: 30, open_access: true },
    });
  });

  it('accepts an empty object as an empty patch', () => {
    expect(validateSettingsPatch({})).toEqual({ ok: true, patch: {} });
  });

  it('reports an unknown key', () => {
    expect(validateSettingsPatch({ not_a_setting: 1 })).toEqual({ ok: false, fieldErrors: { not_a_setting: 'unknown setting' } });
  });

  it('reports a wrong type keyed by the setting, alongside other errors', () => {
    const r = validateSettingsPatch({ keepalive_seconds: 'fifteen', upstream_profile: 'D', open_access: true, typo: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors).sort()).toEqual(['keepalive_seconds', 'typo', 'upstream_profile']);
    expect(r.fieldErrors.keepalive_seconds).toMatch(/number/i);
    expect(r.fieldErrors.typo).toBe('unknown setting');
  });

  it.each([
    ['a line break', 'Mozilla/5.0\r\nX-Injected: 1'],
    ['a NUL', 'Mozilla/5.0 \0'],
    ['a character outside Latin-1', 'Mozilla/5.0 浏览器'],
  ])('refuses a header-valued setting holding %s (fetch could not send it)', (_, value) => {
    const r = validateSettingsPatch({ user_agent: value, cf_cookies: `a=${value}` });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.fieldErrors).sort()).toEqual(['cf_cookies', 'user_agent']);
  });

  it('reports an out-of-range number', () => {
    const r = validateSettingsPatch({ keepalive_seconds: 0, max_retries: 2.5 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors).sort()).toEqual(['keepalive_seconds', 'max_retries']);
  });

  // A partial override must stay partial: defaults filled in here would overwrite the default model's
  // fields when the catalog merges the override (see lib/catalog/models.test.ts).
  it('validates model overrides and keeps them partial', () => {
    expect(validateSettingsPatch({ models: [{ id: 'grok-3', enabled: false }] })).toEqual({
      ok: true,
      patch: { models: [{ id: 'grok-3', enabled: false }] },
    });
    expect(validateSettingsPatch({ models: [{ enabled: false }] }).ok).toBe(false);
  });

  it.each([[null], [[]], ['x'], [3]])('rejects a non-object body %j', (input) => {
    expect(validateSettingsPatch(input)).toEqual({ ok: false, fieldErrors: { _: 'expected an object of settings' } });
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      upstream_profile: 'B',
      statsig_mode: 'x1',
      reasoning_output: 'reasoning_content',
      rate_limit_cooldown_seconds: 3600,
      transient_cooldown_seconds: 30,
      models: [],
    });
  });
});
