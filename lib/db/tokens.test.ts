import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { truncatedFailure, upstreamFailure } from '@/lib/grok/errors';
import { patchForFailure, type StatePolicy } from '@/lib/pool/state';
import { testDb } from '@/lib/test/d1';
import { applyTokenPatch, resetTokenFailures } from './tokens';
import { tokens } from './schema';

const POLICY: StatePolicy = { rateLimitCooldownSeconds: 3600, transientCooldownSeconds: 30, transientFailuresPerMinute: 3 };
const T0 = 1_800_000_000_000;

let t: Awaited<ReturnType<typeof testDb>>;
beforeAll(async () => {
  t = await testDb();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.delete(tokens);
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
