import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { keyRow, testPlatform, tokenRow } from '@/lib/test/fixtures';
import { accountLeases, apiKeys, meta, settings as settingsTable, tokens } from '@/lib/db/schema';
import { meterD1 } from '@/lib/db/metered';
import { hashApiKey } from '@/lib/auth/api-keys';
import type { Platform } from '@/lib/platform';
import type { GatewayContext } from './context';
import { resolveModel } from './authorize';
import { preflight } from './preflight';
import { planClaim } from './account-claim';
import { contextFor } from './context';
import { activeKeyCondition } from '@/lib/db/keys';
import { loadSettings } from '@/lib/settings/store';

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

  describe('claiming the account in the same batch', () => {
    const early = { modelOf: chatModel('grok-4'), claimEarly: () => true };
    const claimedState = async () => ({
      leases: (await t.db.select().from(accountLeases)).map((l) => l.tokenId),
      uses: (await t.db.select().from(tokens)).map((r) => [r.id, r.useCount]),
    });
    /** A request of this key seen before by this isolate (what it remembers: the key row, a sample). */
    const seen = (key: string) => preflight(request(key), metered().platform, { modelOf: chatModel('grok-4') });

    it('a key this isolate knows gets its account claimed in the one round trip, slot included', async () => {
      await t.db.insert(tokens).values(tokenRow('only'));
      await seen(KEY);

      const { platform, meter } = metered();
      const r = await preflight(request(KEY), platform, early);
      expect(meter.roundTrips).toBe(1);
      expect([r.caller?.id, r.claimed?.row.id, r.claimed?.row.useCount]).toEqual(['k1', 'only', 1]);
      // The sample read after the claim no longer offers the account (its only slot is taken).
      expect(r.candidates).toEqual([]);
      expect(await claimedState()).toEqual({ leases: ['only'], uses: [['only', 1]] });
    });

    it('claims nothing when the caller says not to, for an unknown key, or for a key with limits', async () => {
      await t.db.insert(tokens).values(tokenRow('only'));
      await seen(KEY);
      const none = await preflight(request(KEY), metered().platform, { modelOf: chatModel('grok-4'), claimEarly: () => false });
      expect(none.claimed).toBeUndefined();

      await t.db.insert(apiKeys).values(keyRow('new', { keyHash: await hashApiKey(`${KEY}-new`) }));
      expect((await preflight(request(`${KEY}-new`), metered().platform, early)).claimed).toBeUndefined();

      await t.db.insert(apiKeys).values(keyRow('limited', { keyHash: await hashApiKey(`${KEY}-limited`), limits: { rpm: 5 } }));
      await seen(`${KEY}-limited`);
      expect((await preflight(request(`${KEY}-limited`), metered().platform, early)).claimed).toBeUndefined();
      expect(await claimedState()).toEqual({ leases: [], uses: [['only', 0]] });
    });

    it('a key disabled or expired since this isolate saw it is refused and claims nothing', async () => {
      await t.db.insert(tokens).values(tokenRow('only'));
      for (const [set, code] of [
        [{ status: 'disabled' as const }, 'api_key_disabled'],
        [{ status: 'active' as const, expiresAt: Date.now() - 1 }, 'api_key_expired'],
      ] as const) {
        await t.db.update(apiKeys).set({ status: 'active', expiresAt: null }).where(eq(apiKeys.id, 'k1'));
        await seen(KEY);
        await t.db.update(apiKeys).set(set).where(eq(apiKeys.id, 'k1'));
        expect(await failure(preflight(request(KEY), metered().platform, early))).toEqual([401, code]);
        expect(await claimedState()).toEqual({ leases: [], uses: [['only', 0]] });
      }
    });

    it('the claim statements themselves take nothing for a key that is not active (no claim to give back)', async () => {
      await t.db.insert(tokens).values(tokenRow('only'));
      const { platform } = metered();
      const ctx = contextFor(platform, await loadSettings(t.d1));
      const choice = { id: 'only', type: 'sso' as const, remaining: -1, resetAt: null, lastUsedAt: null, failedCount: 0 };
      const attempt = async (key: string) => {
        const plan = planClaim(ctx, choice, { model: { bucket: 'default', units: 1 }, perAccount: 1, now: Date.now(), guard: activeKeyCondition(await hashApiKey(key), Date.now()) });
        return plan.read(await ctx.db.batch(plan.statements as unknown as Parameters<typeof ctx.db.batch>[0]));
      };
      for (const key of [`${KEY}-off`, `${KEY}-old`, 'sk-g2a-unknown']) expect(await attempt(key)).toBeUndefined();
      expect(await claimedState()).toEqual({ leases: [], uses: [['only', 0]] });
      expect((await attempt(KEY))?.row.id).toBe('only');
    });

    it('a claim the batch turns out not to allow (models changed, settings changed) is given back', async () => {
      await t.db.insert(tokens).values(tokenRow('only', { useCount: 7, lastUsedAt: 1234 }));
      await seen(KEY);
      await t.db.update(apiKeys).set({ models: ['grok-3'] }).where(eq(apiKeys.id, 'k1'));
      const { platform, settle } = testPlatform(t.d1);
      const r = await preflight(request(KEY), platform as Platform, early);
      expect(r.claimed).toBeUndefined();
      await settle();
      expect(await claimedState()).toEqual({ leases: [], uses: [['only', 7]] });
      expect((await t.db.select().from(tokens))[0].lastUsedAt).toBe(1234);

      await t.db.update(apiKeys).set({ models: null }).where(eq(apiKeys.id, 'k1'));
      await seen(KEY);
      await savedElsewhere({ max_retries: 2 });
      const next = testPlatform(t.d1);
      const again = await preflight(request(KEY), next.platform as Platform, early);
      expect([again.claimed, again.ctx.settings.max_retries]).toEqual([undefined, 2]);
      await next.settle();
      expect(await claimedState()).toEqual({ leases: [], uses: [['only', 7]] });
    });

    it('a remembered account that stopped being ready is not claimed; the fresh sample is there for the pick', async () => {
      await t.db.insert(tokens).values([tokenRow('a'), tokenRow('b')]);
      await seen(KEY);
      await t.db.update(tokens).set({ cooldownUntil: Date.now() + HOUR });
      await t.db.update(tokens).set({ cooldownUntil: null }).where(eq(tokens.id, 'b'));
      // Whichever the guess was, nothing but a ready account can be claimed.
      for (let i = 0; i < 5; i++) {
        const { platform, settle } = testPlatform(t.d1);
        const r = await preflight(request(KEY), platform as Platform, early);
        expect(r.claimed?.row.id ?? r.candidates?.map((c) => c.id)[0]).toBe('b');
        if (r.claimed) {
          await t.db.delete(accountLeases);
        }
        await settle();
      }
    });
  });
});
