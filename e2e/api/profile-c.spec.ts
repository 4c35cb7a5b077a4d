/**
 * Upstream profile C: chat over grok.com's chat-gateway WebSocket (`/ws/mgw/?uid=…`), with the account's user id
 * from `/api/auth/session` cached on the token row. The common chat behaviour runs for every profile in
 * chat.spec.ts; this file covers what is specific to C, and the per-profile probe.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import {
  FAKE_USER_ID,
  PLAIN_TEXT,
  SESSION_PATH,
  collect,
  fake,
  freshState,
  gateway,
  parseMediaLink,
  parseSse,
  rawChat,
  say,
  tokenOfCall,
  userMessage,
  type CreatedKey,
  type PoolToken,
} from './helpers';

let key: CreatedKey;
let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-profile-c' });
  client = key.client;
});

const hello = { model: 'grok-4', messages: userMessage('Say hello in French.') };

// keepalive_seconds 1 for the whole file (only the stall test needs it; the others ignore ping comments), so the
// file costs one settings change.
const SETTINGS = { upstream_profile: 'C', keepalive_seconds: 1 };

test.describe('profile C', () => {
  test.beforeEach(async () => {
    pool = await freshState(2, SETTINGS);
  });

  test('the user id is looked up once per account (GET /api/auth/session) and then cached', async () => {
    pool = await gateway.resetPool(1);
    for (let i = 0; i < 3; i++) {
      const res = await client.chat.completions.create(hello);
      expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
    }
    const sessions = await fake.calls(SESSION_PATH);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].token).toBe(pool[0].raw);
    expect(sessions[0].status).toBe(200);
    const mgw = await fake.mgw();
    expect(mgw).toHaveLength(3);
    for (const s of mgw) expect(s.uid).toBe(FAKE_USER_ID);
    expect(await fake.conversations()).toEqual([]);
  });

  test('the WebSocket session: uid query + x-userid cookie, session.create with the model mode, then item and response', async () => {
    pool = await gateway.resetPool(1);
    const res = await client.chat.completions.create({ model: 'grok-4.1-thinking', messages: userMessage('Sum 1..10 #scenario:thinking') });
    expect(res.choices[0].message.content).toBe('The sum of 1 through 10 is **55**.');
    await client.chat.completions.create({ model: 'grok-4.1-fast', messages: userMessage('hi') });
    await client.chat.completions.create(hello);

    const [thinking, fast, plain] = await fake.mgw();
    expect(thinking.status).toBe(101);
    expect(thinking.url).toBe(`/ws/mgw/?uid=${FAKE_USER_ID}`);
    expect(thinking.headers.cookie).toContain(`sso=${pool[0].raw}`);
    expect(thinking.headers.cookie).toContain(`x-userid=${FAKE_USER_ID}`);
    const events = thinking.messages.map((m) => m.event);
    expect(events[0]).toMatchObject({ type: 'session.create', session: { model: 'expert', x_grok: expect.objectContaining({ is_temporary: true }) } });
    expect(events[1].type).toBe('conversation.item.create');
    expect(thinking.messages[1].session_id).toBe(thinking.sessionId);
    expect(events[1].item.x_grok.input_chunks).toEqual([{ text: { text: 'Sum 1..10 #scenario:thinking' } }]);
    expect(events[2].type).toBe('response.create');
    expect(thinking.model).toBe('expert');
    expect(thinking.responses).toHaveLength(1);
    expect(thinking.responses![0]).toMatchObject({ model: 'expert', text: 'Sum 1..10 #scenario:thinking', quota: 'ok' });
    // The gateway closes each socket once the answer is done.
    await expect.poll(async () => (await fake.mgw())[0].closeCode, { timeout: 5_000 }).not.toBeNull();

    expect(fast.model).toBe('fast');
    // A model without a mode id (grok-4) uses `auto`.
    expect(plain.model).toBe('auto');
  });

  test('session ended mid-answer → the stream ends with an error frame and [DONE], not a clean stop', async () => {
    const res = await rawChat(key.key, { ...hello, messages: userMessage('Say hello. #scenario:ws-session-ended'), stream: true });
    expect(res.status).toBe(200);
    const items = parseSse(await res.text()).filter((i) => i.kind === 'data') as { data: string }[];
    expect(items[items.length - 1].data).toBe('[DONE]');
    const frames = items.slice(0, -1).map((i) => JSON.parse(i.data));
    const error = frames[frames.length - 1];
    expect(error.error).toMatchObject({ code: 'upstream_error', type: 'upstream_error', message: expect.any(String) });
    const chunks = frames.slice(0, -1);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('Bonjour! That');
    expect(chunks.some((c) => c.choices[0].finish_reason === 'stop')).toBe(false);
    // Output had reached the client: no retry on the other account.
    expect(await fake.mgw()).toHaveLength(1);
  });

  test('an in-band rate limit before any output is retried on the other account, which serves; the first cools down', async () => {
    await fake.inject([{ endpoint: 'mgw', kind: 'scenario', name: 'ws-error' }]);
    const startedAt = Date.now();
    const got = await collect(await client.chat.completions.create({ ...hello, stream: true }));
    expect(got.error).toBeUndefined();
    expect(got.content).toBe(PLAIN_TEXT);
    const sessions = await fake.mgw();
    expect(sessions).toHaveLength(2);
    expect(sessions[0].scenario).toMatchObject({ name: 'ws-error' });
    const first = tokenOfCall(pool, sessions[0]);
    const second = tokenOfCall(pool, sessions[1]);
    expect(first.id).not.toBe(second.id);
    const cooled = await gateway.token(first.id);
    expect(cooled.status).toBe('cooling');
    expect(cooled.lastFailureReason).toContain('Too many requests');
    expect(cooled.cooldownUntil! - startedAt).toBeGreaterThan(3_600_000 - 15_000);
    expect((await gateway.token(second.id)).status).toBe('active');
  });

  test('an account whose session answers "unauthenticated" becomes invalid; the request succeeds on the other', async () => {
    const [revoked, healthy] = pool;
    await fake.setToken(revoked.raw, 'revoked');
    // Selection is weighted-random: repeat until the revoked account has been tried (each request must succeed).
    for (let i = 0; i < 12 && (await fake.calls(SESSION_PATH)).every((c) => c.token !== revoked.raw); i++) {
      const res = await client.chat.completions.create(hello);
      expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
    }
    const sessions = await fake.calls(SESSION_PATH);
    expect(sessions.some((c) => c.token === revoked.raw)).toBe(true);
    const dead = await gateway.token(revoked.id);
    expect(dead.status).toBe('invalid');
    expect(dead.lastFailureReason).toContain('unauthenticated');
    expect((await gateway.token(healthy.id)).status).toBe('active');
    // The revoked account never got as far as the WebSocket.
    expect((await fake.mgw()).every((s) => s.token === healthy.raw)).toBe(true);
  });

  test('tool calls work over the WebSocket too (stream helper)', async () => {
    const block = '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>';
    const final = await client.chat.completions
      .stream({
        model: 'grok-4',
        messages: userMessage(`Weather in Paris? ${say(`Checking.\n${block}`)}`),
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        stream: true,
      })
      .finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.content).toBe('Checking.\n');
    const call = final.choices[0].message.tool_calls![0] as { function: { name: string; arguments: string } };
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const [session] = await fake.mgw();
    expect(session.responses![0].text).toContain('# Tools');
    expect(session.responses![0].scenario.name).toBe('say');
  });

  test('media stays on REST: video through chat uses the media post + REST conversation', async () => {
    const got = await collect(await client.chat.completions.create({ model: 'grok-imagine-1.0-video', messages: userMessage('a paper boat'), stream: true }));
    expect(got.error).toBeUndefined();
    expect(got.content).toMatch(/<video src="[^"]+"/);
    expect((await fake.calls('/rest/media/post/create')).length).toBe(1);
    expect((await fake.conversations()).length).toBe(1);
    expect(await fake.mgw()).toEqual([]);
  });

  test('media stays on REST: image generation runs as a REST "Image Generation:" conversation, not over the WebSocket', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: 'a red fox', n: 2 });
    expect(res.data).toHaveLength(2);
    for (const d of res.data!) expect(parseMediaLink(d.url!).target).toMatch(/\/generated\/.*\/image\.jpg$/);
    const convs = await fake.conversations();
    expect(convs.length).toBeGreaterThan(0);
    expect(convs[0].body.message).toBe('Image Generation: a red fox');
    expect(await fake.mgw()).toEqual([]);
  });

  test('probe: one tiny chat per profile, A, B and C all ok against the fake', async () => {
    pool = await gateway.resetPool(1);
    const r = await gateway.call('POST', `/api/admin/tokens/${pool[0].id}/probe`);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ tokenId: pool[0].id, current: 'C', recommended: 'C' });
    expect(r.json.results.map((x: any) => x.profile)).toEqual(['A', 'B', 'C']);
    for (const x of r.json.results) {
      expect(x, JSON.stringify(x)).toMatchObject({ ok: true, sample: PLAIN_TEXT });
      expect(x.ms).toBeGreaterThanOrEqual(0);
    }
    const convs = await fake.conversations();
    expect(convs).toHaveLength(2);
    expect(convs[0].body).toMatchObject({ modelName: 'grok-4-1-thinking-1129', modelMode: 'MODEL_MODE_FAST' });
    expect(convs[0].body).not.toHaveProperty('modeId');
    expect(convs[1].body.modeId).toBe('fast');
    const [session] = await fake.mgw();
    expect(session.model).toBe('fast');
    expect(await gateway.token(pool[0].id)).toMatchObject({ status: 'active', failedCount: 0 });
  });

  test('a 404 for an unknown token id', async () => {
    const r = await gateway.call('POST', '/api/admin/tokens/no-such-token/probe');
    expect(r.status).toBe(404);
  });
});

test.describe('profile C, keep-alive', () => {
  test.beforeEach(async () => {
    pool = await freshState(1, SETTINGS);
  });

  test('keepalive 1 s: a stall mid-answer still produces keep-alive pings, then the rest of the answer', async () => {
    // 3.5 s rather than 3 s: two 1 s pings fit in the silence whatever the phase of the keep-alive timer.
    const res = await rawChat(key.key, { ...hello, messages: userMessage('Say hello. #scenario:stall:3500'), stream: true });
    const items = parseSse(await res.text());
    const firstContent = items.findIndex((i) => i.kind === 'data' && i.data.includes('Bonjour'));
    const resumed = items.findIndex((i) => i.kind === 'data' && i.data.includes('"content":" That"'));
    const pings = items.slice(firstContent, resumed).filter((i) => i.kind === 'comment' && i.text === 'ping');
    expect(pings.length).toBeGreaterThanOrEqual(2);
    const data = items.filter((i) => i.kind === 'data') as { data: string }[];
    expect(data[data.length - 1].data).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((i) => JSON.parse(i.data));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(PLAIN_TEXT);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
    const [session] = await fake.mgw();
    expect(session.responses![0].scenario).toMatchObject({ name: 'stall', arg: '3500' });
  });
});
