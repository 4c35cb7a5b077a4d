/** Many simultaneous streams: all answered whole, all logged once, no account cooled, load spread over the pool. */
import { expect, test } from '@playwright/test';
import { PLAIN_TEXT, collect, fake, freshState, gateway, userMessage, type PoolToken } from './helpers';

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
  });
});
