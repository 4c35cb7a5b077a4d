import { describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { logRow, tokenRow } from '@/lib/test/fixtures';
import { requestLogs, tokens, type TokenRow } from '@/lib/db/schema';
import type { OutcomeRow } from '@/lib/db/outcomes';
import { classifyOutcomes, loadOutcomes, outcomeKind } from './outcomes';

const T0 = 1_800_000_000_000;

describe('outcomeKind', () => {
  it('names what the operator needs to know about one request', () => {
    expect(
      [
        [200, 'ok'],
        [399, 'ok'],
        [499, 'client_closed'],
        [200, 'client_closed'],
        [429, 'key_limit_exceeded'],
        [503, 'all_tokens_cooling'],
        [502, 'upstream_rate_limited'],
        [502, 'upstream_error'],
        [401, 'invalid_api_key'],
        [200, 'degraded_empty'],
      ].map(([s, r]) => outcomeKind(s as number, r as string)),
    ).toEqual(['ok', 'ok', 'client_closed', 'client_closed', 'cooled', 'cooled', 'cooled', 'failed', 'failed', 'quarantined']);
  });
});

describe('classifyOutcomes', () => {
  const r = (at: number, status = 200, reason = 'ok', durationMs = 1000): OutcomeRow => ({ tokenId: 'a', at, status, reason, durationMs });
  const verdict = (at: number | null, reason: string | null = 'quarantined: degraded_empty') => ({ lastFailureAt: at, lastFailureReason: reason });

  it('marks the ok answer whose span (plus slack) holds the verdict, with the guard’s reason', () => {
    const rows = [r(T0), r(T0 + 10_000, 502, 'upstream_error'), r(T0 + 20_000)];
    const views = classifyOutcomes(rows, verdict(T0 + 20_000 + 1000 + 5000));
    expect(views.map((v) => [v.kind, v.reason])).toEqual([
      ['ok', 'ok'],
      ['failed', 'upstream_error'],
      ['quarantined', 'degraded_empty'],
    ]);
  });

  it('only the latest matching answer is marked, and never a failed one', () => {
    // Both ok rows overlap the verdict; the later one is the flagged answer. The 502 overlaps too but was no answer.
    const rows = [r(T0, 200, 'ok', 60_000), r(T0 + 30_000, 200, 'ok', 60_000), r(T0 + 40_000, 502, 'upstream_error', 60_000)];
    expect(classifyOutcomes(rows, verdict(T0 + 45_000)).map((v) => v.kind)).toEqual(['ok', 'quarantined', 'failed']);
  });

  it('a verdict outside every span, a verdict that is not a quarantine, or none: rows as logged', () => {
    const rows = [r(T0), r(T0 + 20_000)];
    const plain = ['ok', 'ok'];
    expect(classifyOutcomes(rows, verdict(T0 + 20_000 + 1000 + 5001)).map((v) => v.kind)).toEqual(plain);
    expect(classifyOutcomes(rows, verdict(T0 - 1)).map((v) => v.kind)).toEqual(plain);
    expect(classifyOutcomes(rows, verdict(T0 + 500, 'upstream_error')).map((v) => v.kind)).toEqual(plain);
    expect(classifyOutcomes(rows, verdict(null, null)).map((v) => v.kind)).toEqual(plain);
  });
});

describe('loadOutcomes', () => {
  const t = useTestDb(requestLogs, tokens);

  it('strips per account, oldest first, the last 20 only; accounts without requests are left out', async () => {
    await t.db.insert(tokens).values([tokenRow('a', { lastFailureAt: T0 + 24_500, lastFailureReason: 'quarantined: degraded_no_thinking' }), tokenRow('b'), tokenRow('idle')]);
    for (let i = 0; i < 25; i++) await t.db.insert(requestLogs).values(logRow({ tokenId: 'a', createdAt: T0 + i * 1000, durationMs: 10 }));
    await t.db.insert(requestLogs).values(logRow({ tokenId: 'b', createdAt: T0, status: 429, reason: 'rate_limited' }));
    const rows = (await t.db.select().from(tokens)) as TokenRow[];
    const out = await loadOutcomes(t.db, rows);
    expect(Object.keys(out).sort()).toEqual(['a', 'b']);
    expect(out.a.map((v) => v.at)).toEqual(Array.from({ length: 20 }, (_, i) => T0 + (i + 5) * 1000));
    expect(out.a.filter((v) => v.kind === 'quarantined').map((v) => [v.at, v.reason])).toEqual([[T0 + 24_000, 'degraded_no_thinking']]);
    expect(out.b).toEqual([{ at: T0, status: 429, reason: 'rate_limited', kind: 'cooled' }]);
  });

  it('no accounts: nothing to read', async () => {
    expect(await loadOutcomes(t.db, [])).toEqual({});
  });
});
