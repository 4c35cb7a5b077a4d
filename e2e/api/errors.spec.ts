/** Client-facing errors: authentication, validation, per-key limits, streams cut mid-answer, keep-alive pings. */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import {
  FAKE,
  GATEWAY,
  PLAIN_TEXT,
  apiError,
  collect,
  fake,
  freshState,
  gateway,
  openai,
  parseSse,
  rawChat,
  sleep,
  userMessage,
  type CreatedKey,
  type PoolToken,
} from './helpers';

let key: CreatedKey;
let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-errors' });
  client = key.client;
});

test.beforeEach(async () => {
  pool = await freshState(1);
});

const hello = { model: 'grok-4', messages: userMessage('Say hello in French.') };

/** Checks the one error envelope of the API and returns its `error` object. */
async function envelope(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as any;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(typeof body.error.type).toBe('string');
  expect(body.error.code).toBe(code);
  return body.error as { message: string; type: string; param: string | null; code: string };
}

test.describe('authentication', () => {
  test('no API key → 401 invalid_api_key', async () => {
    const err = await envelope(await rawChat(undefined, hello), 401, 'invalid_api_key');
    expect(err.type).toBe('authentication_error');
    expect(await fake.calls()).toEqual([]);
  });

  test('a wrong API key → 401 invalid_api_key', async () => {
    const err = await apiError(openai('sk-g2a-this-key-does-not-exist').chat.completions.create(hello));
    expect(err.status).toBe(401);
    expect(err.code).toBe('invalid_api_key');
    const models = await apiError(openai('sk-g2a-this-key-does-not-exist').models.list());
    expect(models.status).toBe(401);
    expect(models.code).toBe('invalid_api_key');
  });

  test('a disabled key → 401 api_key_disabled', async () => {
    const k = await gateway.createKey({ name: 'e2e-disabled' });
    const before = await k.client.chat.completions.create(hello);
    expect(before.choices[0].message.content).toBe(PLAIN_TEXT);
    const patched = await gateway.patchKey(k.id, { status: 'disabled' });
    expect(patched.status).toBe('disabled');
    const err = await apiError(k.client.chat.completions.create(hello));
    expect(err.status).toBe(401);
    expect(err.code).toBe('api_key_disabled');
    expect(await fake.conversations()).toHaveLength(1);
  });

  test('a key limited to grok-3 may not use grok-4 and only lists grok-3', async () => {
    const k = await gateway.createKey({ name: 'e2e-grok3-only', models: ['grok-3'] });
    const err = await apiError(k.client.chat.completions.create(hello));
    expect(err.status).toBe(403);
    expect(err.code).toBe('model_not_allowed');
    expect(err.param).toBe('model');
    const page = await k.client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['grok-3']);
    const ok = await k.client.chat.completions.create({ ...hello, model: 'grok-3' });
    expect(ok.choices[0].message.content).toBe(PLAIN_TEXT);
  });
});

test.describe('validation', () => {
  test('malformed JSON → 400 invalid_json envelope', async () => {
    const err = await envelope(await rawChat(key.key, '{"model": "grok-4", "messages": ['), 400, 'invalid_json');
    expect(err.type).toBe('invalid_request_error');
    expect(err.param).toBeNull();
  });

  test('messages must be an array → 400 with param messages', async () => {
    const err = await envelope(await rawChat(key.key, { model: 'grok-4', messages: 'hi' }), 400, 'invalid_request');
    expect(err.param).toBe('messages');
  });

  test('temperature must be a number → 400 with param temperature', async () => {
    const err = await envelope(await rawChat(key.key, { ...hello, temperature: 'hot' }), 400, 'invalid_request');
    expect(err.param).toBe('temperature');
  });

  test('an unknown model → 400 model_not_found with param model', async () => {
    const err = await apiError(client.chat.completions.create({ ...hello, model: 'grok-99-ultra' }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('model_not_found');
    expect(err.param).toBe('model');
    expect(await fake.calls()).toEqual([]);
  });

  test('an unknown /v1 endpoint → 404 envelope', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${GATEWAY}/v1/nope`, { method, headers: { authorization: `Bearer ${key.key}` } });
      const err = await envelope(res, 404, 'not_found');
      expect(err.message).toContain('/v1/nope');
    }
  });
});

test.describe('key limits', () => {
  test('chatPerDay: the third request of the day → 429 chat_quota_exceeded with Retry-After', async () => {
    const k = await gateway.createKey({ name: 'e2e-daily', limits: { chatPerDay: 2 } });
    for (let i = 0; i < 2; i++) expect((await k.client.chat.completions.create(hello)).choices[0].message.content).toBe(PLAIN_TEXT);
    const err = await apiError(k.client.chat.completions.create(hello));
    expect(err.status).toBe(429);
    expect(err.code).toBe('chat_quota_exceeded');
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(err.headers!.get('retry-after'))).toBeLessThanOrEqual(86_400);
    expect(await fake.conversations()).toHaveLength(2);
    expect((await gateway.key(k.id)).usageToday.chat).toBe(2);
  });

  test('rpm: the second request in a minute → 429 rpm_exceeded with Retry-After', async () => {
    const k = await gateway.createKey({ name: 'e2e-rpm', limits: { rpm: 1 } });
    // RPM windows are calendar minutes: keep both requests inside one.
    const intoMinute = Date.now() % 60_000;
    await sleep(intoMinute > 55_000 ? 60_500 - intoMinute : 0);
    expect((await k.client.chat.completions.create(hello)).choices[0].message.content).toBe(PLAIN_TEXT);
    const err = await apiError(k.client.chat.completions.create(hello));
    expect(err.status).toBe(429);
    expect(err.code).toBe('rpm_exceeded');
    const retryAfter = Number(err.headers!.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  test('a request that failed upstream does not consume the daily quota', async () => {
    const k = await gateway.createKey({ name: 'e2e-refund', limits: { chatPerDay: 1 } });
    await gateway.deleteAllTokens();
    const err = await apiError(k.client.chat.completions.create(hello));
    expect(err.status).toBe(503);
    expect(err.code).toBe('no_available_token');
    await expect.poll(async () => (await gateway.key(k.id)).usageToday.chat ?? 0, { timeout: 5_000 }).toBe(0);

    await gateway.addTokens(1);
    expect((await k.client.chat.completions.create(hello)).choices[0].message.content).toBe(PLAIN_TEXT);
    expect((await gateway.key(k.id)).usageToday.chat).toBe(1);
    const over = await apiError(k.client.chat.completions.create(hello));
    expect(over.status).toBe(429);
    expect(over.code).toBe('chat_quota_exceeded');
  });
});

test.describe('key concurrency', () => {
  test('concurrency: 1 → a second in-flight request is 429 concurrency_exceeded; the slot frees when the stream ends', async () => {
    const k = await gateway.createKey({ name: 'e2e-concurrency-limit', limits: { concurrency: 1 } });
    const slow = await k.client.chat.completions.create({ ...hello, messages: userMessage('Hi #scenario:stall:1500'), stream: true });
    const iterator = slow[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect((await gateway.key(k.id)).inFlight).toBe(1);

    const err = await apiError(k.client.chat.completions.create(hello));
    expect(err.status).toBe(429);
    expect(err.code).toBe('concurrency_exceeded');
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);

    let content = '';
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) content += step.value.choices[0]?.delta.content ?? '';
    expect(content).toBe(PLAIN_TEXT);
    await expect.poll(async () => (await gateway.key(k.id)).inFlight, { timeout: 5_000 }).toBe(0);
    expect((await k.client.chat.completions.create(hello)).choices[0].message.content).toBe(PLAIN_TEXT);
  });
});

test.describe('client disconnect', () => {
  test('closing a stream early ends the upstream stream, logs 499 client_closed and frees the key slot', async () => {
    const k = await gateway.createKey({ name: 'e2e-disconnect', limits: { concurrency: 1 } });
    const stream = await k.client.chat.completions.create({ ...hello, messages: userMessage('Count #scenario:long:2000 #delay:20'), stream: true });
    let seen = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) seen++;
      if (seen === 3) break; // break → the SDK aborts the HTTP response
    }
    expect(seen).toBe(3);
    // 2000 tokens 20 ms apart would take 40 s: an early end means the gateway stopped reading upstream.
    await expect
      .poll(async () => ((await (await fetch(`${FAKE}/__fake/health`)).json()) as { activeStreams: number }).activeStreams, { timeout: 10_000 })
      .toBe(0);
    await expect.poll(async () => (await gateway.logs({ keyId: k.id })).map((r) => `${r.status} ${r.reason}`), { timeout: 5_000 }).toEqual(['499 client_closed']);
    await expect.poll(async () => (await gateway.key(k.id)).inFlight, { timeout: 5_000 }).toBe(0);
    expect((await k.client.chat.completions.create(hello)).choices[0].message.content).toBe(PLAIN_TEXT);
  });
});

test.describe('streams cut mid-answer', () => {
  test('truncated upstream: the SDK yields the first deltas, then throws the error frame', async () => {
    const got = await collect(await client.chat.completions.create({ ...hello, messages: userMessage('Hi #scenario:truncate'), stream: true }));
    expect(got.content).toBe('Bonjour');
    expect(got.chunks[0].choices[0].delta.role).toBe('assistant');
    expect(got.error).toBeInstanceOf(APIError);
    expect((got.error as APIError).code).toBe('upstream_error');
    for (const c of got.chunks) expect(c.choices[0].finish_reason).toBeNull();
    const t = await gateway.token(pool[0].id);
    // One cut stream is a strike, not a cooldown (transient_failures_per_minute).
    expect(t).toMatchObject({ failedCount: 1, status: 'active', cooldownUntil: null });
  });

  test('truncated upstream, raw SSE: error data frame, then [DONE]', async () => {
    const res = await rawChat(key.key, { ...hello, messages: userMessage('Hi #scenario:truncate'), stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const data = parseSse(await res.text()).filter((i) => i.kind === 'data').map((i) => (i as { data: string }).data);
    expect(data[data.length - 1]).toBe('[DONE]');
    const error = JSON.parse(data[data.length - 2]);
    expect(error.error).toMatchObject({ code: 'upstream_error', type: 'upstream_error', message: expect.any(String) });
    const content = data.slice(0, -2).map((d) => JSON.parse(d).choices[0].delta.content ?? '').join('');
    expect(content).toBe('Bonjour');
  });

  test('in-band rate limit after output (stream): deltas, then an upstream_rate_limited error; the token cools', async () => {
    const startedAt = Date.now();
    const got = await collect(await client.chat.completions.create({ ...hello, messages: userMessage('Haiku #scenario:error-midstream'), stream: true }));
    expect(got.content).toBe('Soft rain on the roof');
    expect(got.error).toBeInstanceOf(APIError);
    expect((got.error as APIError).code).toBe('upstream_rate_limited');
    expect(await fake.conversations()).toHaveLength(1);
    const t = await gateway.token(pool[0].id);
    expect(t.status).toBe('cooling');
    // No Retry-After upstream: the rate_limit_cooldown_seconds default (3600 s).
    expect(t.cooldownUntil! - startedAt).toBeGreaterThan(3_600_000 - 15_000);
    expect(t.cooldownUntil! - startedAt).toBeLessThan(3_600_000 + 15_000);
  });

  test('in-band rate limit after output (raw SSE): error data frame, then [DONE]', async () => {
    const res = await rawChat(key.key, { ...hello, messages: userMessage('Haiku #scenario:error-midstream'), stream: true });
    expect(res.status).toBe(200);
    const data = parseSse(await res.text()).filter((i) => i.kind === 'data').map((i) => (i as { data: string }).data);
    expect(data[data.length - 1]).toBe('[DONE]');
    expect(JSON.parse(data[data.length - 2]).error).toMatchObject({ code: 'upstream_rate_limited', type: 'rate_limit_error' });
    expect(data.slice(0, -2).map((d) => JSON.parse(d).choices[0].delta.content ?? '').join('')).toBe('Soft rain on the roof');
  });

  test('in-band rate limit after output (non-stream, one token) → 429 upstream_rate_limited with Retry-After', async () => {
    const err = await apiError(client.chat.completions.create({ ...hello, messages: userMessage('Haiku #scenario:error-midstream') }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_rate_limited');
    expect(err.type).toBe('rate_limit_error');
    expect(err.headers!.get('retry-after')).toBe('60');
    expect((await gateway.token(pool[0].id)).status).toBe('cooling');
  });

  test('in-band rate limit after output (non-stream, two tokens) → 429 upstream_rate_limited; every token tried cools', async () => {
    pool = await gateway.resetPool(2);
    const err = await apiError(client.chat.completions.create({ ...hello, messages: userMessage('Haiku #scenario:error-midstream') }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_rate_limited');
    expect(err.headers!.get('retry-after')).toBe('60');
    const calls = await fake.conversations();
    expect(calls.length).toBeGreaterThanOrEqual(1);
    const tried = new Set(calls.map((c) => c.token));
    expect(tried.size).toBe(calls.length);
    for (const t of await gateway.tokens()) {
      const raw = pool.find((p) => p.id === t.id)!.raw;
      expect(t.status).toBe(tried.has(raw) ? 'cooling' : 'active');
    }
  });
});

test.describe('keep-alive', () => {
  test('a stalled upstream gets ": ping" comments between content chunks; the stream still completes', async () => {
    await gateway.setSettings({ keepalive_seconds: 1 });
    const started = Date.now();
    const res = await rawChat(key.key, { ...hello, messages: userMessage('Hi #scenario:stall:3500'), stream: true });
    expect(res.status).toBe(200);
    const items = parseSse(await res.text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_500);

    const data = items.filter((i) => i.kind === 'data').map((i) => (i as { data: string }).data);
    expect(data[data.length - 1]).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.some((c) => c.error)).toBe(false);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(PLAIN_TEXT);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');

    const isContent = (i: (typeof items)[number]) => i.kind === 'data' && i.data !== '[DONE]' && !!JSON.parse(i.data).choices[0].delta.content;
    const firstContent = items.findIndex(isContent);
    const lastContent = items.length - 1 - [...items].reverse().findIndex(isContent);
    const pingsBetween = items.slice(firstContent, lastContent).filter((i) => i.kind === 'comment' && i.text === 'ping');
    expect(pingsBetween.length).toBeGreaterThanOrEqual(2);
  });
});
