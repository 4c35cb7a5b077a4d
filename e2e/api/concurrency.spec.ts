/**
 * Many simultaneous streams: all answered whole, all logged once, no account cooled, load spread over the pool,
 * and with the default of one request per account at once, no account ever serves two.
 */
import { expect, test } from '@playwright/test';
import { GATEWAY, PLAIN_TEXT, collect, fake, freshState, gateway, userMessage, type FakeCall, type PoolToken } from './helpers';

const N = 200;
const ACCOUNTS = 20;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
});

test.beforeEach(async () => {
  pool = await freshState(ACCOUNTS);
});

test.describe('concurrency', () => {
  test(`${N} simultaneous streams over ${ACCOUNTS} accounts`, async () => {
    // One request per account at once (the default): 200 streams queue for 20 accounts, so allow the queue time.
    test.setTimeout(120_000);
    await gateway.setSettings({ account_busy_wait_seconds: 60 });
    const key = await gateway.createKey({ name: 'e2e-concurrency' });
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const messages = userMessage(`Say hello in French (${i}). #scenario:plain`);
        const got = await collect(await key.client.chat.completions.create({ model: 'grok-4', messages, stream: true }));
        expect(got.error).toBeUndefined();
        expect(got.chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
        return got.content;
      }),
    );
    expect(results).toEqual(Array(N).fill(PLAIN_TEXT));

    // Log rows are written with waitUntil after the response.
    await expect.poll(async () => (await gateway.logs({ keyId: key.id })).length, { timeout: 10_000 }).toBe(N);
    const rows = await gateway.logs({ keyId: key.id });
    expect(new Set(rows.map((r) => r.id)).size).toBe(N);
    for (const r of rows) expect(r).toMatchObject({ status: 200, reason: 'ok', model: 'grok-4', keyName: 'e2e-concurrency' });
    expect(rows.filter((r) => r.stream).length).toBe(N);

    const calls = await fake.conversations();
    expect(calls).toHaveLength(N);
    const tokens = await gateway.tokens();
    expect(tokens).toHaveLength(ACCOUNTS);
    for (const t of tokens) {
      // `active` also means not cooling: the status view reports a cooling account as `cooling`.
      expect(t.status).toBe('active');
      expect(t.failedCount).toBe(0);
      expect(t.useCount).toBeGreaterThanOrEqual(1);
    }
    expect(tokens.reduce((n, t) => n + t.useCount, 0)).toBe(N);
    const used = new Set(calls.map((c) => c.token));
    expect([...used].sort()).toEqual(pool.map((t) => t.raw).sort());
    const perToken = pool.map((t) => calls.filter((c) => c.token === t.raw).length);
    expect(perToken.reduce((a, b) => a + b, 0)).toBe(N);
    expectNoOverlap(calls);
  });

  test('50 parallel requests over 5 accounts: each account serves one at a time, the rest wait their turn', async () => {
    await freshState(5);
    const key = await gateway.createKey({ name: 'e2e-one-at-a-time' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => key.client.chat.completions.create({ model: 'grok-4', messages: userMessage(`Hi (${i}) #scenario:plain`) }).then((r) => r.choices[0].message.content)),
    );
    expect(answers).toEqual(Array(50).fill(PLAIN_TEXT));
    const calls = await fake.conversations();
    expect(calls).toHaveLength(50);
    expectNoOverlap(calls);
  });

  test('when every account stays busy past account_busy_wait_seconds → 429 all_accounts_busy with Retry-After', async () => {
    await freshState(1);
    await gateway.setSettings({ account_busy_wait_seconds: 1 });
    const key = await gateway.createKey({ name: 'e2e-busy' });
    const slow = key.client.chat.completions.create({ model: 'grok-4', messages: userMessage('Hi #scenario:stall:4000') });
    await expect.poll(async () => (await fake.conversations()).length, { timeout: 5_000 }).toBe(1);
    const res = await fetch(`${GATEWAY}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'grok-4', messages: userMessage('Hi') }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('all_accounts_busy');
    expect((await slow).choices[0].message.content).toBe(PLAIN_TEXT);
    // The slot is free again once the slow answer is done.
    expect((await key.client.chat.completions.create({ model: 'grok-4', messages: userMessage('Hi') })).choices[0].message.content).toBe(PLAIN_TEXT);
  });
});

/** Per account, no two upstream conversations were open at the same time. */
function expectNoOverlap(calls: FakeCall[]) {
  const byToken = new Map<string, { start: number; end: number }[]>();
  for (const c of calls) {
    expect(c.endedAt, 'every call ended').toBeDefined();
    const list = byToken.get(c.token!) ?? [];
    list.push({ start: Date.parse(c.at), end: Date.parse(c.endedAt!) });
    byToken.set(c.token!, list);
  }
  for (const [token, list] of byToken) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) expect(list[i].start, `account …${token.slice(-6)} served two at once`).toBeGreaterThanOrEqual(list[i - 1].end);
  }
}
