import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { logRow } from '@/lib/test/fixtures';
import { insertLog, listLogs, pruneLogs, statsSince } from './logs';
import { requestLogs } from './schema';

const HOUR = 3_600_000;
const T0 = Math.floor(1_800_000_000_000 / HOUR) * HOUR;
const t = useTestDb(requestLogs);

const page = { page: 1, pageSize: 50 };
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe('listLogs', () => {
  beforeEach(async () => {
    for (const r of [
      { id: 'a', createdAt: T0 + 1, status: 200, reason: 'ok', model: 'grok-4', keyId: 'k1' },
      { id: 'b', createdAt: T0 + 2, status: 429, reason: 'rate_limited', model: 'grok-4', keyId: 'k2' },
      { id: 'c', createdAt: T0 + 3, status: 399, reason: 'ok', model: 'grok-3', keyId: 'k1' },
      { id: 'd', createdAt: T0 + 4, status: 400, reason: 'invalid_request', model: 'grok-3', keyId: null },
      { id: 'e', createdAt: T0 + 5, status: 502, reason: 'upstream_error', model: 'grok-4', keyId: 'k1' },
    ]) {
      await insertLog(t.db, logRow(r));
    }
  });

  it('lists newest first, with the total of the whole filter', async () => {
    expect(await listLogs(t.db, page).then((r) => [ids(r.rows), r.total])).toEqual([['e', 'd', 'c', 'b', 'a'], 5]);
  });

  it('status ok is below 400, error is 400 and up', async () => {
    expect(ids((await listLogs(t.db, { ...page, status: 'ok' })).rows)).toEqual(['c', 'a']);
    expect(ids((await listLogs(t.db, { ...page, status: 'error' })).rows)).toEqual(['e', 'd', 'b']);
  });

  it('model, key and reason filters combine', async () => {
    expect(ids((await listLogs(t.db, { ...page, model: 'grok-4', keyId: 'k1' })).rows)).toEqual(['e', 'a']);
    expect(ids((await listLogs(t.db, { ...page, reason: 'ok', model: 'grok-3' })).rows)).toEqual(['c']);
    expect(await listLogs(t.db, { ...page, keyId: 'nobody' })).toEqual({ rows: [], total: 0 });
  });

  it('from and to are inclusive bounds', async () => {
    expect(ids((await listLogs(t.db, { ...page, from: T0 + 2, to: T0 + 4 })).rows)).toEqual(['d', 'c', 'b']);
    // 0 is a bound, not "unset".
    expect((await listLogs(t.db, { ...page, from: 0, to: 0 })).total).toBe(0);
  });

  it('pages by pageSize; a page past the end is empty but keeps the total', async () => {
    expect(ids((await listLogs(t.db, { page: 2, pageSize: 2 })).rows)).toEqual(['c', 'b']);
    expect(ids((await listLogs(t.db, { page: 3, pageSize: 2 })).rows)).toEqual(['a']);
    expect(await listLogs(t.db, { page: 4, pageSize: 2 })).toEqual({ rows: [], total: 5 });
  });
});

describe('statsSince', () => {
  it('an empty window: zero totals, no percentiles, empty series', async () => {
    expect(await statsSince(t.db, T0, HOUR)).toEqual({
      requests: 0,
      ok: 0,
      promptTokens: 0,
      completionTokens: 0,
      latency: { p50: null, p95: null },
      ttft: { p50: null, p95: null },
      series: [],
      byReason: [],
      byModel: [],
      byKey: [],
    });
  });

  it('latency percentiles are nearest-rank over successful requests only; ttft over those that have one', async () => {
    // Ten successes of 10..100 ms (ttft on the first four only), and slow errors that must not count.
    for (let i = 1; i <= 10; i++) await insertLog(t.db, logRow({ createdAt: T0 + i, durationMs: i * 10, ttftMs: i <= 4 ? i : null }));
    for (let i = 0; i < 5; i++) await insertLog(t.db, logRow({ createdAt: T0 + 20 + i, status: 502, reason: 'upstream_error', durationMs: 99_999, ttftMs: 99_999 }));
    const s = await statsSince(t.db, T0, HOUR);
    expect([s.requests, s.ok]).toEqual([15, 10]);
    expect(s.latency).toEqual({ p50: 50, p95: 100 });
    expect(s.ttft).toEqual({ p50: 2, p95: 4 });
  });

  it('counts only the window, and breaks down by reason, model and key', async () => {
    await insertLog(t.db, logRow({ createdAt: T0 - 1, keyId: 'k1', promptTokens: 1000 }));
    await insertLog(t.db, logRow({ createdAt: T0 + 10, keyId: 'k1', keyName: 'one', model: 'grok-4', promptTokens: 3, completionTokens: 5 }));
    await insertLog(t.db, logRow({ createdAt: T0 + 20, keyId: 'k1', keyName: 'one', model: 'grok-4', status: 429, reason: 'rate_limited', promptTokens: 7 }));
    await insertLog(t.db, logRow({ createdAt: T0 + HOUR + 5, keyId: 'k2', keyName: 'two', model: 'grok-3', completionTokens: 11 }));
    await insertLog(t.db, logRow({ createdAt: T0 + 2 * HOUR + 5, keyId: null, model: 'grok-4', status: 500, reason: 'internal_error' }));
    const s = await statsSince(t.db, T0, HOUR);
    expect({ requests: s.requests, ok: s.ok, promptTokens: s.promptTokens, completionTokens: s.completionTokens }).toEqual({ requests: 4, ok: 2, promptTokens: 10, completionTokens: 16 });
    expect(s.series.reduce((n, p) => n + p.requests, 0)).toBe(4);
    expect(s.series.reduce((n, p) => n + p.errors, 0)).toBe(2);
    expect(s.byReason[0]).toEqual({ reason: 'ok', n: 2 });
    expect(s.byReason.slice(1).map((r) => r.reason).sort()).toEqual(['internal_error', 'rate_limited']);
    expect(s.byModel).toEqual([
      { model: 'grok-4', n: 3, errors: 2 },
      { model: 'grok-3', n: 1, errors: 0 },
    ]);
    expect(s.byKey[0]).toEqual({ keyId: 'k1', keyName: 'one', n: 2, errors: 1, promptTokens: 10, completionTokens: 5 });
    expect(s.byKey.slice(1).sort((a, b) => String(a.keyId).localeCompare(String(b.keyId)))).toEqual([
      { keyId: 'k2', keyName: 'two', n: 1, errors: 0, promptTokens: 0, completionTokens: 11 },
      { keyId: null, keyName: null, n: 1, errors: 1, promptTokens: 0, completionTokens: 0 },
    ]);
  });
});

describe('statsSince series', () => {
  // D1 binds JS numbers as REAL, so `created_at / ?` in lib/db/logs.ts divides in floating point and every row
  // becomes its own bucket (pool-snapshots inlines its bucket size for this reason). Expected: two requests in
  // the T0 hour are one point { at: T0, requests: 2 }.
  it('groups requests of one bucket into one point at the bucket start', async () => {
    const at = (ms: number) => Math.floor(ms / HOUR) * HOUR;
    await insertLog(t.db, logRow({ createdAt: T0 + 1 }));
    await insertLog(t.db, logRow({ createdAt: T0 + 2, status: 500, reason: 'internal_error' }));
    await insertLog(t.db, logRow({ createdAt: T0 + HOUR + 3 }));
    const s = await statsSince(t.db, T0, HOUR);
    const points = [at(T0 + 1), at(T0 + 2), at(T0 + HOUR + 3)].reduce<Record<number, { requests: number; errors: number }>>((acc, b, i) => {
      acc[b] ??= { requests: 0, errors: 0 };
      acc[b].requests++;
      if (i === 1) acc[b].errors++;
      return acc;
    }, {});
    expect(s.series).toEqual(Object.entries(points).map(([b, v]) => ({ at: Number(b), ...v })));
    expect(s.series.length).toBeLessThan(3);
  });
});

describe('pruneLogs', () => {
  it('deletes rows strictly before the cut', async () => {
    await insertLog(t.db, logRow({ id: 'old', createdAt: T0 - 1 }));
    await insertLog(t.db, logRow({ id: 'edge', createdAt: T0 }));
    await pruneLogs(t.db, T0);
    expect(ids(await t.db.select().from(requestLogs))).toEqual(['edge']);
  });
});
