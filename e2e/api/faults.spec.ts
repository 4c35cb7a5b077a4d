/**
 * Upstream faults (spec §7–§8, lib/grok/errors.ts `CONSEQUENCES`, lib/pool/blast-radius.ts): every way grok.com
 * can fail — HTTP statuses, dropped and silent connections, stalls, cut and garbled bodies, in-band errors,
 * odd framings, WebSockets closing mid-answer and mid-image — and for each what the client sees, what
 * happens to each account (invalid / cooling / one strike / nothing), and the request's one log row.
 *
 * The pool has two accounts unless a test says otherwise; a failure injected once hits whichever account is
 * picked first, a `#scenario:` directive in the prompt hits every attempt. Timeouts are set to their minimum
 * (5 s) so the stall scenarios stay short. docs/RELIABILITY.md "Upstream faults" summarises the table.
 */
import { expect, test } from '@playwright/test';
import { APIError } from 'openai';
import {
  CONVERSATION_PATH,
  FAKE,
  PLAIN_TEXT,
  apiError,
  collect,
  fake,
  freshState,
  gateway,
  parseMediaLink,
  parseSse,
  parseSseEvents,
  rawChat,
  rawPost,
  sleep,
  tokenOfCall,
  userMessage,
  type CreatedKey,
  type FakeCall,
  type PoolToken,
  type TokenView,
} from './helpers';

const TIMEOUTS = { first_frame_timeout_seconds: 5, idle_timeout_seconds: 5 };
const PROFILE_C = { ...TIMEOUTS, upstream_profile: 'C' };
const IMAGINE = { ...TIMEOUTS, image_generation_method: 'imagine_ws' };

/** rate_limit_cooldown_seconds default: the cooldown of a rate limit without a wait time. */
const RATE_LIMIT_COOLDOWN_S = 3600;
/** The two images of the fake's legacy image fixture (07-image-generation.ndjson). */
const FIXTURE_IMAGES = [1, 2].map((i) => `/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/a1b2c3d4-1111-4aaa-8bbb-00000000000${i}/image.jpg`);
const PROMPT = 'a lighthouse at dusk';

let key: CreatedKey;
let pool: PoolToken[];
let startedAt: number;

/** Fresh pool and settings, and a key of the test's own (its log rows are the test's only). */
async function setup(settings: Record<string, unknown>, n = 2) {
  pool = await freshState(n, settings);
  key = await gateway.createKey({ name: `e2e-faults-${Date.now()}` });
  startedAt = Date.now();
}

const ask = (text: string, extra: Record<string, unknown> = {}) => ({ model: 'grok-4', messages: userMessage(text), ...extra });
const HELLO = 'Say hello in French.';
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `).join('');

// ---- account effects -------------------------------------------------------------------------

type Effect =
  | { is: 'healthy' }
  | { is: 'struck'; reason: RegExp }
  /** Struck, then a success on the same account reset its failure count (the reason stays on record). */
  | { is: 'recovered'; reason: RegExp }
  | { is: 'cooling'; seconds: number; reason: RegExp }
  | { is: 'invalid'; reason: RegExp }
  /** Taken out by the quality guard after the answer was delivered. */
  | { is: 'quarantined'; reason: string };

const HEALTHY: Effect = { is: 'healthy' };
const struck = (reason: RegExp): Effect => ({ is: 'struck', reason });
const cooling = (seconds: number, reason: RegExp): Effect => ({ is: 'cooling', seconds, reason });
const invalid = (reason: RegExp): Effect => ({ is: 'invalid', reason });

function expectEffect(t: TokenView, effect: Effect) {
  const label = `account …${t.suffix}: ${JSON.stringify({ status: t.status, cooldownUntil: t.cooldownUntil, failedCount: t.failedCount, lastFailureReason: t.lastFailureReason })}`;
  switch (effect.is) {
    case 'healthy':
      expect({ status: t.status, cooldownUntil: t.cooldownUntil, failedCount: t.failedCount, lastFailureReason: t.lastFailureReason }, label).toEqual({
        status: 'active',
        cooldownUntil: null,
        failedCount: 0,
        lastFailureReason: null,
      });
      break;
    case 'struck':
      // One strike: counted, but below transient_failures_per_minute (3) the account keeps serving.
      expect({ status: t.status, cooldownUntil: t.cooldownUntil, failedCount: t.failedCount }, label).toEqual({ status: 'active', cooldownUntil: null, failedCount: 1 });
      expect(t.lastFailureReason, label).toMatch(effect.reason);
      break;
    case 'recovered':
      expect({ status: t.status, cooldownUntil: t.cooldownUntil, failedCount: t.failedCount }, label).toEqual({ status: 'active', cooldownUntil: null, failedCount: 0 });
      expect(t.lastFailureReason, label).toMatch(effect.reason);
      break;
    case 'cooling':
      expect(t.status, label).toBe('cooling');
      expect(t.cooldownUntil! - startedAt, label).toBeGreaterThan(effect.seconds * 1000 - 15_000);
      expect(t.cooldownUntil! - startedAt, label).toBeLessThan(effect.seconds * 1000 + 15_000);
      expect(t.lastFailureReason, label).toMatch(effect.reason);
      break;
    case 'invalid':
      expect(t.status, label).toBe('invalid');
      expect(t.lastFailureReason, label).toMatch(effect.reason);
      break;
    case 'quarantined':
      expect({ status: t.status, quarantineReason: t.quarantineReason, failedCount: t.failedCount }, label).toEqual({ status: 'quarantined', quarantineReason: effect.reason, failedCount: 0 });
      break;
  }
}

/** Every pool account has the listed effect; every account not listed is untouched. */
async function expectAccounts(effects: Record<string, Effect>) {
  const rows = await gateway.tokens();
  for (const t of pool) {
    const row = rows.find((r) => r.id === t.id);
    expect(row, `account ${t.id} is listed`).toBeDefined();
    expectEffect(row!, effects[t.id] ?? HEALTHY);
  }
}

const accountsOf = (calls: FakeCall[]) => calls.map((c) => tokenOfCall(pool, c));

// ---- log rows ---------------------------------------------------------------------------------

type LogExpectation = {
  status: number;
  reason: string;
  attempts?: number;
  tokenId?: string;
  stream?: boolean;
};

/** The request's one log row (written after the response, so polled; then checked to stay one). */
async function expectLog(want: LogExpectation) {
  const rows = () => gateway.logs({ keyId: key.id, from: startedAt });
  await expect.poll(async () => (await rows()).length, { timeout: 5_000 }).toBeGreaterThan(0);
  await sleep(300);
  const all = await rows();
  expect(all.map((r) => `${r.status} ${r.reason} attempts=${r.attempts}`), 'exactly one log row per client request').toHaveLength(1);
  expect(all[0]).toMatchObject(want);
  return all[0];
}

// ---- raw SSE ----------------------------------------------------------------------------------

interface RawStream {
  status: number;
  contentType: string;
  /** Chunks (not the error frame), parsed. */
  chunks: any[];
  content: string;
  finishReasons: (string | null)[];
  /** The terminal error frame's `error`, if any. */
  error?: { code: string; type: string; message: string };
  /** `data: [DONE]` came last. */
  done: boolean;
}

/** A streamed chat request read as raw SSE frames. The error frame, when there is one, must be the last before [DONE]. */
async function rawStream(text: string): Promise<RawStream> {
  const res = await rawChat(key.key, ask(text, { stream: true }));
  const body = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  expect(res.status, body.slice(0, 500)).toBe(200);
  expect(contentType).toContain('text/event-stream');
  const data = parseSse(body)
    .filter((i) => i.kind === 'data')
    .map((i) => (i as { data: string }).data);
  const done = data[data.length - 1] === '[DONE]';
  expect(data.filter((d) => d === '[DONE]').length, 'one [DONE]').toBe(done ? 1 : 0);
  const frames = (done ? data.slice(0, -1) : data).map((d) => JSON.parse(d));
  const errorAt = frames.findIndex((f) => f.error);
  if (errorAt >= 0) expect(errorAt, 'the error frame is the last frame').toBe(frames.length - 1);
  const chunks = frames.filter((f) => !f.error);
  return {
    status: res.status,
    contentType,
    chunks,
    content: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
    finishReasons: chunks.map((c) => c.choices[0]?.finish_reason ?? null).filter((r) => r !== null),
    error: errorAt >= 0 ? frames[errorAt].error : undefined,
    done,
  };
}

/** A whole, clean streamed answer. */
function expectWhole(got: RawStream, answer: string) {
  expect(got.error, JSON.stringify(got.error)).toBeUndefined();
  expect(got.content).toBe(answer);
  expect(got.finishReasons).toEqual(['stop']);
  expect(got.done).toBe(true);
}

/** Partial output, then the terminal error frame and [DONE]; never a clean stop. */
function expectCut(got: RawStream, partial: string, code: string) {
  expect(got.content).toBe(partial);
  expect(got.error, 'a terminal error frame').toBeDefined();
  expect(got.error!.code).toBe(code);
  expect(typeof got.error!.message).toBe('string');
  expect(got.finishReasons).toEqual([]);
  expect(got.done).toBe(true);
}

// =================================================================================================
// REST conversation (Profile B, the default)
// =================================================================================================

interface RetriedCase {
  name: string;
  failure: Record<string, unknown>;
  /** What the failure does to the account it hit. */
  effect: Effect;
  modes: ('stream' | 'non-stream')[];
}

const RETRY_AFTER_DATE_S = 300;

/** One failure before any output, on whichever account is picked first: the other account answers. */
const RETRIED: RetriedCase[] = [
  { name: '401 unauthenticated', failure: { kind: 'unauthorized' }, effect: invalid(/401/), modes: ['non-stream', 'stream'] },
  { name: '401 token expired', failure: { kind: 'expired' }, effect: invalid(/token expired/), modes: ['non-stream'] },
  { name: '403 blocked user', failure: { kind: 'blocked' }, effect: invalid(/blocked-user/), modes: ['non-stream', 'stream'] },
  { name: '403 Cloudflare HTML challenge', failure: { kind: 'cf-challenge' }, effect: HEALTHY, modes: ['non-stream', 'stream'] },
  { name: '403 anti-bot JSON', failure: { kind: 'anti-bot-403' }, effect: HEALTHY, modes: ['non-stream'] },
  { name: '403 with an empty body (Cloudflare edge)', failure: { kind: 'status', status: 403, body: '' }, effect: HEALTHY, modes: ['non-stream'] },
  { name: '429 with Retry-After: 120', failure: { kind: 'rate-limit', retryAfter: 120 }, effect: cooling(120, /429/), modes: ['non-stream', 'stream'] },
  { name: '429 without Retry-After', failure: { kind: 'rate-limit' }, effect: cooling(RATE_LIMIT_COOLDOWN_S, /429/), modes: ['non-stream'] },
  {
    name: '429 with Retry-After as an HTTP date',
    failure: {
      kind: 'status',
      status: 429,
      body: { error: { code: 8, message: 'Too many requests', details: [] } },
      headers: { 'Retry-After': 'DATE' },
    },
    effect: cooling(RETRY_AFTER_DATE_S, /429/),
    modes: ['non-stream'],
  },
  { name: '500', failure: { kind: 'server-error' }, effect: struck(/500/), modes: ['non-stream', 'stream'] },
  { name: '502', failure: { kind: 'server-error', status: 502 }, effect: struck(/502/), modes: ['non-stream'] },
  { name: '503', failure: { kind: 'server-error', status: 503 }, effect: struck(/503/), modes: ['non-stream'] },
  // The egress path is the same for every account (e.g. a pooled keep-alive connection the far end had just
  // closed): nobody is blamed, another connection answers.
  { name: 'connection dropped before any answer (refused/reset)', failure: { kind: 'drop' }, effect: HEALTHY, modes: ['non-stream', 'stream'] },
  { name: 'no response headers within first_frame_timeout (hang)', failure: { kind: 'hang', ms: 8000 }, effect: struck(/sent nothing for 5s/), modes: ['non-stream'] },
  {
    name: 'headers, then silence beyond first_frame_timeout (stall-before)',
    failure: { kind: 'scenario', name: 'stall-before', arg: 8000 },
    effect: struck(/sent nothing for 5s \(waiting for the first frame\)/),
    modes: ['stream'],
  },
  {
    name: 'in-band code 8 (rate limit) as the first frame',
    failure: { kind: 'scenario', name: 'inband-error', arg: 8 },
    effect: cooling(RATE_LIMIT_COOLDOWN_S, /Too many requests/),
    modes: ['non-stream', 'stream'],
  },
  { name: 'in-band code 7 (anti-bot) as the first frame', failure: { kind: 'anti-bot' }, effect: HEALTHY, modes: ['non-stream', 'stream'] },
  { name: 'in-band code 16 (unauthenticated)', failure: { kind: 'scenario', name: 'inband-error', arg: 16 }, effect: invalid(/in-band error 16/), modes: ['stream'] },
  { name: 'in-band code 13 (internal)', failure: { kind: 'scenario', name: 'inband-error', arg: 13 }, effect: HEALTHY, modes: ['non-stream', 'stream'] },
  {
    name: 'response-level "usage limit" error',
    failure: { kind: 'scenario', name: 'response-error' },
    effect: cooling(RATE_LIMIT_COOLDOWN_S, /usage limit/),
    modes: ['non-stream', 'stream'],
  },
  { name: 'modelResponse.error (model failed)', failure: { kind: 'scenario', name: 'model-error' }, effect: HEALTHY, modes: ['stream'] },
  {
    name: '200 with garbage lines only (no frame at all)',
    failure: { kind: 'scenario', name: 'unparseable' },
    effect: struck(/ended before the answer was complete/),
    modes: ['non-stream', 'stream'],
  },
];

test.describe('REST: one failure before any output is retried on the other account', () => {
  test.beforeEach(() => setup(TIMEOUTS));

  for (const c of RETRIED) {
    for (const mode of c.modes) {
      test(`${c.name} (${mode}) → answered by the other account; the first: ${c.effect.is}`, async () => {
        const failure = JSON.parse(JSON.stringify(c.failure).replace('"DATE"', JSON.stringify(new Date(Date.now() + RETRY_AFTER_DATE_S * 1000).toUTCString())));
        await fake.inject([failure]);
        if (mode === 'stream') expectWhole(await rawStream(HELLO), PLAIN_TEXT);
        else expect((await key.client.chat.completions.create(ask(HELLO))).choices[0].message.content).toBe(PLAIN_TEXT);

        const calls = await fake.conversations();
        expect(calls.map((x) => x.injected ?? null)).toEqual([failure, null]);
        const [first, second] = accountsOf(calls);
        expect(first.id).not.toBe(second.id);
        await expectAccounts({ [first.id]: c.effect });
        await expectLog({ status: 200, reason: 'ok', attempts: 2, tokenId: second.id, stream: mode === 'stream' });
      });
    }
  }
});

interface CutCase {
  name: string;
  text: string;
  /** What reached the client before the failure. */
  partial: string;
  code: string;
  status: number;
  effect: Effect;
  /**
   * The failure cuts the connection or stalls it. A non-stream answer is read in kilobytes (lib/grok/client.ts
   * `bodyReader`), and bytes of a read the connection failed under are lost with it: when the partial text was
   * among them, nothing visible was seen, so the request goes to a second account — which fails the same way and,
   * as a repeat, is not charged. Either way the client gets the same error and only the first account is struck.
   */
  lostWithConnection?: boolean;
}

/** Failures after visible output: never retried; stream → partial output + error frame + [DONE]. */
const CUT: CutCase[] = [
  {
    name: 'in-band rate limit after 5 tokens (error-midstream)',
    text: 'Haiku #scenario:error-midstream',
    partial: 'Soft rain on the roof',
    code: 'upstream_rate_limited',
    status: 429,
    effect: cooling(RATE_LIMIT_COOLDOWN_S, /Too many requests/),
  },
  {
    name: 'connection dropped mid-line (truncate)',
    text: 'Hi #scenario:truncate',
    partial: 'Bonjour',
    code: 'upstream_error',
    status: 502,
    effect: struck(/connection|ended before the answer was complete/),
    lostWithConnection: true,
  },
  {
    name: 'body ends cleanly mid-line, no end of answer (truncate:clean)',
    text: 'Hi #scenario:truncate:clean',
    partial: 'Bonjour',
    code: 'upstream_error',
    status: 502,
    effect: struck(/ended before the answer was complete/),
  },
  {
    name: 'silence mid-answer beyond idle_timeout (stall:8000)',
    text: 'Hi #scenario:stall:8000',
    partial: 'Bonjour!',
    code: 'upstream_timeout',
    status: 502,
    effect: struck(/sent nothing for 5s \(mid-answer\)/),
    lostWithConnection: true,
  },
];

test.describe('REST: a failure after output has started is not retried', () => {
  test.beforeEach(() => setup(TIMEOUTS));

  for (const c of CUT) {
    test(`${c.name} (stream) → partial answer, then a ${c.code} error frame and [DONE]`, async () => {
      expectCut(await rawStream(c.text), c.partial, c.code);
      const [only, ...more] = accountsOf(await fake.conversations());
      expect(more).toEqual([]);
      await expectAccounts({ [only.id]: c.effect });
      await expectLog({ status: c.status, reason: c.code, attempts: 1, tokenId: only.id, stream: true });
    });

    test(`${c.name} (non-stream) → ${c.status} ${c.code}`, async () => {
      const err = await apiError(key.client.chat.completions.create(ask(c.text)));
      expect(err.status).toBe(c.status);
      expect(err.code).toBe(c.code);
      const [first, ...more] = accountsOf(await fake.conversations());
      expect(more.length).toBeLessThanOrEqual(c.lostWithConnection ? 1 : 0);
      await expectAccounts({ [first.id]: c.effect });
      const last = more[0] ?? first;
      await expectLog({ status: c.status, reason: c.code, attempts: 1 + more.length, tokenId: last.id, stream: false });
    });
  }
});

interface FramingCase {
  name: string;
  text: string;
  answer: string;
  modes: ('stream' | 'non-stream')[];
  /** The quality guard's verdict on the serving account, when it has one. */
  guard?: string;
}

/** Bodies that look odd but carry a whole answer: served as-is, nobody blamed. */
const FRAMINGS: FramingCase[] = [
  { name: 'SSE-framed upstream body (data: …, data: [DONE])', text: 'Hi #scenario:sse', answer: PLAIN_TEXT, modes: ['stream', 'non-stream'] },
  { name: 'JSON objects concatenated with no separator', text: 'Hi #scenario:concat', answer: PLAIN_TEXT, modes: ['stream', 'non-stream'] },
  {
    name: 'garbage, blank and CRLF lines, reads cut inside lines and UTF-8 characters',
    text: 'Hi #scenario:split',
    answer: '你好，世界！Hello',
    modes: ['stream', 'non-stream'],
  },
  { name: 'slow drip: 12 tokens 500 ms apart (longer in total than idle_timeout)', text: 'Count #scenario:long:12 #delay:500', answer: words(12), modes: ['stream'] },
  // Delivered whole; at network speed (#delay:0) the quality guard then quarantines the account as implausibly fast.
  { name: 'very long answer: 20 000 tokens', text: 'Count #scenario:long:20000 #delay:0', answer: words(20_000), modes: ['stream', 'non-stream'], guard: 'degraded_implausible_speed' },
  { name: 'empty answer: no token, empty modelResponse, soft stop', text: 'Say nothing #scenario:long:0', answer: '', modes: ['stream', 'non-stream'] },
];

test.describe('REST: odd framings and sizes are answered whole', () => {
  test.beforeEach(() => setup(TIMEOUTS));

  for (const c of FRAMINGS) {
    for (const mode of c.modes) {
      test(`${c.name} (${mode})`, async () => {
        if (mode === 'stream') expectWhole(await rawStream(c.text), c.answer);
        else {
          const res = await key.client.chat.completions.create(ask(c.text));
          expect(res.choices[0].message.content ?? '').toBe(c.answer);
          expect(res.choices[0].finish_reason).toBe('stop');
        }
        const [only, ...more] = accountsOf(await fake.conversations());
        expect(more).toEqual([]);
        if (c.guard) await expect.poll(async () => (await gateway.token(only.id)).status, { timeout: 5_000 }).toBe('quarantined');
        await expectAccounts(c.guard ? { [only.id]: { is: 'quarantined', reason: c.guard } } : {});
        await expectLog({ status: 200, reason: 'ok', attempts: 1, tokenId: only.id, stream: mode === 'stream' });
      });
    }
  }
});

test.describe('REST: every attempt fails', () => {
  test.beforeEach(() => setup(TIMEOUTS));

  test('401 on both accounts → 502 upstream_auth_failed; both invalid', async () => {
    await fake.inject([{ kind: 'unauthorized' }, { kind: 'unauthorized' }, { kind: 'unauthorized' }]);
    const err = await apiError(key.client.chat.completions.create(ask(HELLO)));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_auth_failed');
    const tried = accountsOf(await fake.conversations());
    expect(new Set(tried.map((t) => t.id)).size).toBe(2);
    expect(tried).toHaveLength(2);
    await expectAccounts(Object.fromEntries(pool.map((t) => [t.id, invalid(/401/)])));
    await expectLog({ status: 502, reason: 'upstream_auth_failed', attempts: 2 });
  });

  test('403 blocked on both accounts (stream) → HTTP 502 upstream_auth_failed before any SSE; both invalid', async () => {
    await fake.inject([{ kind: 'blocked' }, { kind: 'blocked' }]);
    const res = await rawChat(key.key, ask(HELLO, { stream: true }));
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as any).error.code).toBe('upstream_auth_failed');
    expect(await fake.conversations()).toHaveLength(2);
    await expectAccounts(Object.fromEntries(pool.map((t) => [t.id, invalid(/blocked-user/)])));
    await expectLog({ status: 502, reason: 'upstream_auth_failed', stream: true });
  });

  test('429 with Retry-After on both accounts → 429 upstream_rate_limited with that Retry-After; both cool', async () => {
    await fake.inject([
      { kind: 'rate-limit', retryAfter: 120 },
      { kind: 'rate-limit', retryAfter: 120 },
    ]);
    const err = await apiError(key.client.chat.completions.create(ask(HELLO)));
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_rate_limited');
    expect(err.headers!.get('retry-after')).toBe('120');
    expect(await fake.conversations()).toHaveLength(2);
    await expectAccounts(Object.fromEntries(pool.map((t) => [t.id, cooling(120, /429/)])));
    await expectLog({ status: 429, reason: 'upstream_rate_limited' });
  });

  test('429 without Retry-After on the only account → 429 upstream_rate_limited with a Retry-After; it cools for the default', async () => {
    pool = await gateway.resetPool(1);
    await fake.inject([{ kind: 'rate-limit' }]);
    const err = await apiError(key.client.chat.completions.create(ask(HELLO)));
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_rate_limited');
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);
    await expectAccounts({ [pool[0].id]: cooling(RATE_LIMIT_COOLDOWN_S, /429/) });
    await expectLog({ status: 429, reason: 'upstream_rate_limited', tokenId: pool[0].id });
    // The next request does not reach upstream: 429 all_tokens_cooling, Retry-After = the account's cooldown.
    const next = await apiError(key.client.chat.completions.create(ask(HELLO)));
    expect(next.status).toBe(429);
    expect(next.code).toBe('all_tokens_cooling');
    expect(Number(next.headers!.get('retry-after'))).toBeGreaterThan(RATE_LIMIT_COOLDOWN_S - 60);
    expect(await fake.conversations()).toHaveLength(1);
  });

  // When the pool runs out of accounts, the log row counts only the attempts that reached an account.
  for (const c of [
    { name: '401 on both of two accounts', accounts: 2, failures: [{ kind: 'unauthorized' }, { kind: 'unauthorized' }], code: 'upstream_auth_failed', upstream: 2 },
    { name: '429 on the only account', accounts: 1, failures: [{ kind: 'rate-limit' }], code: 'upstream_rate_limited', upstream: 1 },
  ]) {
    test(`log attempts when the pool runs out: ${c.name} → attempts = ${c.upstream} (the upstream calls made)`, async () => {
      pool = await gateway.resetPool(c.accounts);
      await fake.inject(c.failures);
      const err = await apiError(key.client.chat.completions.create(ask(HELLO)));
      expect(err.code).toBe(c.code);
      expect(await fake.conversations()).toHaveLength(c.upstream);
      await expectLog({ status: err.status!, reason: c.code, attempts: c.upstream });
    });
  }

  test('Cloudflare challenge on both accounts (stream) → HTTP 503 upstream_challenge, never 403; nobody blamed', async () => {
    await fake.inject([{ kind: 'cf-challenge' }, { kind: 'cf-challenge' }, { kind: 'cf-challenge' }]);
    const res = await rawChat(key.key, ask(HELLO, { stream: true }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe('upstream_challenge');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await fake.conversations()).toHaveLength(2);
    await expectAccounts({});
    await expectLog({ status: 503, reason: 'upstream_challenge', attempts: 2, stream: true });
  });

  test('anti-bot 403 on both accounts → 503 upstream_challenge; nobody blamed', async () => {
    await fake.inject([{ kind: 'anti-bot-403' }, { kind: 'anti-bot-403' }, { kind: 'anti-bot-403' }]);
    const err = await apiError(key.client.chat.completions.create(ask(HELLO)));
    expect(err.status).toBe(503);
    expect(err.code).toBe('upstream_challenge');
    expect(await fake.conversations()).toHaveLength(2);
    await expectAccounts({});
    await expectLog({ status: 503, reason: 'upstream_challenge', attempts: 2 });
  });

  test('503 on every attempt (fail:503) → 502 upstream_error after two attempts; one strike, on the first account only', async () => {
    const err = await apiError(key.client.chat.completions.create(ask('Hi #scenario:fail:503')));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_error');
    const [first, second, ...more] = accountsOf(await fake.conversations());
    expect(more).toEqual([]);
    expect(second.id).not.toBe(first.id);
    await expectAccounts({ [first.id]: struck(/503/) });
    await expectLog({ status: 502, reason: 'upstream_error', attempts: 2, tokenId: second.id });
  });

  test('the connection dropped on every attempt → 502 upstream_error once the retry budget (max_retries 2) is spent; nobody blamed', async () => {
    pool = await gateway.resetPool(4);
    await fake.inject([{ kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' }]);
    const err = await apiError(key.client.chat.completions.create(ask(HELLO)));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_error');
    expect(err.message).toMatch(/connection/i);
    // Unlike a failure the request could have caused, a failed connection does not stop after the second account.
    const tried = accountsOf(await fake.conversations());
    expect(tried).toHaveLength(3);
    expect(new Set(tried.map((t) => t.id)).size).toBe(3);
    await expectAccounts({});
    await expectLog({ status: 502, reason: 'upstream_error', attempts: 3 });
  });

  test('silence before the first frame on every attempt (stream) → upstream_timeout error frame, no content; one strike', async () => {
    const got = await rawStream('Hi #scenario:stall-before:8000');
    expectCut(got, '', 'upstream_timeout');
    const [first, second, ...more] = accountsOf(await fake.conversations());
    expect(more).toEqual([]);
    expect(second.id).not.toBe(first.id);
    await expectAccounts({ [first.id]: struck(/waiting for the first frame/) });
    await expectLog({ status: 502, reason: 'upstream_timeout', attempts: 2, tokenId: second.id, stream: true });
  });

  test('content moderation (non-stream) → 400 content_policy_violation at once; nobody blamed', async () => {
    const err = await apiError(key.client.chat.completions.create(ask('Something rude #scenario:moderated')));
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_policy_violation');
    const [only, ...more] = accountsOf(await fake.conversations());
    expect(more).toEqual([]);
    await expectAccounts({});
    await expectLog({ status: 400, reason: 'content_policy_violation', attempts: 1, tokenId: only.id });
  });

  test('content moderation (stream) → a content_policy_violation error frame, no content; not retried, nobody blamed', async () => {
    const got = await rawStream('Something rude #scenario:moderated');
    expectCut(got, '', 'content_policy_violation');
    expect(await fake.conversations()).toHaveLength(1);
    await expectAccounts({});
    await expectLog({ status: 400, reason: 'content_policy_violation', attempts: 1, stream: true });
  });

  test('a 400 from upstream (our request rejected) → 502 upstream_error at once; nobody blamed', async () => {
    const err = await apiError(key.client.chat.completions.create(ask('Hi #scenario:fail:400')));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_error');
    expect(await fake.conversations()).toHaveLength(1);
    await expectAccounts({});
    await expectLog({ status: 502, reason: 'upstream_error', attempts: 1 });
  });
});

// =================================================================================================
// Profile C: chat over the chat-gateway WebSocket
// =================================================================================================

test.describe('profile C (chat-gateway WebSocket)', () => {
  test.beforeEach(() => setup(PROFILE_C));

  const retriedWs: { name: string; failure: Record<string, unknown>; effect: Effect }[] = [
    { name: 'upgrade answered 401', failure: { endpoint: 'mgw', kind: 'unauthorized' }, effect: invalid(/401/) },
    { name: 'upgrade answered 429 with Retry-After: 90', failure: { endpoint: 'mgw', kind: 'rate-limit', retryAfter: 90 }, effect: cooling(90, /429/) },
    { name: 'upgrade answered with a Cloudflare challenge', failure: { endpoint: 'mgw', kind: 'cf-challenge' }, effect: HEALTHY },
    { name: 'upgrade connection dropped (no answer)', failure: { endpoint: 'mgw', kind: 'drop' }, effect: HEALTHY },
    {
      name: 'no event within first_frame_timeout (stall-before)',
      failure: { endpoint: 'mgw', kind: 'scenario', name: 'stall-before', arg: 8000 },
      effect: struck(/sent nothing for 5s/),
    },
    { name: 'in-band error code 13', failure: { endpoint: 'mgw', kind: 'scenario', name: 'inband-error', arg: 13 }, effect: HEALTHY },
  ];

  for (const c of retriedWs) {
    test(`${c.name} (stream) → answered by the other account; the first: ${c.effect.is}`, async () => {
      await fake.inject([c.failure]);
      expectWhole(await rawStream(HELLO), PLAIN_TEXT);
      const sessions = await fake.mgw();
      expect(sessions).toHaveLength(2);
      expect(sessions[0].injected).toEqual(c.failure);
      const [first, second] = accountsOf(sessions);
      expect(first.id).not.toBe(second.id);
      await expectAccounts({ [first.id]: c.effect });
      await expectLog({ status: 200, reason: 'ok', attempts: 2, tokenId: second.id, stream: true });
    });
  }

  const cutWs: { name: string; text: string; partial: string; code: string; effect: Effect }[] = [
    { name: 'TCP connection dropped after 3 chunks (ws-drop)', text: 'Hi #scenario:ws-drop', partial: 'Bonjour! That', code: 'upstream_error', effect: struck(/closed before the answer was complete/) },
    {
      name: 'session.ended + close 1000 after 3 chunks',
      text: 'Hi #scenario:ws-session-ended',
      partial: 'Bonjour! That',
      code: 'upstream_error',
      effect: struck(/ended the session before the answer was complete/),
    },
    { name: 'silence mid-answer beyond idle_timeout (stall:8000)', text: 'Hi #scenario:stall:8000', partial: 'Bonjour!', code: 'upstream_timeout', effect: struck(/mid-answer/) },
  ];

  for (const c of cutWs) {
    test(`${c.name} (stream) → partial answer, then a ${c.code} error frame; not retried`, async () => {
      expectCut(await rawStream(c.text), c.partial, c.code);
      const [only, ...more] = accountsOf(await fake.mgw());
      expect(more).toEqual([]);
      await expectAccounts({ [only.id]: c.effect });
      await expectLog({ status: 502, reason: c.code, attempts: 1, tokenId: only.id, stream: true });
    });
  }

  test('TCP connection dropped mid-answer (non-stream) → 502 upstream_error; one strike', async () => {
    const err = await apiError(key.client.chat.completions.create(ask('Hi #scenario:ws-drop')));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_error');
    const [only, ...more] = accountsOf(await fake.mgw());
    expect(more).toEqual([]);
    await expectAccounts({ [only.id]: struck(/closed before the answer was complete/) });
    await expectLog({ status: 502, reason: 'upstream_error', attempts: 1, tokenId: only.id, stream: false });
  });

  test('content moderation on the WebSocket (non-stream) → 400 content_policy_violation; nobody blamed', async () => {
    const err = await apiError(key.client.chat.completions.create(ask('Something rude #scenario:moderated')));
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_policy_violation');
    expect(await fake.mgw()).toHaveLength(1);
    await expectAccounts({});
    await expectLog({ status: 400, reason: 'content_policy_violation', attempts: 1 });
  });
});

// =================================================================================================
// Imagine WebSocket (images API, image_generation_method imagine_ws)
// =================================================================================================

const imagineUrl = (id: string) => `${FAKE}/imagine-public/images/${id}.jpg`;

test.describe('Imagine WebSocket', () => {
  test.beforeEach(() => setup(IMAGINE));

  test('dropped mid-image after one whole image (ws-drop:1, n=2) → the whole image plus one legacy image; nobody blamed', async () => {
    const res = await key.client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:ws-drop:1`, n: 2 });
    expect(res.data).toHaveLength(2);
    const sessions = await fake.imagine();
    expect(sessions).toHaveLength(1);
    const [whole] = sessions[0].rounds![0].imageIds;
    const targets = res.data!.map((d) => parseMediaLink(d.url!).target);
    expect(targets[0]).toBe(imagineUrl(whole));
    expect(FIXTURE_IMAGES).toContain(targets[1]);
    await expectAccounts({});
    await expectLog({ status: 200, reason: 'ok' });
  });

  test('dropped mid-image after one whole image (stream, n=2) → two completed events, no error event', async () => {
    const res = await rawPost('/v1/images/generations', key.key, { model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:ws-drop:1`, n: 2, stream: true });
    expect(res.status).toBe(200);
    const events = parseSseEvents(await res.text());
    expect(events.filter((e) => e.event === 'error' || e.json?.error)).toEqual([]);
    const completed = events.filter((e) => e.event === 'image_generation.completed');
    expect(completed.map((e) => e.json.index).sort()).toEqual([0, 1]);
    const [whole] = (await fake.imagine())[0].rounds![0].imageIds;
    expect(completed.map((e) => parseMediaLink(e.json.url).target)).toContain(imagineUrl(whole));
    await expectAccounts({});
    await expectLog({ status: 200, reason: 'ok' });
  });

  // A round that already reported progress (start_stage, preview) is not retried on another account's
  // WebSocket: the request falls back to the legacy method instead.
  for (const c of [
    { name: 'dropped mid-image before any whole image (ws-drop:0)', prompt: `${PROMPT} #scenario:ws-drop:0`, reason: /Imagine WebSocket closed before any image was final/ },
    { name: 'silence after start_stage beyond idle_timeout (ws-stall:8000)', prompt: `${PROMPT} #scenario:ws-stall:8000`, reason: /sent nothing for 5s \(Imagine WebSocket\)/ },
  ]) {
    test(`${c.name} → the legacy method serves; the Imagine account: struck`, async () => {
      const res = await key.client.images.generate({ model: 'grok-imagine-1.0', prompt: c.prompt, n: 1 });
      expect(res.data).toHaveLength(1);
      expect(FIXTURE_IMAGES).toContain(parseMediaLink(res.data![0].url!).target);
      const [ws, ...more] = accountsOf(await fake.imagine());
      expect(more).toEqual([]);
      const [legacy, ...moreLegacy] = accountsOf(await fake.conversations());
      expect(moreLegacy).toEqual([]);
      // The strike stays with the Imagine account, unless the legacy round then succeeded on it (a success resets it).
      if (legacy.id === ws.id) await expect.poll(async () => (await gateway.token(ws.id)).failedCount, { timeout: 5_000 }).toBe(0);
      await expectAccounts({ [ws.id]: legacy.id === ws.id ? { is: 'recovered', reason: c.reason } : struck(c.reason) });
      await expectLog({ status: 200, reason: 'ok' });
    });
  }

  const retriedImagine: { name: string; failure: Record<string, unknown>; effect: Effect }[] = [
    { name: 'upgrade answered 401', failure: { endpoint: 'imagine', kind: 'unauthorized' }, effect: invalid(/401/) },
    { name: 'upgrade connection dropped (no answer)', failure: { endpoint: 'imagine', kind: 'drop' }, effect: HEALTHY },
    { name: 'rate-limit error frame (ws-error)', failure: { endpoint: 'imagine', kind: 'scenario', name: 'ws-error' }, effect: cooling(RATE_LIMIT_COOLDOWN_S, /Too many requests/) },
  ];

  for (const c of retriedImagine) {
    test(`${c.name} → the other account's Imagine round serves; the first: ${c.effect.is}`, async () => {
      await fake.inject([c.failure]);
      const res = await key.client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 1 });
      expect(res.data).toHaveLength(1);
      const sessions = await fake.imagine();
      expect(sessions).toHaveLength(2);
      expect(sessions[0].injected).toEqual(c.failure);
      const [first, second] = accountsOf(sessions);
      expect(first.id).not.toBe(second.id);
      expect(parseMediaLink(res.data![0].url!).target).toBe(imagineUrl(sessions[1].rounds![0].imageIds[0]));
      expect(await fake.conversations()).toEqual([]);
      await expectAccounts({ [first.id]: c.effect });
      await expectLog({ status: 200, reason: 'ok' });
    });
  }

  test('every image moderated → 400 content_policy_violation; one round, no fallback, nobody blamed', async () => {
    const err = await apiError(key.client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:ws-moderated`, n: 2 }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_policy_violation');
    expect(await fake.imagine()).toHaveLength(1);
    expect(await fake.conversations()).toEqual([]);
    await expectAccounts({});
    await expectLog({ status: 400, reason: 'content_policy_violation' });
  });
});

// The SDK view of a cut stream, once: deltas first, then the error raised as an APIError.
test.describe('SDK view', () => {
  test.beforeEach(() => setup(TIMEOUTS));

  test('a stream cut by a dropped connection: the SDK yields the deltas, then throws APIError upstream_error', async () => {
    const got = await collect(await key.client.chat.completions.create({ ...ask('Hi #scenario:truncate'), stream: true }));
    expect(got.content).toBe('Bonjour');
    expect(got.error).toBeInstanceOf(APIError);
    expect((got.error as APIError).code).toBe('upstream_error');
    expect(await fake.calls(CONVERSATION_PATH)).toHaveLength(1);
    await expectLog({ status: 502, reason: 'upstream_error', attempts: 1, stream: true });
  });
});
