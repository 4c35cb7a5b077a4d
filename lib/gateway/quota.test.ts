/**
 * Quota sync writing reset times (spec §7.5), the refresh after an upstream quota error, and selection over
 * the real candidate query (busy, cooling and quarantined accounts) with an injected clock and randomness.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { accountLeases, tokens, type TokenRow } from '@/lib/db/schema';
import { applyTokenPatch, leaseAccount, listCandidates, updateTokenQuota } from '@/lib/db/tokens';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { DEFAULT_MODELS, type ModelEntry } from '@/lib/catalog/models';
import { upstreamFailure } from '@/lib/grok/errors';
import { patchForFailure, statePolicy } from '@/lib/pool/state';
import { createTokenPicker, poolsFor } from '@/lib/pool/select';
import type { GatewayContext } from './context';
import { QUOTA_ERROR_REFRESH_MS, quotaResetFrom, refreshAfterQuotaError, syncQuota } from './quota';

const T0 = 1_800_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const model = (id: string) => DEFAULT_MODELS.find((m) => m.id === id)!;
const GROK4 = model('grok-4');
const HEAVY = model('grok-4-heavy');

const t = useTestDb(tokens, accountLeases);

/** Rate-limit answers the fake fetch gives, and the bodies it was asked with. */
let answers: { status?: number; body: Record<string, unknown> }[];
let asked: Record<string, unknown>[];
let clock: number;
let pending: Promise<unknown>[];

function context(): GatewayContext {
  const fetch = (async (_url: URL, init: RequestInit) => {
    asked.push(JSON.parse(String(init.body)));
    const a = answers.length > 1 ? answers.shift()! : answers[0];
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  return {
    db: t.db,
    settings: DEFAULT_SETTINGS,
    catalog: { list: [...DEFAULT_MODELS], resolve: () => undefined },
    grok: { fetch, baseUrl: 'https://grok.test', headers: { settings: DEFAULT_SETTINGS } },
    secret: 'x'.repeat(32),
    now: () => clock,
    platform: { waitUntil: (p: Promise<unknown>) => pending.push(p) },
  } as unknown as GatewayContext;
}

const insert = (id: string, over: Partial<typeof tokens.$inferInsert> = {}) =>
  t.db.insert(tokens).values({ id, tokenHash: `h-${id}`, tokenEnc: 'e', suffix: id.padStart(6, '0'), type: 'sso', createdAt: T0, ...over });
const row = async (id = 'a') => (await t.db.select().from(tokens).where(eq(tokens.id, id)))[0] as TokenRow;
const settle = async () => {
  while (pending.length) await Promise.all(pending.splice(0));
};

beforeEach(async () => {
  answers = [];
  asked = [];
  pending = [];
  clock = T0;
  await insert('a');
});

const long = (remaining: number, extra: Record<string, unknown> = {}) => ({
  body: { windowSizeSeconds: 72_000, remainingQueries: remaining, totalQueries: 80, remainingTokens: remaining, totalTokens: 80, ...extra },
});

describe('quotaResetFrom (reading E5, spec §7.5)', () => {
  it('exhausted with a wait time: exactly now + wait', () => {
    expect(quotaResetFrom({ remaining: 0, windowSeconds: 7200, waitSeconds: 900 }, T0)).toEqual({ at: T0 + 900_000, exact: true });
  });
  it('quota left: an estimate of now + window (the wait time of a non-exhausted answer is 0 and says nothing)', () => {
    expect(quotaResetFrom({ remaining: 5, windowSeconds: 7200, waitSeconds: 0 }, T0)).toEqual({ at: T0 + 7_200_000, exact: false });
  });
  it('exhausted without a wait time: the window estimate', () => {
    expect(quotaResetFrom({ remaining: 0, windowSeconds: 7200 }, T0)).toEqual({ at: T0 + 7_200_000, exact: false });
  });
  it('neither field: unknown', () => {
    expect(quotaResetFrom({ remaining: 5 }, T0)).toBeNull();
  });
});

describe('syncQuota writes the reset time of the model’s bucket', () => {
  it('quota left: remaining and now + windowSizeSeconds', async () => {
    answers = [long(76)];
    expect(await syncQuota(context(), await row(), 'raw', GROK4)).toBe(76);
    expect(await row()).toMatchObject({ remainingQueries: 76, quotaResetAt: T0 + 72_000_000, heavyQuotaResetAt: null, quotaSyncedAt: T0 });
  });

  it('exhausted: now + waitTimeSeconds (top level, slim form)', async () => {
    answers = [{ body: { windowSizeSeconds: 7200, remainingQueries: 0, totalQueries: 50, lowEffortRateLimits: null, highEffortRateLimits: null, waitTimeSeconds: 1234 } }];
    await syncQuota(context(), await row(), 'raw', GROK4);
    expect(await row()).toMatchObject({ remainingQueries: 0, quotaResetAt: T0 + 1_234_000 });
  });

  it('exhausted: the wait time of the effort object (long form)', async () => {
    answers = [long(0, { lowEffortRateLimits: { cost: 1, remainingQueries: 0, waitTimeSeconds: 600 } })];
    await syncQuota(context(), await row(), 'raw', GROK4);
    expect((await row()).quotaResetAt).toBe(T0 + 600_000);
  });

  it('a later estimate never moves a reset that is still ahead later; a passed one is replaced', async () => {
    answers = [long(70)];
    const ctx = context();
    await syncQuota(ctx, await row(), 'raw', GROK4);
    clock = T0 + 10 * MIN;
    await syncQuota(ctx, await row(), 'raw', GROK4);
    expect(await row()).toMatchObject({ remainingQueries: 70, quotaResetAt: T0 + 72_000_000, quotaSyncedAt: T0 + 10 * MIN });
    // A shorter window (an estimate earlier than the stored one) moves it earlier.
    answers = [{ body: { windowSizeSeconds: 600, remainingQueries: 40, totalQueries: 50 } }];
    await syncQuota(ctx, await row(), 'raw', GROK4);
    expect((await row()).quotaResetAt).toBe(T0 + 20 * MIN);
    clock = T0 + 21 * MIN;
    answers = [long(80)];
    await syncQuota(ctx, await row(), 'raw', GROK4);
    expect((await row()).quotaResetAt).toBe(T0 + 21 * MIN + 72_000_000);
  });

  it('an exact wait time replaces the stored reset, earlier or later', async () => {
    await t.db.update(tokens).set({ quotaResetAt: T0 + HOUR });
    answers = [{ body: { windowSizeSeconds: 72_000, remainingQueries: 0, waitTimeSeconds: 5 * 3600 } }];
    await syncQuota(context(), await row(), 'raw', GROK4);
    expect((await row()).quotaResetAt).toBe(T0 + 5 * HOUR);
  });

  it('an answer without window or wait time keeps a reset still ahead and clears a passed one', async () => {
    await t.db.update(tokens).set({ quotaResetAt: T0 + HOUR });
    answers = [{ body: { remainingQueries: 3 } }];
    await syncQuota(context(), await row(), 'raw', GROK4);
    expect(await row()).toMatchObject({ remainingQueries: 3, quotaResetAt: T0 + HOUR });
    clock = T0 + 2 * HOUR;
    await syncQuota(context(), await row(), 'raw', GROK4);
    expect((await row()).quotaResetAt).toBeNull();
  });

  it('the heavy bucket has its own count and reset', async () => {
    answers = [{ body: { windowSizeSeconds: 7200, remainingQueries: 20, totalQueries: 20 } }];
    await syncQuota(context(), await row(), 'raw', HEAVY);
    expect(await row()).toMatchObject({ heavyRemainingQueries: 20, heavyQuotaResetAt: T0 + 7_200_000, remainingQueries: -1, quotaResetAt: null });
  });

  it('a failed or count-less answer writes nothing', async () => {
    answers = [{ status: 500, body: {} }];
    expect(await syncQuota(context(), await row(), 'raw', GROK4)).toBeUndefined();
    answers = [{ body: { windowSizeSeconds: 7200 } }];
    expect(await syncQuota(context(), await row(), 'raw', GROK4)).toBeUndefined();
    expect(await row()).toMatchObject({ remainingQueries: -1, quotaResetAt: null, quotaSyncedAt: null });
  });

  it('updateTokenQuota without a reset argument leaves the reset alone', async () => {
    await t.db.update(tokens).set({ quotaResetAt: T0 - 1 });
    await updateTokenQuota(t.db, 'a', 'default', 9, T0);
    expect(await row()).toMatchObject({ remainingQueries: 9, quotaResetAt: T0 - 1 });
  });
});

describe('a rate-limit failure exhausts the bucket until a reset is known', () => {
  const rateLimited = (retryAfterSeconds?: number) => upstreamFailure('rate_limited', 'upstream 429', { status: 429, retryAfterSeconds });
  const patch = (at: number, remaining = 5) => patchForFailure(rateLimited(120), { remaining }, statePolicy(DEFAULT_SETTINGS), at)!;

  it('a passed (or unknown) reset becomes the cooldown’s end, so the new 0 is not read as stale', async () => {
    await t.db.update(tokens).set({ remainingQueries: 5, quotaResetAt: T0 - MIN });
    await applyTokenPatch(t.db, 'a', 'default', patch(T0));
    expect(await row()).toMatchObject({ remainingQueries: 0, cooldownUntil: T0 + 120_000, quotaResetAt: T0 + 120_000 });
  });

  it('a reset still ahead is kept', async () => {
    await t.db.update(tokens).set({ remainingQueries: 5, quotaResetAt: T0 + HOUR });
    await applyTokenPatch(t.db, 'a', 'default', patch(T0));
    expect(await row()).toMatchObject({ remainingQueries: 0, quotaResetAt: T0 + HOUR });
  });
});

describe('refreshAfterQuotaError', () => {
  const rateLimited = upstreamFailure('rate_limited', 'upstream 429', { status: 429 });
  const raw = async () => 'raw';

  it('a burst of 429s on one account causes one rate-limit query, which stores the reset', async () => {
    answers = [{ body: { windowSizeSeconds: 72_000, remainingQueries: 0, totalQueries: 80, waitTimeSeconds: 3000 } }];
    const ctx = context();
    const token = await row();
    for (let i = 0; i < 5; i++) refreshAfterQuotaError(ctx, token, rateLimited, GROK4, raw);
    await settle();
    expect(asked).toEqual([{ modelName: 'grok-4' }].map((b) => expect.objectContaining(b)));
    expect(await row()).toMatchObject({ remainingQueries: 0, quotaResetAt: T0 + 3_000_000, quotaSyncedAt: T0 });
  });

  it('at most once a minute per account; another account is not held back', async () => {
    answers = [long(0, { waitTimeSeconds: 100 })];
    await insert('b');
    const ctx = context();
    refreshAfterQuotaError(ctx, await row(), rateLimited, GROK4, raw);
    await settle();
    clock = T0 + QUOTA_ERROR_REFRESH_MS - 1;
    refreshAfterQuotaError(ctx, await row(), rateLimited, GROK4, raw);
    refreshAfterQuotaError(ctx, await row('b'), rateLimited, GROK4, raw);
    await settle();
    expect(asked).toHaveLength(2);
    clock = T0 + QUOTA_ERROR_REFRESH_MS;
    refreshAfterQuotaError(ctx, await row(), rateLimited, GROK4, raw);
    await settle();
    expect(asked).toHaveLength(3);
  });

  it('a recent regular sync counts: no query within the minute after it', async () => {
    await t.db.update(tokens).set({ quotaSyncedAt: T0 - 30_000 });
    refreshAfterQuotaError(context(), await row(), rateLimited, GROK4, raw);
    await settle();
    expect(asked).toEqual([]);
  });

  it('other failures do not query', async () => {
    const ctx = context();
    for (const kind of ['auth', 'transient', 'timeout', 'challenge'] as const) refreshAfterQuotaError(ctx, await row(), upstreamFailure(kind, kind), GROK4, raw);
    await settle();
    expect(asked).toEqual([]);
    expect(pending).toEqual([]);
  });

  it('the heavy model refreshes the heavy bucket', async () => {
    answers = [{ body: { windowSizeSeconds: 7200, remainingQueries: 0, waitTimeSeconds: 60 } }];
    refreshAfterQuotaError(context(), await row(), rateLimited, HEAVY as ModelEntry, raw);
    await settle();
    expect(asked[0].modelName).toBe(DEFAULT_SETTINGS.upstream_profile === 'A' ? 'grok-4-heavy' : 'heavy');
    expect(await row()).toMatchObject({ heavyRemainingQueries: 0, heavyQuotaResetAt: T0 + 60_000, quotaResetAt: null });
  });
});

describe('selection over the candidate query: busy, cooling and quarantined accounts', () => {
  /** mulberry32 */
  const seeded = (seed: number) => {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = a;
      x = Math.imul(x ^ (x >>> 15), x | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  };

  beforeEach(async () => {
    await t.db.delete(tokens);
    await insert('soon', { remainingQueries: 50, quotaResetAt: T0 + 5 * MIN });
    await insert('late', { remainingQueries: 50, quotaResetAt: T0 + 20 * HOUR });
    await insert('cooling', { remainingQueries: 80, quotaResetAt: T0 + MIN, cooldownUntil: T0 + 10 * MIN });
    await insert('quarantined', { remainingQueries: 80, quotaResetAt: T0 + MIN, quarantinedUntil: T0 + 10 * MIN });
    await insert('busy', { remainingQueries: 80, quotaResetAt: T0 + MIN });
    await t.db.insert(accountLeases).values({ id: 'lease', tokenId: 'busy', expiresAt: T0 + MIN });
    await insert('disabled', { status: 'disabled', remainingQueries: 80 });
  });

  const counts = async (now: number, n = 2_000) => {
    const candidates = await listCandidates(t.db, { types: poolsFor('basic'), bucket: 'default', now, exclude: [], perAccount: 1 });
    const pick = createTokenPicker({ now: () => now, random: seeded(11) });
    const got: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const c = pick(candidates, { pools: poolsFor('basic'), units: 1, bucket: 'default' });
      got[c!.id] = (got[c!.id] ?? 0) + 1;
    }
    return { candidates, got };
  };

  it('only ready accounts are candidates, each with its bucket’s reset; the one resetting soonest is preferred', async () => {
    const { candidates, got } = await counts(T0);
    expect(candidates.map((c) => c.id).sort()).toEqual(['late', 'soon']);
    expect(candidates.find((c) => c.id === 'soon')).toMatchObject({ remaining: 50, resetAt: T0 + 5 * MIN });
    expect(got.soon / 2_000).toBeGreaterThan(0.72);
    expect(got.late / 2_000).toBeGreaterThan(0.15);
  });

  it('cooling ends and the lease lapses: those accounts join the spread', async () => {
    const { candidates, got } = await counts(T0 + 11 * MIN);
    // quarantine only ends through its probe; 'cooling' and 'busy' are back, their resets passed (counts as unknown).
    expect(candidates.map((c) => c.id).sort()).toEqual(['busy', 'cooling', 'late', 'soon']);
    for (const id of ['busy', 'cooling', 'late', 'soon']) expect(got[id], id).toBeGreaterThan(100);
  });

  it('the heavy bucket lists the heavy reset and skips accounts without the units', async () => {
    await t.db.delete(tokens);
    await insert('h-short', { type: 'ssoSuper', heavyRemainingQueries: 3, heavyQuotaResetAt: T0 + HOUR, remainingQueries: 80 });
    await insert('h-ok', { type: 'ssoSuper', heavyRemainingQueries: 8, heavyQuotaResetAt: T0 + 2 * HOUR });
    const candidates = await listCandidates(t.db, { types: poolsFor('super'), bucket: 'heavy', now: T0, exclude: [] });
    expect(candidates.find((c) => c.id === 'h-short')).toMatchObject({ remaining: 3, resetAt: T0 + HOUR });
    const pick = createTokenPicker({ now: () => T0, random: seeded(2) });
    for (let i = 0; i < 200; i++) expect(pick(candidates, { pools: poolsFor('super'), units: HEAVY.units, bucket: 'heavy' })?.id).toBe('h-ok');
    expect(pick(candidates.filter((c) => c.id === 'h-short'), { pools: poolsFor('super'), units: HEAVY.units, bucket: 'heavy' })).toBeUndefined();
  });
});
