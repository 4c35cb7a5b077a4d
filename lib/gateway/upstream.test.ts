/**
 * The upstream runner over a real D1 pool and a scripted transport: which account serves after which
 * failure, what each failure leaves on the accounts' rows, and how the event stream retries, ends and stops.
 * The picker is random, so a test reads which account came first from the transport's calls.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { TEST_SECRET, testPlatform, tokenRow } from '@/lib/test/fixtures';
import { accountLeases, tokens } from '@/lib/db/schema';
import { encryptSecret } from '@/lib/crypto';
import { buildCatalog, DEFAULT_MODELS } from '@/lib/catalog/models';
import { DEFAULT_SETTINGS, type Settings } from '@/lib/settings/schema';
import { classifyHttpFailure, classifyInBandError, networkFailure, truncatedFailure, type UpstreamFailure } from '@/lib/grok/errors';
import type { Opened } from '@/lib/grok/client';
import type { EventBatches } from '@/lib/grok/batches';
import type { GrokEvent } from '@/lib/grok/events';
import { GatewayError } from '@/lib/errors';
import type { GatewayContext } from './context';
import { createUpstreamRunner, type Transport } from './upstream';

const NOW = Date.UTC(2026, 11, 1, 12);
const GROK_4 = DEFAULT_MODELS.find((m) => m.id === 'grok-4')!;
const t = useTestDb(tokens, accountLeases);

/** Accounts whose sso value is `sso-<id>`, sealed the way the import stores it. */
async function addAccounts(...ids: string[]) {
  for (const id of ids) await t.db.insert(tokens).values(tokenRow(id, { tokenEnc: await encryptSecret(TEST_SECRET, `sso-${id}`), createdAt: NOW }));
}

// No quality guard and no quota sync: neither is under test, and both would add background writes.
function context(overrides: Partial<Settings> = {}) {
  const { platform, settle } = testPlatform(t.d1);
  const settings: Settings = { ...DEFAULT_SETTINGS, quality_guard: false, quota_sync_interval_seconds: 0, account_busy_wait_seconds: 0, ...overrides };
  const ctx: GatewayContext = {
    platform,
    db: t.db,
    settings,
    catalog: buildCatalog([]),
    grok: { fetch: platform.fetch, baseUrl: 'https://grok.test', headers: { settings } },
    secret: TEST_SECRET,
    now: () => NOW,
  };
  return { ctx, settle };
}

/** An upstream stream of `batches` that records how far it was read and whether it was closed. */
function stream(...batches: GrokEvent[][]) {
  const seen = { pulled: 0, returned: false };
  const value: EventBatches = {
    [Symbol.asyncIterator]: () => ({
      next: async () => (seen.pulled < batches.length ? { value: batches[seen.pulled++], done: false } : { value: undefined, done: true }),
      return: async () => {
        seen.returned = true;
        return { value: undefined, done: true };
      },
    }),
  };
  return { opened: { ok: true, value } as Opened<EventBatches>, seen };
}
const failed = (failure: UpstreamFailure): Opened<EventBatches> => ({ ok: false, failure });

/** A transport answering its n-th call with `answers[n]` (the last one again after that). */
function scripted(...answers: Opened<EventBatches>[]) {
  const calls: { tokenId: string; raw: string }[] = [];
  const transport: Transport = async ({ token, raw }) => {
    calls.push({ tokenId: token.id, raw });
    return answers[Math.min(calls.length, answers.length) - 1];
  };
  return { transport, calls };
}

/**
 * Opens a runner over a transport scripted with `answers` and reads its stream to the end: the batches the
 * consumer got and the error that ended it (from open() or from the stream), once background work settled.
 */
async function serve(settings: Partial<Settings>, ...answers: Opened<EventBatches>[]) {
  const { ctx, settle } = context(settings);
  const up = scripted(...answers);
  const runner = createUpstreamRunner(ctx, { model: GROK_4, transport: up.transport });
  const out: GrokEvent[][] = [];
  let error: GatewayError | undefined;
  try {
    for await (const batch of runner.batches(await runner.open())) out.push(batch);
  } catch (e) {
    error = e as GatewayError;
  }
  await settle();
  return { runner, calls: up.calls, tried: up.calls.map((c) => c.tokenId), out, error };
}

const row = async (id: string) => (await t.db.select().from(tokens).where(eq(tokens.id, id)))[0];
/** The columns a failure may change. */
const health = async (id: string) => {
  const r = await row(id);
  return { status: r.status, cooldownUntil: r.cooldownUntil, failedCount: r.failedCount, recentFailures: r.recentFailures, lastFailureReason: r.lastFailureReason };
};
const UNTOUCHED = { status: 'active', cooldownUntil: null, failedCount: 0, recentFailures: 0, lastFailureReason: null };
const leases = async () => (await t.db.select().from(accountLeases)).length;

const text = (s: string): GrokEvent => ({ type: 'text', text: s });
const DONE: GrokEvent = { type: 'done' };
const RATE_LIMITED = classifyHttpFailure(429, new Headers({ 'retry-after': '120' }), '{"error":{"message":"Too many requests"}}');

describe('createUpstreamRunner: open()', () => {
  it('an account sealed under another SECRET_KEY: a clear internal error naming it, its slot freed, nothing charged', async () => {
    await t.db.insert(tokens).values(tokenRow('x', { tokenEnc: await encryptSecret('another-secret-0123456789', 'sso-x'), createdAt: NOW }));
    const { calls, error } = await serve({}, stream([text('hi'), DONE]).opened);
    expect(calls).toEqual([]);
    expect(error).toBeInstanceOf(GatewayError);
    expect([error!.status, error!.code]).toEqual([500, 'internal_error']);
    expect(error!.message).toContain('cannot be decrypted with this SECRET_KEY');
    expect(await leases()).toBe(0);
    expect(await health('x')).toEqual(UNTOUCHED);
  });

  it('hands the transport the account and its decrypted sso value', async () => {
    await addAccounts('a');
    const { calls } = await serve({}, stream([text('hi'), DONE]).opened);
    expect(calls).toEqual([{ tokenId: 'a', raw: 'sso-a' }]);
  });

  it('a 429 on the first account: the second serves, the first cools for its Retry-After and the second is untouched', async () => {
    await addAccounts('a', 'b');
    const { runner, tried, out, error } = await serve({}, failed(RATE_LIMITED), stream([text('hi'), DONE]).opened);
    const [first, second] = tried;
    expect(error).toBeUndefined();
    expect(out).toEqual([[text('hi'), DONE]]);
    expect(new Set(tried)).toEqual(new Set(['a', 'b']));
    expect([runner.attempts, runner.token?.id]).toEqual([2, second]);
    // `cool`: at once, for Retry-After; the bucket is known to be empty.
    expect(await health(first)).toEqual({ ...UNTOUCHED, cooldownUntil: NOW + 120_000, lastFailureReason: 'upstream 429: Too many requests' });
    expect((await row(first)).remainingQueries).toBe(0);
    expect(await health(second)).toEqual(UNTOUCHED);
    expect(await leases()).toBe(0);
  });

  it('a non-retryable failure: a GatewayError after one attempt, the account not charged and its slot freed', async () => {
    await addAccounts('a', 'b');
    const { runner, calls, error } = await serve({}, failed(classifyHttpFailure(400, new Headers(), '{"error":{"message":"bad field"}}')));
    expect(error).toBeInstanceOf(GatewayError);
    expect([error!.status, error!.code, error!.message]).toEqual([502, 'upstream_error', 'upstream 400: bad field']);
    expect([runner.attempts, calls.length]).toEqual([1, 1]);
    expect([await health('a'), await health('b')]).toEqual([UNTOUCHED, UNTOUCHED]);
    expect(await leases()).toBe(0);
  });

  it('every account failing: 1 + max_retries attempts, each on another account, then the last failure', async () => {
    await addAccounts('a', 'b', 'c', 'd');
    const { runner, tried, error } = await serve({ max_retries: 2 }, failed(classifyHttpFailure(401, new Headers(), '{"error":{"message":"invalid-credentials"}}')));
    expect([error!.status, error!.code]).toEqual([502, 'upstream_auth_failed']);
    expect(runner.attempts).toBe(3);
    expect(new Set(tried).size).toBe(3);
    // `invalidate`: every account tried is dead at once; the one never tried keeps its state.
    for (const id of tried) expect(await health(id), id).toEqual({ ...UNTOUCHED, status: 'invalid', failedCount: 1, lastFailureReason: 'upstream 401: invalid-credentials' });
    const spared = ['a', 'b', 'c', 'd'].find((id) => !tried.includes(id))!;
    expect(await health(spared)).toEqual(UNTOUCHED);
  });

  it('the same 503 on a second account ends the retries, and only the first account takes the strike', async () => {
    await addAccounts('a', 'b', 'c');
    const { runner, tried, error } = await serve({ max_retries: 2 }, failed(classifyHttpFailure(503, new Headers(), '{"error":{"message":"overloaded"}}')));
    expect([error!.status, error!.message]).toEqual([502, 'upstream 503: overloaded']);
    expect(runner.attempts).toBe(2);
    const [first, second] = tried;
    // One strike of the allowed three per minute: counted, not cooling.
    expect(await health(first)).toEqual({ ...UNTOUCHED, failedCount: 1, recentFailures: 1, lastFailureReason: 'upstream 503: overloaded' });
    expect(await health(second)).toEqual(UNTOUCHED);
  });

  it('a failed connection is charged to nobody and does not stop the retries', async () => {
    await addAccounts('a', 'b', 'c');
    const lost = failed(networkFailure(new Error('Network connection lost.')));
    const { runner, tried, out } = await serve({ max_retries: 2 }, lost, lost, stream([text('hi'), DONE]).opened);
    expect(out).toEqual([[text('hi'), DONE]]);
    expect([runner.attempts, runner.token?.id]).toEqual([3, tried[2]]);
    expect(new Set(tried).size).toBe(3);
    for (const id of ['a', 'b', 'c']) expect(await health(id), id).toEqual(UNTOUCHED);
  });
});

describe('createUpstreamRunner: batches()', () => {
  it('an in-band error before anything visible: retried on another account in the same stream, which alone is seen', async () => {
    await addAccounts('a', 'b');
    const broken = stream([{ type: 'error', failure: classifyInBandError({ code: 8, message: 'Too many requests' }) }], [text('never read')]);
    const { runner, tried, out, error } = await serve({}, broken.opened, stream([text('from the second')], [DONE]).opened);
    const [first, second] = tried;
    expect(error).toBeUndefined();
    expect(out).toEqual([[text('from the second')], [DONE]]);
    expect(broken.seen).toEqual({ pulled: 1, returned: true });
    expect([runner.attempts, runner.token?.id]).toEqual([2, second]);
    // In-band code 8 is the account's limit; without a wait time it cools for rate_limit_cooldown_seconds.
    expect((await health(first)).cooldownUntil).toBe(NOW + DEFAULT_SETTINGS.rate_limit_cooldown_seconds * 1000);
    expect(await health(second)).toEqual(UNTOUCHED);
  });

  it('an in-band error after visible text: the stream throws after the events before it, with no retry', async () => {
    await addAccounts('a', 'b');
    const cut = stream([text('Hel')], [text('lo'), { type: 'error', failure: truncatedFailure() }, text('dropped')]);
    const { runner, tried, out, error } = await serve({}, cut.opened, stream([DONE]).opened);
    expect(out).toEqual([[text('Hel')], [text('lo')]]);
    expect(error).toBeInstanceOf(GatewayError);
    expect([error!.code, error!.message]).toEqual(['upstream_error', 'upstream stream ended before the answer was complete']);
    expect([runner.attempts, tried.length]).toEqual([1, 1]);
    expect((await health(tried[0])).failedCount).toBe(1);
    expect(cut.seen.returned).toBe(true);
    expect(await leases()).toBe(0);
  });

  it('a batch without an error is passed on as the same array', async () => {
    await addAccounts('a');
    const batch = [text('hi'), DONE];
    const { out } = await serve({}, stream(batch).opened);
    expect(out[0]).toBe(batch);
  });

  it('a consumer that stops early closes the upstream stream and frees the account', async () => {
    await addAccounts('a');
    const { ctx, settle } = context();
    const upstream = stream([text('one')], [text('two')], [DONE]);
    const runner = createUpstreamRunner(ctx, { model: GROK_4, transport: scripted(upstream.opened).transport });
    const held: number[] = [];
    for await (const batch of runner.batches(await runner.open())) {
      expect(batch).toEqual([text('one')]);
      held.push(await leases());
      break;
    }
    await settle();
    expect(held).toEqual([1]);
    expect(upstream.seen).toEqual({ pulled: 1, returned: true });
    expect(await leases()).toBe(0);
  });
});
