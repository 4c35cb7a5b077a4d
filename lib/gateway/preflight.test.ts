import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { keyRow, testPlatform, tokenRow } from '@/lib/test/fixtures';
import { accountLeases, apiKeys, meta, settings as settingsTable, tokens } from '@/lib/db/schema';
import { meterD1 } from '@/lib/db/metered';
import { hashApiKey } from '@/lib/auth/api-keys';
import type { Platform } from '@/lib/platform';
import type { GatewayContext } from './context';
import { resolveModel } from './authorize';
import { preflight } from './preflight';

const KEY = 'sk-g2a-preflight-test-key';
const HOUR = 3_600_000;
const t = useTestDb(apiKeys, tokens, accountLeases, settingsTable, meta);
let version = 0;
beforeEach(async () => {
  await t.db.insert(apiKeys).values([
    keyRow('k1', { keyHash: await hashApiKey(KEY) }),
    keyRow('off', { keyHash: await hashApiKey(`${KEY}-off`), status: 'disabled' }),
    keyRow('old', { keyHash: await hashApiKey(`${KEY}-old`), expiresAt: Date.now() - 1000 }),
  ]);
});

/** What another isolate's settings save leaves in D1: the rows and a new version. */
async function savedElsewhere(values: Record<string, unknown>) {
  for (const [key, value] of Object.entries(values)) await t.db.insert(settingsTable).values({ key, value, updatedAt: 1 });
  await t.db.insert(meta).values({ key: 'settings_version', value: `elsewhere-${++version}`, updatedAt: 1 }).onConflictDoUpdate({ target: meta.key, set: { value: `elsewhere-${version}` } });
}

const request = (key?: string) => new Request('http://gw/v1/chat/completions', { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });
const chatModel = (id: string) => (ctx: GatewayContext) => resolveModel(ctx, id, ['chat']);
const metered = () => {
  const { db, meter } = meterD1(t.d1);
  const { platform } = testPlatform(db);
  return { platform: platform as Platform, meter };
};
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: { status?: number; code?: string }) => [e.status, e.code]);

describe('preflight', () => {
  it('returns the caller, the model and the ready accounts for it; when settings are unchanged that is one D1 round trip', async () => {
    const now = Date.now();
    await t.db.insert(tokens).values([
      tokenRow('ready'),
      tokenRow('ready-too'),
      tokenRow('cooling', { cooldownUntil: now + HOUR }),
      tokenRow('busy'),
      tokenRow('off', { status: 'disabled' }),
      tokenRow('super-only', { type: 'ssoSuper' }),
    ]);
    await t.db.insert(accountLeases).values({ id: 'l', tokenId: 'busy', expiresAt: now + HOUR });
    await preflight(request(KEY), metered().platform, { modelOf: chatModel('grok-4') });

    const { platform, meter } = metered();
    const r = await preflight(request(KEY), platform, { modelOf: chatModel('grok-4') });
    expect(meter.roundTrips).toBe(1);
    expect(r.caller?.id).toBe('k1');
    expect(r.model?.id).toBe('grok-4');
    // A basic model prefers sso accounts and falls back to ssoSuper: both pools are candidates.
    expect(r.candidates?.map((c) => c.id).sort()).toEqual(['ready', 'ready-too', 'super-only']);
    expect(r.modelError).toBeUndefined();
  });

  it('an unknown model is returned as modelError for the caller to raise after logging who asked', async () => {
    const r = await preflight(request(KEY), metered().platform, { modelOf: chatModel('no-such-model') });
    expect([r.caller?.id, r.model, r.candidates]).toEqual(['k1', undefined, undefined]);
    expect(r.modelError).toMatchObject({ status: 400, code: 'model_not_found' });
  });

  it('a bad key is a 401 even when the model is unknown too', async () => {
    const opts = { modelOf: chatModel('no-such-model') };
    expect(await failure(preflight(request('sk-g2a-wrong'), metered().platform, opts))).toEqual([401, 'invalid_api_key']);
    expect(await failure(preflight(request(), metered().platform, opts))).toEqual([401, 'invalid_api_key']);
    expect(await failure(preflight(request(`${KEY}-off`), metered().platform, opts))).toEqual([401, 'api_key_disabled']);
    expect(await failure(preflight(request(`${KEY}-old`), metered().platform, opts))).toEqual([401, 'api_key_expired']);
  });

  it('the admin chat needs no key: the caller is null', async () => {
    const r = await preflight(request(), metered().platform, { asAdmin: true, modelOf: chatModel('grok-4') });
    expect([r.caller, r.model?.id]).toEqual([null, 'grok-4']);
  });

  it('settings saved by another isolate apply to this request: the model resolves under them, the stale sample is dropped', async () => {
    await t.db.insert(tokens).values(tokenRow('ready'));
    await preflight(request(KEY), metered().platform, { modelOf: chatModel('grok-4') });
    await savedElsewhere({ model_aliases: { 'claude-sonnet-4': 'grok-4' }, open_access: true });

    const { platform, meter } = metered();
    const r = await preflight(request(), platform, { modelOf: chatModel('claude-sonnet-4') });
    expect(meter.roundTrips).toBe(2);
    expect([r.caller, r.model?.id, r.modelError, r.candidates]).toEqual([null, 'grok-4', undefined, undefined]);
    expect(r.ctx.settings.open_access).toBe(true);

    // The next request holds the new settings: back to one trip, with a sample.
    const next = metered();
    const again = await preflight(request(), next.platform, { modelOf: chatModel('claude-sonnet-4') });
    expect([next.meter.roundTrips, again.candidates?.map((c) => c.id)]).toEqual([1, ['ready']]);
  });
});
