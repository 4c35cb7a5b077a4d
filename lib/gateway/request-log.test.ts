import { describe, expect, it, vi } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { flakyD1 } from '@/lib/test/fixtures';
import { getDb } from '@/lib/db/client';
import { requestLogs } from '@/lib/db/schema';
import { GatewayError } from '@/lib/errors';
import { createRequestLog } from './request-log';

const MIN = 60_000;
const T0 = Math.floor(1_800_000_000_000 / MIN) * MIN;
const t = useTestDb(requestLogs);

function harness(db = t.db, start = T0) {
  const clock = { now: start };
  const pending: Promise<unknown>[] = [];
  const log = createRequestLog({ db, waitUntil: (p) => void pending.push(p), now: () => clock.now }, { endpoint: '/v1/chat/completions' });
  return { log, clock, settle: () => Promise.all(pending.splice(0)) };
}
const rows = () => t.db.select().from(requestLogs);

describe('createRequestLog', () => {
  it('one row when the request ends: fields set along the way, duration from the start, ttft from the first byte only', async () => {
    const { log, clock, settle } = harness();
    log.set({ keyId: 'k1', keyName: 'one', model: 'grok-4', stream: true });
    clock.now = T0 + 120;
    log.firstByte();
    clock.now = T0 + 300;
    log.firstByte();
    log.set({ tokenId: 'tok', attempts: 2 });
    clock.now = T0 + 950;
    log.finish(200, 'ok', { completionTokens: 42, attempts: 3 });
    await settle();
    expect(await rows()).toEqual([
      expect.objectContaining({
        endpoint: '/v1/chat/completions',
        createdAt: T0,
        durationMs: 950,
        ttftMs: 120,
        status: 200,
        reason: 'ok',
        keyId: 'k1',
        model: 'grok-4',
        stream: true,
        tokenId: 'tok',
        attempts: 3,
        completionTokens: 42,
        error: null,
      }),
    ]);
  });

  it('only the first ending is written: a later finish or fail is ignored', async () => {
    const { log, settle } = harness();
    log.finish(499, 'client_closed');
    log.finish(200, 'ok');
    log.fail(new GatewayError('upstream_error', 'late'));
    await settle();
    expect((await rows()).map((r) => [r.status, r.reason])).toEqual([[499, 'client_closed']]);
  });

  it('a failure is logged with its status, code and message (capped), without a ttft when nothing was sent', async () => {
    const { log, settle } = harness();
    log.set({ keyId: 'k1', model: 'grok-4' });
    log.fail(new GatewayError('key_limit', 'x'.repeat(800), { code: 'rpm_exceeded' }), { attempts: 0 });
    await settle();
    const [row] = await rows();
    expect([row.status, row.reason, row.error?.length, row.ttftMs, row.model]).toEqual([429, 'rpm_exceeded', 500, null, 'grok-4']);
  });

  it('an unexpected exception is logged as a 500 without its message', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { log, settle } = harness();
    log.fail(new Error('secret stack detail'));
    await settle();
    quiet.mockRestore();
    const [row] = await rows();
    expect([row.status, row.reason, row.error]).toEqual([500, 'internal_error', 'Internal server error']);
  });

  it('requests without a valid key: a sample per minute, never the model they named', async () => {
    const start = T0 + 10 * MIN;
    const refused = async (at: number) => {
      const { log, settle } = harness(t.db, at);
      log.set({ model: 'attacker-chosen-text' });
      log.fail(new GatewayError('invalid_api_key', 'Invalid API key'));
      await settle();
    };
    for (let i = 0; i < 25; i++) await refused(start + i);
    const firstMinute = await rows();
    expect(firstMinute.length).toBe(10);
    expect(firstMinute.every((r) => r.model === null && r.status === 401)).toBe(true);
    await refused(start + MIN);
    expect((await rows()).length).toBe(11);
  });

  it('a 401 of a known key (e.g. disabled) is always logged, model included', async () => {
    const at = T0 + 20 * MIN;
    for (let i = 0; i < 12; i++) {
      const { log, settle } = harness(t.db, at);
      log.set({ keyId: 'k1', model: 'grok-4' });
      log.fail(new GatewayError('invalid_api_key', 'This API key is disabled', { code: 'api_key_disabled' }));
      await settle();
    }
    const all = await rows();
    expect(all.length).toBe(12);
    expect(all.every((r) => r.model === 'grok-4' && r.reason === 'api_key_disabled')).toBe(true);
  });

  it('a transient D1 failure is retried once; a second failure gives up', async () => {
    const once = harness(getDb(flakyD1(t.d1, 1)));
    once.log.finish(200, 'ok');
    await once.settle();
    expect((await rows()).length).toBe(1);

    const twice = harness(getDb(flakyD1(t.d1, 2)));
    twice.log.finish(200, 'ok');
    await expect(twice.settle()).rejects.toThrow(/insert into "request_logs"/);
    expect((await rows()).length).toBe(1);
  });
});
