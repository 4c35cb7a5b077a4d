/**
 * Quota where it lasts: selection reads each account's remaining quota and window reset from the rate-limit
 * query (spec E5, §7.5) — the account whose window resets soonest is preferred, an exhausted one comes back
 * once its reset passed, a heavy request never goes to an account without the units — and an upstream quota
 * error re-reads the account's numbers, at most once a minute.
 *
 * The fake's windows are fixed when a counter starts, with the `quotaWindowSeconds` in force then
 * (e2e/fake-grok/README.md → Quota), so two accounts can report different windows and reset times.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import { FAKE, PLAIN_TEXT, apiError, fake, freshState, gateway, sleep, tokenOfCall, userMessage, type PoolToken, type TokenView } from './helpers';

let client: OpenAI;

test.beforeAll(async () => {
  await gateway.login();
  client = (await gateway.createKey({ name: 'e2e-quota-selection' })).client;
});

async function fakePost(path: string, body: unknown) {
  const res = await fetch(`${FAKE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `${path} → ${await res.clone().text()}`).toBe(200);
}
const fakeOptions = (options: Record<string, unknown>) => fakePost('/__fake/options', options);
/** Sets a counter's remaining units; a counter that does not exist yet starts its window now. */
const fakeQuota = (token: PoolToken, model: string, remaining: number) => fakePost('/__fake/quota', { token: token.raw, model, remaining });

/** The admin "refresh quotas" action (E5 per account; heavy bucket too for ssoSuper). */
async function refresh(tokens: PoolToken[]): Promise<TokenView[]> {
  const r = await gateway.call('POST', '/api/admin/tokens/refresh', { ids: tokens.map((t) => t.id) });
  expect(r.status, r.text).toBe(200);
  expect(r.json.failed).toBe(0);
  return Promise.all(tokens.map((t) => gateway.token(t.id)));
}

const hello = (model = 'grok-4') => ({ model, messages: userMessage('Say hello in French.') });
const served = async (pool: PoolToken[]) => (await fake.conversations()).map((c) => tokenOfCall(pool, c).id);
/**
 * Settings that keep the runs about selection: no background sync after answers, no per-account queueing,
 * and no quality guard (the fake's heavy answers carry no thinking, a run of which quarantines an account).
 */
const QUIET = { quota_sync_interval_seconds: 0, account_max_concurrency: 0, quality_guard: false };
const near = (value: number | null | unknown, expected: number, slackMs = 20_000) => {
  expect(typeof value).toBe('number');
  expect(Math.abs((value as number) - expected), `${value} ≈ ${expected}`).toBeLessThan(slackMs);
};

test.describe('reset times from the rate-limit query', () => {
  test('the account whose window resets soonest serves most requests, the other still some', async () => {
    const pool = await freshState(2, QUIET);
    const [soon, late] = pool;
    // Enough quota that the count weighs the same (capped) on both: only the reset differs.
    await fakeOptions({ quotaTotal: 100_000, quotaWindowSeconds: 600 });
    await fakeQuota(soon, 'grok-4', 100_000);
    await fakeOptions({ quotaWindowSeconds: 72_000 });
    await fakeQuota(late, 'grok-4', 100_000);
    const at = Date.now();
    const [s, l] = await refresh(pool);
    expect(s.remainingQueries).toBe(100_000);
    near(s.quotaResetAt, at + 600_000);
    near(l.quotaResetAt, at + 72_000_000);

    const N = 60;
    for (let i = 0; i < N; i++) expect((await client.chat.completions.create(hello())).choices[0].message.content).toBe(PLAIN_TEXT);
    const ids = await served(pool);
    expect(ids).toHaveLength(N);
    const bySoon = ids.filter((id) => id === soon.id).length;
    // Weights ≈ 3.7 : 1 (RESET_BOOST 4, 10 min to reset) → about 79 %; an even split would be 50 %.
    expect(bySoon, `soon served ${bySoon} of ${N}`).toBeGreaterThanOrEqual(36);
    expect(N - bySoon, 'a weight, not an order: the later account still serves').toBeGreaterThan(0);
  });

  test('an exhausted account is passed over until its window resets, then used again', async () => {
    const pool = await freshState(2, QUIET);
    const [exhausted, other] = pool;
    await fakeOptions({ quotaWindowSeconds: 8 });
    await fakeQuota(exhausted, 'grok-4', 0);
    await fakeOptions({ quotaWindowSeconds: 72_000 });
    await fakeQuota(other, 'grok-4', 80);
    const at = Date.now();
    const [e] = await refresh(pool);
    // Exhausted: the reset is exactly upstream's waitTimeSeconds.
    expect(e.remainingQueries).toBe(0);
    near(e.quotaResetAt, at + 8_000, 3_000);

    for (let i = 0; i < 8; i++) await client.chat.completions.create(hello());
    expect(new Set(await served(pool))).toEqual(new Set([other.id]));

    // After the reset the stored 0 is stale: the account counts as unknown again and is discovered.
    await sleep(Math.max(0, (e.quotaResetAt as number) - Date.now()) + 500);
    await fake.reset();
    await fakeOptions({ quotaWindowSeconds: 72_000 });
    for (let i = 0; i < 24; i++) await client.chat.completions.create(hello());
    const after = await served(pool);
    expect(after.filter((id) => id === exhausted.id).length, 'the refilled account serves again').toBeGreaterThan(0);
    const calls = await fake.conversations();
    expect(calls.every((c) => c.status === 200)).toBe(true);
  });
});

test.describe('heavy requests', () => {
  test('never go to an account whose heavy quota is below the request’s units', async () => {
    await freshState(1, QUIET);
    const pool = await gateway.resetPool(2, 'ssoSuper');
    const [short, ok] = pool;
    await fakeQuota(short, 'heavy', 3);
    await fakeQuota(ok, 'heavy', 80);
    const at = Date.now();
    const [s, o] = await refresh(pool);
    expect([s.heavyRemainingQueries, o.heavyRemainingQueries]).toEqual([3, 80]);
    near(s.heavyQuotaResetAt, at + 72_000_000);

    for (let i = 0; i < 8; i++) expect((await client.chat.completions.create(hello('grok-4-heavy'))).choices[0].message.content).toBe(PLAIN_TEXT);
    expect(new Set(await served(pool))).toEqual(new Set([ok.id]));

    // With only the short account left, nothing is sent upstream for heavy; its default bucket still serves.
    const r = await gateway.call('PATCH', `/api/admin/tokens/${ok.id}`, { status: 'disabled' });
    expect(r.status, r.text).toBe(200);
    await fake.reset();
    const err = await apiError(client.chat.completions.create(hello('grok-4-heavy')));
    expect([429, 503]).toContain(err.status);
    expect(await fake.conversations()).toEqual([]);
    expect((await client.chat.completions.create(hello('grok-4'))).choices[0].message.content).toBe(PLAIN_TEXT);
    expect(await served(pool)).toEqual([short.id]);
  });
});

test.describe('after an upstream quota error', () => {
  test('the account’s numbers are re-read in the background, at most once a minute', async () => {
    const pool = await freshState(1, { quota_sync_interval_seconds: 0 });
    const [account] = pool;
    await fakeQuota(account, 'grok-4', 0);
    const at = Date.now();
    const err = await apiError(client.chat.completions.create(hello()));
    expect(err.status).toBe(429);
    const limits = async () => (await fake.calls('/rest/rate-limits')).filter((c) => c.token === account.raw);
    await expect.poll(async () => (await limits()).length, { timeout: 5_000 }).toBe(1);
    expect((await limits())[0].body).toEqual({ requestKind: 'DEFAULT', modelName: 'grok-4' });
    await expect.poll(async () => (await gateway.token(account.id)).quotaResetAt, { timeout: 5_000 }).not.toBeNull();
    const view = await gateway.token(account.id);
    expect(view.remainingQueries).toBe(0);
    expect(view.status).toBe('cooling');
    // Exhausted: the fake's waitTimeSeconds = what is left of its 72 000 s window.
    near(view.quotaResetAt, at + 72_000_000);

    // A burst of further 429s within the minute (cooldown cleared by the operator each time): no new query.
    for (let i = 0; i < 3; i++) {
      const r = await gateway.call('PATCH', `/api/admin/tokens/${account.id}`, { resetState: true });
      expect(r.status, r.text).toBe(200);
      expect((await apiError(client.chat.completions.create(hello()))).status).toBe(429);
    }
    expect((await fake.conversations()).filter((c) => c.status === 429)).toHaveLength(4);
    await sleep(1_000);
    expect(await limits()).toHaveLength(1);
  });
});
