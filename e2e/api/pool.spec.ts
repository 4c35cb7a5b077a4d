/** The account pool: retry onto another account and the account states each upstream failure leaves behind. */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import {
  PLAIN_TEXT,
  apiError,
  collect,
  fake,
  freshState,
  gateway,
  rawChat,
  tokenOfCall,
  userMessage,
  type PoolToken,
  type TokenView,
} from './helpers';

let client: OpenAI;
let keyId: string;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  const key = await gateway.createKey({ name: 'e2e-pool' });
  client = key.client;
  keyId = key.id;
});

test.beforeEach(async () => {
  pool = await freshState(2);
});

const hello = { model: 'grok-4', messages: userMessage('Say hello in French.') };

/**
 * Injects one failure, makes a request that must succeed on the second account, and returns both accounts'
 * admin views: `first` is whichever account the failure hit.
 */
async function retried(failure: Record<string, unknown>, stream = false): Promise<{ first: TokenView; second: TokenView; startedAt: number }> {
  await fake.inject([failure]);
  const startedAt = Date.now();
  if (stream) {
    const got = await collect(await client.chat.completions.create({ ...hello, stream: true }));
    expect(got.error).toBeUndefined();
    expect(got.content).toBe(PLAIN_TEXT);
  } else {
    const res = await client.chat.completions.create(hello);
    expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
  }
  const calls = await fake.conversations();
  expect(calls).toHaveLength(2);
  expect(calls[0].injected).toEqual(failure);
  expect(calls[1].injected).toBeUndefined();
  expect(calls[1].status).toBe(200);
  const a = tokenOfCall(pool, calls[0]);
  const b = tokenOfCall(pool, calls[1]);
  expect(a.id).not.toBe(b.id);
  return { first: await gateway.token(a.id), second: await gateway.token(b.id), startedAt };
}

function expectHealthy(t: TokenView) {
  expect(t.status).toBe('active');
  expect(t.cooldownUntil).toBeNull();
  expect(t.failedCount).toBe(0);
}

test.describe('retry onto another account', () => {
  test('429 with Retry-After: the first account cools for that long, the second serves', async () => {
    const { first, second, startedAt } = await retried({ kind: 'rate-limit', retryAfter: 120 });
    expect(first.status).toBe('cooling');
    expect(first.cooldownUntil! - startedAt).toBeGreaterThan(120_000 - 15_000);
    expect(first.cooldownUntil! - startedAt).toBeLessThan(120_000 + 15_000);
    expect(first.lastFailureReason).toContain('429');
    expectHealthy(second);
  });

  test('401: the first account becomes invalid, the second serves', async () => {
    const { first, second } = await retried({ kind: 'unauthorized' });
    expect(first.status).toBe('invalid');
    expect(first.lastFailureReason).toContain('401');
    expectHealthy(second);
  });

  test('Cloudflare challenge: retried, and neither account is blamed', async () => {
    const { first, second } = await retried({ kind: 'cf-challenge' });
    expectHealthy(first);
    expectHealthy(second);
  });

  test('in-band rate limit (HTTP 200, first frame error code 8): retried inside the stream, the first account cools', async () => {
    const { first, second, startedAt } = await retried({ kind: 'inband-rate-limit' }, true);
    expect(first.status).toBe('cooling');
    // No wait time upstream: rate_limit_cooldown_seconds (default 3600 s).
    expect(first.cooldownUntil! - startedAt).toBeGreaterThan(3_600_000 - 15_000);
    expect(first.cooldownUntil! - startedAt).toBeLessThan(3_600_000 + 15_000);
    expectHealthy(second);
  });

  test('in-band rate limit, non-stream: retried as well', async () => {
    const { first, second } = await retried({ kind: 'inband-rate-limit' });
    expect(first.status).toBe('cooling');
    expectHealthy(second);
  });

  test('transient 500: retried; the first account keeps serving with one failure on its record', async () => {
    const { first, second } = await retried({ kind: 'server-error' });
    // transient_failures_per_minute default: 3, so one failure does not cool it.
    expect(first).toMatchObject({ status: 'active', cooldownUntil: null, failedCount: 1 });
    expect(first.lastFailureReason).toContain('500');
    expectHealthy(second);
  });

  test('the third transient failure within a minute cools the account for transient_cooldown_seconds', async () => {
    pool = await gateway.resetPool(1);
    const [only] = pool;
    for (let i = 1; i <= 3; i++) {
      await fake.inject([{ kind: 'server-error' }]);
      const startedAt = Date.now();
      const err = await apiError(client.chat.completions.create(hello));
      expect(err.status).toBe(502);
      const t = await gateway.token(only.id);
      expect(t.failedCount).toBe(i);
      if (i < 3) expect(t).toMatchObject({ status: 'active', cooldownUntil: null });
      else {
        expect(t.status).toBe('cooling');
        // transient_cooldown_seconds default: 30 s.
        expect(t.cooldownUntil! - startedAt).toBeGreaterThan(30_000 - 10_000);
        expect(t.cooldownUntil! - startedAt).toBeLessThan(30_000 + 10_000);
      }
    }
    expect((await apiError(client.chat.completions.create(hello))).code).toBe('all_tokens_cooling');
  });

  test('with an allowance of 1 a single transient failure cools the account at once', async () => {
    await gateway.setSettings({ transient_failures_per_minute: 1 });
    const { first, second } = await retried({ kind: 'server-error' });
    expect(first).toMatchObject({ status: 'cooling', failedCount: 1 });
    expectHealthy(second);
  });

  test('a later success on the same account resets its failure count', async () => {
    const { first, second } = await retried({ kind: 'server-error' });
    expect(first.status).toBe('active');
    expect(first.failedCount).toBe(1);

    const r = await gateway.call('POST', '/api/admin/tokens/batch', { ids: [second.id], action: 'disable' });
    expect(r.json).toEqual({ ok: true, affected: 1 });
    const res = await client.chat.completions.create(hello);
    expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
    const calls = await fake.conversations();
    expect(calls).toHaveLength(3);
    expect(tokenOfCall(pool, calls[2]).id).toBe(first.id);
    await expect.poll(async () => (await gateway.token(first.id)).failedCount, { timeout: 5_000 }).toBe(0);
    expect((await gateway.token(second.id)).status).toBe('disabled');
  });
});

test.describe('every attempt fails', () => {
  test('Cloudflare challenge on two accounts → 503 upstream_challenge at once; all accounts stay active', async () => {
    pool = await gateway.resetPool(3);
    await fake.inject([{ kind: 'cf-challenge' }, { kind: 'cf-challenge' }, { kind: 'cf-challenge' }]);
    // The key is shared by the file's tests: count only rows of requests started by this test.
    const startedAt = Date.now();
    const err = await apiError(client.chat.completions.create(hello));
    expect(err.status).toBe(503);
    expect(err.code).toBe('upstream_challenge');
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);
    const calls = await fake.conversations();
    // The same failure on a second account is the egress's (or the request's), not the accounts': no third try.
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.token)).size).toBe(2);
    for (const t of await gateway.tokens()) expectHealthy(t);
    const stats = await gateway.call('GET', '/api/admin/stats?period=24h');
    expect(stats.json.egress.lastChallenge).toMatchObject({ kind: 'challenge' });
    await expect.poll(async () => (await gateway.logs({ keyId: keyId, from: startedAt })).length, { timeout: 5_000 }).toBe(1);
    const [row] = await gateway.logs({ keyId: keyId, from: startedAt });
    expect(row).toMatchObject({ status: 503, reason: 'upstream_challenge', attempts: 2, model: 'grok-4' });
    expect(pool.map((t) => t.id)).toContain(row.tokenId);
  });

  test('all accounts cooling → 429 all_tokens_cooling with Retry-After', async () => {
    await fake.inject([
      { kind: 'rate-limit', retryAfter: 120 },
      { kind: 'rate-limit', retryAfter: 120 },
    ]);
    const first = await apiError(client.chat.completions.create(hello));
    expect(first.status).toBe(429);
    expect(first.code).toBe('upstream_rate_limited');
    expect(first.headers!.get('retry-after')).toBe('120');
    for (const t of await gateway.tokens()) expect(t.status).toBe('cooling');

    const err = await apiError(client.chat.completions.create(hello));
    expect(err.status).toBe(429);
    expect(err.code).toBe('all_tokens_cooling');
    const retryAfter = Number(err.headers!.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);
    // The second request never reached upstream.
    expect(await fake.conversations()).toHaveLength(2);
  });

  test('no usable account at all → 503 no_available_token', async () => {
    const r = await gateway.call('POST', '/api/admin/tokens/batch', { ids: pool.map((t) => t.id), action: 'disable' });
    expect(r.json.affected).toBe(2);
    const err = await apiError(client.chat.completions.create(hello));
    expect(err.status).toBe(503);
    expect(err.code).toBe('no_available_token');
    expect(await fake.calls()).toEqual([]);
  });
});

test.describe('blast radius: a failure the request causes stays with the request', () => {
  for (const [name, request] of [
    ['an unparseable answer', { model: 'grok-4', messages: userMessage('Hi #scenario:unparseable') }],
    ['an in-band model error', { model: 'grok-4', messages: userMessage('Hi #scenario:inband-error') }],
    ['a 500', { model: 'grok-4', messages: userMessage('Hi #scenario:fail:500') }],
  ] as const) {
    test(`${name} on every account: two attempts, then the error; no account cools and the pool keeps serving`, async () => {
      pool = await gateway.resetPool(5);
      const startedAt = Date.now();
      const err = await apiError(client.chat.completions.create(request));
      expect(err.status).toBe(502);
      expect(await fake.conversations()).toHaveLength(2);
      const after = await gateway.tokens();
      for (const t of after) expect(t).toMatchObject({ status: 'active', cooldownUntil: null });
      // At most the first account carries the failure, and only if it is one that counts (transient).
      expect(after.filter((t) => t.failedCount > 0).length).toBeLessThanOrEqual(1);
      await expect.poll(async () => (await gateway.logs({ keyId, from: startedAt })).map((r) => [r.status, r.attempts]), { timeout: 5_000 }).toEqual([[502, 2]]);
      expect((await client.chat.completions.create(hello)).choices[0].message.content).toBe(PLAIN_TEXT);
    });
  }

  test('even with an allowance of 1, one request cools at most one account', async () => {
    pool = await gateway.resetPool(5);
    await gateway.setSettings({ transient_failures_per_minute: 1 });
    const err = await apiError(client.chat.completions.create({ model: 'grok-4', messages: userMessage('Hi #scenario:unparseable') }));
    expect(err.status).toBe(502);
    expect(err.message).toContain('ended before the answer was complete');
    expect((await gateway.tokens()).filter((t) => t.status === 'cooling')).toHaveLength(1);
  });
});

test.describe('database round trips before the first upstream byte', () => {
  const roundTrips = (r: Response) => Number(/round_trips=(\d+)/.exec(r.headers.get('server-timing') ?? '')?.[1]);
  const ask = async (key: string, stream: boolean) => {
    const r = await rawChat(key, { model: 'grok-4', stream, messages: userMessage('Say hello in French. #scenario:plain') });
    expect(r.status).toBe(200);
    if (stream) expect(await r.text()).toContain('data: [DONE]');
    else expect(((await r.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe(PLAIN_TEXT);
    return roundTrips(r);
  };

  test('once this server has seen the key, a chat request claims its account in its first and only round trip', async () => {
    const key = await gateway.createKey({ name: 'e2e-round-trips' });
    await ask(key.key, true);
    const trips = [];
    for (let i = 0; i < 6; i++) trips.push(await ask(key.key, i % 2 === 0));
    expect(trips).toEqual([1, 1, 1, 1, 1, 1]);
    // Every claim served a request: no claim taken and left behind, and both slots are free again.
    const tokens = await gateway.tokens();
    expect(tokens.reduce((n, t) => n + t.useCount, 0)).toBe(7);
    await Promise.all([ask(key.key, true), ask(key.key, true)]);
    expect((await fake.conversations()).map((c) => c.token).slice(-2).sort()).toEqual(pool.map((t) => t.raw).sort());
  });

  test('a key with limits settles its admission with the claim: two round trips, and a refusal takes nothing from the pool', async () => {
    const key = await gateway.createKey({ name: 'e2e-round-trips-limited', limits: { chatPerDay: 2 } });
    expect([await ask(key.key, true), await ask(key.key, false)]).toEqual([2, 2]);
    const refused = await rawChat(key.key, { model: 'grok-4', messages: userMessage('one more #scenario:plain') });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('chat_quota_exceeded');
    expect((await gateway.tokens()).reduce((n, t) => n + t.useCount, 0)).toBe(2);
  });
});
