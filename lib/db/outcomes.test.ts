import { describe, expect, it } from 'vitest';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { useTestDb } from '@/lib/test/d1';
import { classifyOutcomes, loadOutcomes, outcomeKind } from '@/lib/admin/outcomes';
import { listRecentOutcomes, recentOutcomesQuery } from './outcomes';
import { requestLogs, tokens, type NewRequestLog } from './schema';

const T0 = 1_800_000_000_000;

const t = useTestDb(requestLogs, tokens);

let seq = 0;
const log = (tokenId: string | null, at: number, status = 200, reason = 'ok', extra: Partial<NewRequestLog> = {}): NewRequestLog => ({
  id: `log-${++seq}`,
  createdAt: at,
  endpoint: '/v1/chat/completions',
  tokenId,
  status,
  reason,
  durationMs: 100,
  ...extra,
});
async function insertLogs(rows: NewRequestLog[]) {
  for (let i = 0; i < rows.length; i += 5) await t.db.insert(requestLogs).values(rows.slice(i, i + 5));
}

describe('listRecentOutcomes', () => {
  it('returns the last n rows of each asked account, oldest first, and nothing of the others', async () => {
    await insertLogs([
      ...Array.from({ length: 30 }, (_, i) => log('a', T0 + i * 1000, i === 29 ? 429 : 200, i === 29 ? 'upstream_rate_limited' : 'ok')),
      log('b', T0 + 500, 503, 'upstream_unavailable'),
      log('b', T0 + 100),
      log('c', T0),
      log(null, T0 + 1),
    ]);
    const out = await listRecentOutcomes(t.db, ['a', 'b', 'nobody'], 20);
    expect([...out.keys()].sort()).toEqual(['a', 'b']);
    const a = out.get('a')!;
    expect(a).toHaveLength(20);
    expect(a.map((r) => r.at)).toEqual(Array.from({ length: 20 }, (_, i) => T0 + (10 + i) * 1000));
    expect(a.at(-1)).toMatchObject({ tokenId: 'a', status: 429, reason: 'upstream_rate_limited', durationMs: 100 });
    expect(out.get('b')!.map((r) => [r.at, r.reason])).toEqual([
      [T0 + 100, 'ok'],
      [T0 + 500, 'upstream_unavailable'],
    ]);
  });

  it('rows tied at the cut-off time still give exactly n (ties broken by id)', async () => {
    await insertLogs([log('a', T0 - 1), log('a', T0, 200, 'ok', { id: 'x1' }), log('a', T0, 502, 'upstream_error', { id: 'x2' }), log('a', T0 + 1, 499, 'client_closed')]);
    const out = await listRecentOutcomes(t.db, ['a'], 2);
    expect(out.get('a')!.map((r) => r.reason)).toEqual(['upstream_error', 'client_closed']);
  });

  it('serves more accounts than one statement may bind (chunks of 90 ids)', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => `t${i}`);
    await insertLogs(ids.flatMap((id, i) => [log(id, T0 + i), log(id, T0 + i + 1, 502, 'upstream_error')]));
    const out = await listRecentOutcomes(t.db, ids, 1);
    expect(out.size).toBe(130);
    for (const id of ids) expect(out.get(id)!.map((r) => r.reason)).toEqual(['upstream_error']);
  });

  it('reads each account through the (token_id, created_at) index, never the whole log', async () => {
    const query = new SQLiteSyncDialect().sqlToQuery(recentOutcomesQuery(['a', 'b'], 20));
    const { results } = await t.d1.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).bind(...query.params).all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join('\n');
    expect(plan).toContain('SEARCH r USING INDEX request_logs_token_idx (token_id=? AND created_at>?)');
    expect(plan).toContain('SEARCH request_logs USING COVERING INDEX request_logs_token_idx (token_id=?)');
    expect(plan).not.toMatch(/SCAN (request_logs|r)\b/);
  });
});

describe('outcome kinds', () => {
  it('classifies status and reason', () => {
    expect(outcomeKind(200, 'ok')).toBe('ok');
    expect(outcomeKind(499, 'client_closed')).toBe('client_closed');
    expect(outcomeKind(429, 'upstream_rate_limited')).toBe('cooled');
    expect(outcomeKind(429, 'all_tokens_cooling')).toBe('cooled');
    expect(outcomeKind(503, 'upstream_unavailable')).toBe('failed');
    expect(outcomeKind(502, 'upstream_timeout')).toBe('failed');
    expect(outcomeKind(200, 'degraded_empty')).toBe('quarantined');
  });

  it('marks the ok answer whose span holds the quality verdict as quarantined, with the verdict as reason', () => {
    const rows = [
      { tokenId: 'a', at: T0, status: 200, reason: 'ok', durationMs: 200 },
      { tokenId: 'a', at: T0 + 1000, status: 200, reason: 'ok', durationMs: 800 },
    ];
    const flagged = classifyOutcomes(rows, { lastFailureAt: T0 + 1800, lastFailureReason: 'quarantined: degraded_implausible_speed' });
    expect(flagged.map((o) => [o.kind, o.reason])).toEqual([
      ['ok', 'ok'],
      ['quarantined', 'degraded_implausible_speed'],
    ]);
    // Any other last failure (or a verdict outside every answer) leaves the log as it is.
    expect(classifyOutcomes(rows, { lastFailureAt: T0 + 1800, lastFailureReason: 'upstream 429' }).map((o) => o.kind)).toEqual(['ok', 'ok']);
    expect(classifyOutcomes(rows, { lastFailureAt: T0 + 60_000, lastFailureReason: 'quarantined: degraded_empty' }).map((o) => o.kind)).toEqual(['ok', 'ok']);
  });

  it('loadOutcomes: one entry per listed account that served requests', async () => {
    await t.db.insert(tokens).values([
      { id: 'a', tokenHash: 'ha', tokenEnc: 'e', suffix: 'aaaaaa', type: 'sso', createdAt: T0, lastFailureAt: T0 + 50, lastFailureReason: 'quarantined: degraded_no_thinking' },
      { id: 'b', tokenHash: 'hb', tokenEnc: 'e', suffix: 'bbbbbb', type: 'sso', createdAt: T0 },
    ]);
    await insertLogs([log('a', T0 - 1000, 502, 'upstream_error'), log('a', T0), log('c', T0)]);
    const rows = await t.db.select().from(tokens);
    expect(await loadOutcomes(t.db, rows)).toEqual({
      a: [
        { at: T0 - 1000, status: 502, reason: 'upstream_error', kind: 'failed' },
        { at: T0, status: 200, reason: 'degraded_no_thinking', kind: 'quarantined' },
      ],
    });
    expect(await loadOutcomes(t.db, [])).toEqual({});
  });
});
