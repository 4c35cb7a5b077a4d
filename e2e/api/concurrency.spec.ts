/** Many simultaneous requests: all answered, all logged once, load spread over the pool. */
import { expect, test } from '@playwright/test';
import { PLAIN_TEXT, collect, fake, freshState, gateway, userMessage, type PoolToken } from './helpers';

const N = 64;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
});

test.beforeEach(async () => {
  pool = await freshState(4);
});

test.describe('concurrency', () => {
  test(`${N} simultaneous requests over 4 accounts`, async () => {
    const key = await gateway.createKey({ name: 'e2e-concurrency' });
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const messages = userMessage(`Say hello in French (${i}). #scenario:plain`);
        if (i % 2) {
          const got = await collect(await key.client.chat.completions.create({ model: 'grok-4', messages, stream: true }));
          expect(got.error).toBeUndefined();
          return got.content;
        }
        const res = await key.client.chat.completions.create({ model: 'grok-4', messages });
        return res.choices[0].message.content;
      }),
    );
    expect(results).toEqual(Array(N).fill(PLAIN_TEXT));

    // Log rows are written with waitUntil after the response.
    await expect.poll(async () => (await gateway.logs({ keyId: key.id })).length, { timeout: 5_000 }).toBe(N);
    const rows = await gateway.logs({ keyId: key.id });
    expect(new Set(rows.map((r) => r.id)).size).toBe(N);
    for (const r of rows) expect(r).toMatchObject({ status: 200, reason: 'ok', model: 'grok-4', keyName: 'e2e-concurrency' });
    expect(rows.filter((r) => r.stream).length).toBe(N / 2);

    const calls = await fake.conversations();
    expect(calls).toHaveLength(N);
    const tokens = await gateway.tokens();
    expect(tokens).toHaveLength(4);
    for (const t of tokens) {
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
