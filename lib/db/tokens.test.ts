import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { truncatedFailure, upstreamFailure } from '@/lib/grok/errors';
import { patchForFailure, type StatePolicy } from '@/lib/pool/state';
import { useTestDb } from '@/lib/test/d1';
import { applyTokenPatch, claimToken, countBusyAccounts, leaseAccount, listCandidates, releaseAccountLease, resetTokenFailures } from './tokens';
import { accountLeases, tokens } from './schema';

const POLICY: StatePolicy = { rateLimitCooldownSeconds: 3600, transientCooldownSeconds: 30, transientFailuresPerMinute: 3 };
const T0 = 1_800_000_000_000;

const t = useTestDb(tokens, accountLeases);
beforeEach(async () => {
  await t.db.insert(tokens).values({ id: 'a', tokenHash: 'h', tokenEnc: 'e', suffix: 'abcdef', type: 'sso', createdAt: T0 });
});

const row = async () => (await t.db.select().from(tokens).where(eq(tokens.id, 'a')))[0];
const strikeAt = async (at: number, policy = POLICY) => applyTokenPatch(t.db, 'a', 'default', patchForFailure(truncatedFailure(), { remaining: -1 }, policy, at)!);

describe('transient strikes (allowed failures per minute)', () => {
  it('the first strikes only count; the allowed-th within a minute cools the account', async () => {
    await strikeAt(T0);
    await strikeAt(T0 + 20_000);
    expect(await row()).toMatchObject({ cooldownUntil: null, failedCount: 2, recentFailures: 2 });
    await strikeAt(T0 + 40_000);
    expect(await row()).toMatchObject({ cooldownUntil: T0 + 40_000 + 30_000, failedCount: 3, recentFailures: 0 });
  });

  it('strikes more than a minute apart start the count again', async () => {
    await strikeAt(T0);
    await strikeAt(T0 + 30_000);
    await strikeAt(T0 + 30_000 + 61_000);
    expect(await row()).toMatchObject({ cooldownUntil: null, failedCount: 3, recentFailures: 1 });
  });

  it('an allowance of 1 cools at the first strike (the behaviour before the allowance existed)', async () => {
    await strikeAt(T0, { ...POLICY, transientFailuresPerMinute: 1 });
    expect(await row()).toMatchObject({ cooldownUntil: T0 + 30_000, recentFailures: 0 });
  });

  it('a success clears both counters', async () => {
    await strikeAt(T0);
    await strikeAt(T0 + 1_000);
    await resetTokenFailures(t.db, 'a');
    await strikeAt(T0 + 2_000);
    expect(await row()).toMatchObject({ cooldownUntil: null, failedCount: 1, recentFailures: 1 });
  });

  it('parallel strikes on one account count exactly', async () => {
    await Promise.all([0, 1, 2, 3, 4].map((i) => strikeAt(T0 + i)));
    const r = await row();
    expect(r.failedCount).toBe(5);
    // The third cooled it and reset the run; the fourth and fifth started a new one.
    expect(r.recentFailures).toBe(2);
    expect(r.cooldownUntil).not.toBeNull();
  });

  it('a rate limit cools at once, whatever the strike count', async () => {
    await applyTokenPatch(t.db, 'a', 'default', patchForFailure(upstreamFailure('rate_limited', 'upstream 429', { retryAfterSeconds: 120 }), { remaining: 5 }, POLICY, T0)!);
    expect(await row()).toMatchObject({ cooldownUntil: T0 + 120_000, remainingQueries: 0 });
  });
});

describe('per-account in-flight slots', () => {
  const claimWithLease = async (leaseId: string, limit: number, now = T0) => {
    const results = (await t.db.batch([leaseAccount(t.db, leaseId, 'a', limit, now, 60_000), claimToken(t.db, 'a', { bucket: 'default', units: 1, now, leaseId })])) as unknown as unknown[][];
    return results[1].length === 1;
  };

  it('with a limit of 1, of ten parallel claims exactly one gets the account', async () => {
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => claimWithLease(`l${i}`, 1)));
    expect(got.filter(Boolean)).toHaveLength(1);
    expect((await t.db.select().from(accountLeases)).length).toBe(1);
    expect((await row()).useCount).toBe(1);
  });

  it('a freed slot can be taken again; a limit of 2 allows two', async () => {
    expect(await claimWithLease('x1', 2)).toBe(true);
    expect(await claimWithLease('x2', 2)).toBe(true);
    expect(await claimWithLease('x3', 2)).toBe(false);
    expect(await countBusyAccounts(t.db, ['sso'], 2, T0)).toBe(1);
    await releaseAccountLease(t.db, 'x1');
    expect(await countBusyAccounts(t.db, ['sso'], 2, T0)).toBe(0);
    expect(await claimWithLease('x4', 2)).toBe(true);
  });

  it('an orphaned slot lapses after its TTL', async () => {
    expect(await claimWithLease('old', 1)).toBe(true);
    expect(await claimWithLease('new', 1, T0 + 30_000)).toBe(false);
    expect(await claimWithLease('new', 1, T0 + 61_000)).toBe(true);
  });

  it('busy accounts drop out of the candidate list', async () => {
    await claimWithLease('busy', 1);
    expect(await listCandidates(t.db, { types: ['sso'], bucket: 'default', now: T0, exclude: [], perAccount: 1 })).toEqual([]);
    expect(await listCandidates(t.db, { types: ['sso'], bucket: 'default', now: T0, exclude: [], perAccount: 0 })).toHaveLength(1);
  });

  it('a quarantined account is neither listed nor claimable', async () => {
    await t.db.update(tokens).set({ quarantinedUntil: T0 + 60_000, quarantineReason: 'degraded_no_thinking' });
    expect(await listCandidates(t.db, { types: ['sso'], bucket: 'default', now: T0, exclude: [] })).toEqual([]);
    expect(await claimWithLease('q', 1)).toBe(false);
  });
});
