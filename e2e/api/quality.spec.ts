/**
 * The quality guard (lib/pool/quality.ts, lib/gateway/quality-guard.ts, lib/gateway/quarantine-probe.ts): answers
 * that suggest a silently downgraded account quarantine it, after the fact — the client and the request log see a
 * normal answer. Hard signs (another model than the peers report, an implausibly fast long answer) quarantine at
 * once; soft signs (a thinking model that did not think) only after `quality_suspect_answers` in a row. After
 * `quarantine_seconds` the next request's housekeeping probes the account alone: clean → back in the pool, the
 * sign again → disabled.
 *
 * Fake knobs: `#model:NAME` / scenario `other-model:NAME` (the reported model), `#scenario:long:N #delay:0` (a long
 * answer as fast as the fake can write it), scenario `thinking`.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import {
  FAKE,
  PLAIN_TEXT,
  THINKING_ANSWER,
  apiError,
  fake,
  freshState,
  gateway,
  readD1,
  tokenOfCall,
  userMessage,
  type PoolToken,
  type TokenView,
} from './helpers';

/** Thinking-capable (catalog `thinks: true`, modeId `expert`): an answer without thinking is a soft sign. */
const THINKING_MODEL = 'grok-4.1-thinking';
/** Not thinking-capable; Profile B (default) reports its modeId `fast`, Profile A its modelName `grok-4-1-thinking-1129`. */
const PLAIN_MODEL = 'grok-4.1-fast';
/** What a downgraded account reports instead: neither PLAIN_MODEL's modelName nor its modeId. */
const OTHER_MODEL = 'grok-3';
/** The probe's prompt (lib/gateway/quarantine-probe.ts). */
const PROBE_PROMPT = 'Reply with the single word OK.';

/** `#scenario:long:N` answer text: `w0 w1 … w{N-1} `. */
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `).join('');
/** 2000 tokens = 10 890 characters (≥ 2000, the guard's minimum for the speed rule), written with no pause. */
const FAST_LONG = 'Count #scenario:long:2000 #delay:0';
const FAST_LONG_TEXT = words(2000);

let client: OpenAI;
let keyId: string;

test.beforeAll(async () => {
  await gateway.login();
  const key = await gateway.createKey({ name: 'e2e-quality' });
  client = key.client;
  keyId = key.id;
});

/** A non-streamed answer; the guard never changes what the client gets. */
async function ask(text: string, model = PLAIN_MODEL): Promise<{ content: string; reasoning: string }> {
  const res = await client.chat.completions.create({ model, messages: userMessage(text) });
  const message = res.choices[0].message as { content: string | null; reasoning_content?: string };
  return { content: message.content ?? '', reasoning: message.reasoning_content ?? '' };
}

/** The stored run of suspect answers (not in the admin view). */
const suspectAnswers = (id: string) => Number(readD1(`select suspect_answers from tokens where id = '${id}'`)[0]?.suspect_answers);

/** Waits until the guard's write for the last answer landed (it runs in `waitUntil`, after the answer). */
async function expectSuspects(id: string, n: number) {
  await expect.poll(() => suspectAnswers(id), { timeout: 5_000, message: `suspect answers of ${id}` }).toBe(n);
}

async function expectQuarantined(id: string, reason: string): Promise<TokenView> {
  await expect.poll(async () => (await gateway.token(id)).status, { timeout: 5_000, message: `${id} quarantined` }).toBe('quarantined');
  const view = await gateway.token(id);
  expect(view.quarantineReason).toBe(reason);
  expect(view.lastFailureReason).toBe(`quarantined: ${reason}`);
  expect(view.quarantinedUntil).not.toBeNull();
  return view;
}

async function batch(ids: string[], action: 'enable' | 'disable') {
  if (!ids.length) return;
  const r = await gateway.call('POST', '/api/admin/tokens/batch', { ids, action });
  expect(r.status, r.text).toBe(200);
}

/** Leaves `only` as the pool's one usable account (the others disabled), so the next request lands on it. */
async function pin(pool: PoolToken[], only: PoolToken) {
  await batch(
    pool.filter((t) => t.id !== only.id).map((t) => t.id),
    'disable',
  );
  await batch([only.id], 'enable');
}

/** The key's requests since `from` were all logged as normal 200 answers. */
async function expectLoggedOk(from: number, n: number) {
  await expect
    .poll(async () => (await gateway.logs({ keyId, from })).map((r) => `${r.status} ${r.reason}`), { timeout: 5_000 })
    .toEqual(Array(n).fill('200 ok'));
}

/** A request that finds no usable account (the pool's only account is quarantined): its housekeeping runs the due probes. */
async function requestWithNoAccount() {
  const err = await apiError(ask('anything'));
  expect(err.status).toBe(503);
  expect(err.code).toBe('no_available_token');
  expect(err.message).toContain('quarantined by the quality guard');
}

const probeCalls = async () => (await fake.conversations()).filter((c) => String(c.body?.message).includes(PROBE_PROMPT));

test.describe('soft signs: a run of suspect answers', () => {
  test('a thinking model answering without thinking 3 times in a row quarantines its account (degraded_no_thinking), not before; a thinking answer resets the run', async () => {
    const [acc] = await freshState(1);
    const from = Date.now();
    // Without a directive the fake answers `plain`: no thinking at all.
    for (let i = 1; i <= 2; i++) {
      expect((await ask('What is the sum of 1 to 10?', THINKING_MODEL)).content).toBe(PLAIN_TEXT);
      await expectSuspects(acc.id, i);
      expect((await gateway.token(acc.id)).status).toBe('active');
    }
    const thought = await ask('What is the sum of 1 to 10? #scenario:thinking', THINKING_MODEL);
    expect(thought.content).toBe(THINKING_ANSWER);
    expect(thought.reasoning).not.toBe('');
    await expectSuspects(acc.id, 0);

    for (let i = 1; i <= 2; i++) {
      await ask('What is the sum of 1 to 10?', THINKING_MODEL);
      await expectSuspects(acc.id, i);
      expect((await gateway.token(acc.id)).status).toBe('active');
    }
    const third = await ask('What is the sum of 1 to 10?', THINKING_MODEL);
    expect(third.content).toBe(PLAIN_TEXT);
    const view = await expectQuarantined(acc.id, 'degraded_no_thinking');
    expect(view.quarantineCount).toBe(1);
    expect(view.quarantinedUntil!).toBeGreaterThan(Date.now() + 60_000); // quarantine_seconds default 1800
    expect(suspectAnswers(acc.id)).toBe(0);
    // The guard judges after the fact: every request was a normal answer for the client and the log.
    await expectLoggedOk(from, 6);
  });

  test('empty answers: 3 in a row quarantine the account (degraded_empty)', async () => {
    const [acc] = await freshState(1);
    for (let i = 1; i <= 3; i++) {
      expect((await ask('Say nothing #scenario:long:0')).content).toBe('');
      if (i < 3) {
        await expectSuspects(acc.id, i);
        expect((await gateway.token(acc.id)).status).toBe('active');
      }
    }
    await expectQuarantined(acc.id, 'degraded_empty');
  });

  test('moderated answers: 3 in a row quarantine the account (degraded_moderated); the client gets its 400 each time', async () => {
    const [acc] = await freshState(1);
    for (let i = 1; i <= 3; i++) {
      const err = await apiError(ask('Something rude #scenario:moderated'));
      expect(err.status).toBe(400);
      expect(err.code).toBe('content_policy_violation');
      if (i < 3) {
        await expectSuspects(acc.id, i);
        expect((await gateway.token(acc.id)).status).toBe('active');
      }
    }
    await expectQuarantined(acc.id, 'degraded_moderated');
  });

  test('auto mode: an answer without thinking is no sign (the upstream decides whether to think)', async () => {
    await freshState(1, { quality_suspect_answers: 2 });
    const [acc] = await gateway.resetPool(1, 'ssoSuper');
    expect((await ask('What is the sum of 1 to 10?', 'grok-chat-auto')).content).toBe(PLAIN_TEXT);
    // A counted sign after it: had the auto answer counted, this second one would have quarantined the account.
    expect((await ask('What is the sum of 1 to 10?', THINKING_MODEL)).content).toBe(PLAIN_TEXT);
    await expectSuspects(acc.id, 1);
    expect((await gateway.token(acc.id)).status).toBe('active');
  });

  test('quality_suspect_answers sets the run length', async () => {
    const [acc] = await freshState(1, { quality_suspect_answers: 1 });
    await ask('What is the sum of 1 to 10?', THINKING_MODEL);
    await expectQuarantined(acc.id, 'degraded_no_thinking');
  });
});

test.describe('hard signs: quarantined at once', () => {
  test('an account reporting another model than 3 other accounts report for the same model is quarantined (degraded_model_mismatch)', async () => {
    const pool = await freshState(4);
    const from = Date.now();
    const [a, b, c, d] = pool;
    for (const t of [a, b, c]) {
      await pin(pool, t);
      expect((await ask('Say hello in French.')).content).toBe(PLAIN_TEXT);
    }
    const served = (await fake.conversations()).map((call) => tokenOfCall(pool, call).id);
    expect(served).toEqual([a.id, b.id, c.id]);

    await pin(pool, d);
    // The answer itself is normal; only the reported model (userResponse/modelResponse.model) differs.
    expect((await ask(`Say hello in French. #model:${OTHER_MODEL}`)).content).toBe(PLAIN_TEXT);
    const calls = await fake.conversations();
    expect(tokenOfCall(pool, calls[3]).id).toBe(d.id);
    const view = await expectQuarantined(d.id, 'degraded_model_mismatch');
    expect(view.quarantineCount).toBe(1);
    // The peers that reported the usual model are not flagged (they are only pinned away: disabled).
    for (const t of [a, b, c]) expect((await gateway.token(t.id)).quarantineCount).toBe(0);
    await expectLoggedOk(from, 4);
  });

  test('a long answer streamed implausibly fast quarantines its account (degraded_implausible_speed)', async () => {
    expect(FAST_LONG_TEXT.length).toBeGreaterThanOrEqual(2000);
    const [acc] = await freshState(1);
    const from = Date.now();
    expect((await ask(FAST_LONG)).content).toBe(FAST_LONG_TEXT);
    const view = await expectQuarantined(acc.id, 'degraded_implausible_speed');
    expect(view.quarantineCount).toBe(1);
    await expectLoggedOk(from, 1);
  });

  // An answer that arrives only as the final `modelResponse.message` (spec §5.7) is one text event: its speed is
  // timed from the answer's first frame, so a slow upstream is not called implausibly fast.
  test('an answer that arrives in one piece (modelResponse.message only) is not "implausibly fast"', async () => {
    const [acc] = await freshState(1, { quality_suspect_answers: 2 });
    // 6 frames 1 s apart: ≈ 2000 characters per second, under quality_max_chars_per_second (5000).
    expect((await ask('Plan a trip #scenario:message-only:2000 #delay:1000')).content).toBe(FAST_LONG_TEXT);
    // Barrier: an empty answer next, a counted soft sign — served and counted only if the account is still in the pool.
    expect((await ask('Say nothing #scenario:long:0')).content).toBe('');
    await expectSuspects(acc.id, 1);
    expect((await gateway.token(acc.id)).status).toBe('active');
  });

  test('a streamed answer: same verdict, the client still gets the whole answer', async () => {
    const [acc] = await freshState(1);
    const from = Date.now();
    const stream = await client.chat.completions.create({ model: PLAIN_MODEL, messages: userMessage(FAST_LONG), stream: true });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
    expect(content).toBe(FAST_LONG_TEXT);
    await expectQuarantined(acc.id, 'degraded_implausible_speed');
    await expectLoggedOk(from, 1);
  });
});

test.describe('a quarantined account', () => {
  test('is not selected: the others serve, and with only it left the request gets 503 no_available_token (no upstream call)', async () => {
    const pool = await freshState(3);
    expect((await ask(FAST_LONG)).content).toBe(FAST_LONG_TEXT);
    const bad = tokenOfCall(pool, (await fake.conversations())[0]);
    await expectQuarantined(bad.id, 'degraded_implausible_speed');

    for (let i = 0; i < 6; i++) expect((await ask('Say hello in French.')).content).toBe(PLAIN_TEXT);
    const after = (await fake.conversations()).slice(1);
    expect(after).toHaveLength(6);
    for (const call of after) expect(tokenOfCall(pool, call).id).not.toBe(bad.id);

    await batch(
      pool.filter((t) => t.id !== bad.id).map((t) => t.id),
      'disable',
    );
    await requestWithNoAccount();
    expect(await fake.conversations()).toHaveLength(7);
    expect((await gateway.token(bad.id)).status).toBe('quarantined');
    // The admin list filters it as quarantined.
    const r = await gateway.call('GET', '/api/admin/tokens?status=quarantined');
    expect(r.status, r.text).toBe(200);
    expect(r.json.items.map((t: TokenView) => t.id)).toEqual([bad.id]);
  });
});

test.describe('the probe after quarantine_seconds', () => {
  test('clean probe answer: the account is back in the pool (active, quarantineReason null)', async () => {
    const [acc] = await freshState(1, { quarantine_seconds: 0, quality_suspect_answers: 1 });
    await ask('What is the sum of 1 to 10?', THINKING_MODEL);
    await expectQuarantined(acc.id, 'degraded_no_thinking');
    // Only the admin API was used since: no probe yet, even though it is due.
    expect(await probeCalls()).toHaveLength(0);

    await fake.inject([{ kind: 'scenario', name: 'thinking' }]);
    await requestWithNoAccount(); // its housekeeping starts the due probe
    await expect.poll(async () => (await gateway.token(acc.id)).status, { timeout: 10_000 }).toBe('active');
    const view = await gateway.token(acc.id);
    expect(view.quarantineReason).toBeNull();
    expect(view.quarantinedUntil).toBeNull();
    expect(view.quarantineCount).toBe(1);

    const probes = await probeCalls();
    expect(probes).toHaveLength(1);
    expect(probes[0].token).toBe(acc.raw);
    expect(probes[0].scenario).toEqual({ name: 'thinking' });
    expect(probes[0].body.modeId).toBe('expert'); // the flagged model (grok-4.1-thinking, Profile B)
    expect(probes[0].status).toBe(200);

    // In the pool again.
    expect((await ask('Say hello in French.')).content).toBe(PLAIN_TEXT);
    expect(tokenOfCall([acc], (await fake.conversations()).at(-1)!).id).toBe(acc.id);
  });

  test('the same sign in the probe answer: the account is disabled with the reason', async () => {
    const [acc] = await freshState(1, { quarantine_seconds: 0 });
    for (let i = 0; i < 3; i++) await ask('What is the sum of 1 to 10?', THINKING_MODEL);
    await expectQuarantined(acc.id, 'degraded_no_thinking');

    await requestWithNoAccount(); // the probe gets the plain answer: no thinking again
    await expect.poll(async () => (await gateway.token(acc.id)).status, { timeout: 10_000 }).toBe('disabled');
    const view = await gateway.token(acc.id);
    expect(view.lastFailureReason).toBe('disabled: degraded_no_thinking again after quarantine');
    expect(view.quarantinedUntil).toBeNull();
    expect((await probeCalls()).map((c) => c.token)).toEqual([acc.raw]);
  });

  test('another model again in the probe answer (scenario other-model): disabled', async () => {
    const pool = await freshState(4, { quarantine_seconds: 0 });
    const [a, b, c, d] = pool;
    for (const t of [a, b, c]) {
      await pin(pool, t);
      await ask('Say hello in French.');
    }
    await pin(pool, d);
    await ask(`Say hello in French. #model:${OTHER_MODEL}`);
    await expectQuarantined(d.id, 'degraded_model_mismatch');

    await fake.inject([{ kind: 'scenario', name: 'other-model', arg: OTHER_MODEL }]);
    await requestWithNoAccount(); // a, b, c are disabled (pinned away), d is quarantined
    await expect.poll(async () => (await gateway.token(d.id)).status, { timeout: 10_000 }).toBe('disabled');
    expect((await gateway.token(d.id)).lastFailureReason).toBe('disabled: degraded_model_mismatch again after quarantine');
    const probes = await probeCalls();
    expect(probes.map((p) => [p.token, p.scenario])).toEqual([[d.raw, { name: 'other-model', arg: OTHER_MODEL }]]);
  });

  test('implausible speed, then a normal probe answer: back in the pool; implausibly fast again: disabled', async () => {
    const [acc] = await freshState(1, { quarantine_seconds: 0 });
    await ask(FAST_LONG);
    await expectQuarantined(acc.id, 'degraded_implausible_speed');
    await requestWithNoAccount(); // the probe's answer: plain, 35 characters
    await expect.poll(async () => (await gateway.token(acc.id)).status, { timeout: 10_000 }).toBe('active');

    await ask(FAST_LONG);
    await expectQuarantined(acc.id, 'degraded_implausible_speed');
    expect((await gateway.token(acc.id)).quarantineCount).toBe(2);
    // The probe (no directive in its prompt) gets the long answer with no pause between writes.
    await fake.inject([{ kind: 'scenario', name: 'long', arg: '2000' }]);
    const opts = await fetch(`${FAKE}/__fake/options`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ frameDelayMs: 0 }) });
    expect(opts.status).toBe(200);
    await requestWithNoAccount();
    await expect.poll(async () => (await gateway.token(acc.id)).status, { timeout: 10_000 }).toBe('disabled');
    expect((await gateway.token(acc.id)).lastFailureReason).toBe('disabled: degraded_implausible_speed again after quarantine');
    expect((await probeCalls()).map((p) => p.token)).toEqual([acc.raw, acc.raw]);
  });
});

test('quality_guard: false flags nothing', async () => {
  const pool = await freshState(4, { quality_guard: false, quality_suspect_answers: 1 });
  const from = Date.now();
  const [a, b, c, d] = pool;
  for (const t of [a, b, c]) {
    await pin(pool, t);
    await ask('Say hello in French.');
  }
  await pin(pool, d);
  await ask(`Say hello in French. #model:${OTHER_MODEL}`);
  for (let i = 0; i < 3; i++) await ask('What is the sum of 1 to 10?', THINKING_MODEL);
  expect((await ask(FAST_LONG)).content).toBe(FAST_LONG_TEXT);
  expect(await fake.conversations()).toHaveLength(8);
  await expectLoggedOk(from, 8);
  await batch([a.id, b.id, c.id], 'enable');
  for (const t of pool) {
    const view = await gateway.token(t.id);
    expect(view.status).toBe('active');
    expect(view.quarantineCount).toBe(0);
    expect(suspectAnswers(t.id)).toBe(0);
  }
});
