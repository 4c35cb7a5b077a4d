import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { logRow } from '@/lib/test/fixtures';
import { meta, requestLogs, tokens } from '@/lib/db/schema';
import { setMeta } from '@/lib/db/meta';
import type { AdminContext } from './guard';
import { exportUsage, list, stats } from './logs';

const HOUR = 3_600_000;
const T0 = Math.floor(1_800_000_000_000 / HOUR) * HOUR;
let ctx: AdminContext;
const t = useTestDb(requestLogs, meta, tokens);
beforeAll(() => {
  ctx = { db: t.db, now: () => T0 } as unknown as AdminContext;
});

const get = (path: string) => new Request(`http://gw/api/admin${path}`);
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: { status: number; param: string | null }) => ({ status: e.status, param: e.param }));

describe('GET /logs', () => {
  it('parses the query string into filters and a page', async () => {
    for (let i = 0; i < 5; i++) await t.db.insert(requestLogs).values(logRow({ id: `ok${i}`, createdAt: T0 - i, model: 'grok-4' }));
    await t.db.insert(requestLogs).values(logRow({ id: 'err', createdAt: T0 - 10, status: 503, reason: 'no_available_token', model: 'grok-4' }));
    const res = await list(get(`/logs?status=ok&model=grok-4&from=${T0 - 3}&page=2&pageSize=2`), ctx);
    const body = (await res.json()) as { items: { id: string }[]; total: number; page: number; pageSize: number };
    expect(body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
    expect(body.items.map((r) => r.id)).toEqual(['ok2', 'ok3']);
    const errors = (await (await list(get('/logs?status=error'), ctx)).json()) as { items: { id: string }[]; page: number; pageSize: number };
    expect([errors.items.map((r) => r.id), errors.page, errors.pageSize]).toEqual([['err'], 1, 50]);
  });

  it('a bad parameter is a 400 naming it', async () => {
    expect(await rejection(list(get('/logs?page=0'), ctx))).toEqual({ status: 400, param: 'page' });
    expect(await rejection(list(get('/logs?pageSize=501'), ctx))).toEqual({ status: 400, param: 'pageSize' });
    expect(await rejection(list(get('/logs?status=maybe'), ctx))).toEqual({ status: 400, param: 'status' });
    expect(await rejection(list(get('/logs?from=yesterday'), ctx))).toEqual({ status: 400, param: 'from' });
  });
});

describe('GET /stats', () => {
  it('the success rate of the period and the egress’s last challenge', async () => {
    await t.db.insert(requestLogs).values([
      logRow({ createdAt: T0 - HOUR }),
      logRow({ createdAt: T0 - HOUR }),
      logRow({ createdAt: T0 - HOUR, status: 503, reason: 'upstream_challenge' }),
      logRow({ createdAt: T0 - HOUR, status: 429, reason: 'rate_limited' }),
      // Older than 24 h: only the 7-day view counts it.
      logRow({ createdAt: T0 - 25 * HOUR, status: 500, reason: 'internal_error' }),
    ]);
    await setMeta(t.db, 'egress_last_challenge', JSON.stringify({ at: T0 - 5, status: 403 }), T0);
    const day = (await (await stats(get('/stats'), ctx)).json()) as Record<string, unknown>;
    expect(day).toMatchObject({ period: '24h', bucketMs: HOUR, requests: 4, ok: 2, successRate: 0.5, egress: { lastChallenge: { at: T0 - 5, status: 403 } } });
    const week = (await (await stats(get('/stats?period=7d'), ctx)).json()) as Record<string, unknown>;
    expect(week).toMatchObject({ period: '7d', bucketMs: 6 * HOUR, requests: 5, successRate: 0.4 });
  });

  it('no requests: no success rate rather than 0 %; no challenge seen: null', async () => {
    const body = (await (await stats(get('/stats?period=30d'), ctx)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ requests: 0, successRate: null, egress: { lastChallenge: null } });
  });

  it('an unknown period is a 400', async () => {
    expect(await rejection(stats(get('/stats?period=1y'), ctx))).toEqual({ status: 400, param: 'period' });
  });
});

describe('GET /stats/export (usage CSV)', () => {
  it('one line per key with its totals; names cannot inject spreadsheet formulas or break cells', async () => {
    await t.db.insert(requestLogs).values([
      logRow({ createdAt: T0 - HOUR, keyId: 'k1', keyName: '=HYPERLINK("http://evil")', promptTokens: 3, completionTokens: 4 }),
      logRow({ createdAt: T0 - HOUR, keyId: 'k1', keyName: '=HYPERLINK("http://evil")', status: 429, reason: 'rate_limited' }),
      logRow({ createdAt: T0 - 2 * HOUR, keyId: 'k2', keyName: 'team, "blue"' }),
      logRow({ createdAt: T0 - 3 * HOUR, keyId: null, keyName: null }),
    ]);
    const res = await exportUsage(get('/stats/export?period=24h'), ctx);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="grok2api-usage-24h.csv"');
    const lines = (await res.text()).split('\n');
    expect(lines[0]).toBe('key_id,key_name,requests,errors,prompt_tokens,completion_tokens');
    expect(lines[1]).toBe(`k1,"'=HYPERLINK(""http://evil"")",2,1,3,4`);
    expect(lines.slice(2, 4).sort()).toEqual([',(no key),1,0,0,0', 'k2,"team, ""blue""",1,0,0,0']);
    expect(lines.slice(4)).toEqual(['']);
  });

  it('a leading minus, plus, at or tab is neutralised too', async () => {
    const names = ['-1+2', '+cmd', '@SUM(A1)', '\tx'];
    for (const [i, keyName] of names.entries()) await t.db.insert(requestLogs).values(logRow({ createdAt: T0 - HOUR, keyId: `k${i}`, keyName }));
    const cells = (await (await exportUsage(get('/stats/export'), ctx)).text())
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[1]);
    expect(cells.sort()).toEqual([`"'\tx"`, `"'+cmd"`, `"'-1+2"`, `"'@SUM(A1)"`]);
  });
});
