/**
 * @module db/outcomes
 * The latest request outcomes of a set of accounts (the accounts page strip), from `request_logs`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';

export interface OutcomeRow {
  tokenId: string;
  at: number;
  status: number;
  reason: string;
  durationMs: number;
}

/** Ids per statement: one bound parameter each, under D1's 100. */
const IDS_PER_STATEMENT = 90;

/**
 * One statement for up to 90 accounts (exported for its query-plan test). Per account, a scalar subquery finds
 * the time of its n-th latest row (n index entries read backwards), then the join reads its rows from then on
 * through the same index; `row_number()` trims rows tied at that time. Rows read: about 2n per account, however
 * long its history. (A window over all of an account's rows would read them all; a `UNION ALL` of one
 * `LIMIT n` per account hits D1's cap on compound SELECT terms.)
 */
export function recentOutcomesQuery(ids: string[], perToken: number): SQL {
  const n = Math.max(1, Math.trunc(perToken));
  const values = sql.join(
    ids.map((id) => sql`(${id})`),
    sql`, `,
  );
  return sql`WITH ids(id) AS (VALUES ${values}),
since AS (SELECT id, coalesce((SELECT created_at FROM request_logs WHERE token_id = ids.id ORDER BY created_at DESC LIMIT 1 OFFSET ${sql.raw(String(n - 1))}), 0) AS at FROM ids)
SELECT token_id, at, status, reason, duration_ms FROM (
  SELECT r.token_id, r.created_at AS at, r.status, r.reason, r.duration_ms,
    row_number() OVER (PARTITION BY r.token_id ORDER BY r.created_at DESC, r.id DESC) AS n
  FROM since JOIN request_logs r ON r.token_id = since.id AND r.created_at >= since.at
) WHERE n <= ${sql.raw(String(n))}
ORDER BY token_id, at, n DESC`;
}

/** The last `perToken` log rows of each account, oldest first, by account id; one statement per 90 ids (a dashboard page is one). */
export async function listRecentOutcomes(db: Db, tokenIds: string[], perToken = 20): Promise<Map<string, OutcomeRow[]>> {
  const ids = [...new Set(tokenIds)];
  const out = new Map<string, OutcomeRow[]>();
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const rows = await db.all<{ token_id: string; at: number; status: number; reason: string; duration_ms: number }>(recentOutcomesQuery(ids.slice(i, i + IDS_PER_STATEMENT), perToken));
    for (const r of rows) {
      const list = out.get(r.token_id) ?? [];
      list.push({ tokenId: r.token_id, at: r.at, status: r.status, reason: r.reason, durationMs: r.duration_ms });
      out.set(r.token_id, list);
    }
  }
  return out;
}
