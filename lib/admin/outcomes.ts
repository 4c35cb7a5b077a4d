/**
 * @module admin/outcomes
 * Each account's latest request outcomes for the accounts page ("why is it out?"): the log rows it served,
 * classified, plus the answer the quality guard flagged.
 */
import { listRecentOutcomes, type OutcomeRow } from '@/lib/db/outcomes';
import type { Db } from '@/lib/db/client';
import type { TokenRow } from '@/lib/db/schema';

const OUTCOMES_PER_ACCOUNT = 20;

/**
 * - `ok`: served (status < 400);
 * - `client_closed`: the client went away (499);
 * - `cooled`: rate-limited: the account's limit, or every account cooling or busy (429);
 * - `failed`: any other error;
 * - `quarantined`: the answer the quality guard flagged (the log says `ok`: the client got it).
 */
type OutcomeKind = 'ok' | 'client_closed' | 'cooled' | 'failed' | 'quarantined';

export interface OutcomeView {
  at: number;
  status: number;
  /** The log's reason code, or for a flagged answer the quality guard's (`degraded_…`). */
  reason: string;
  kind: OutcomeKind;
}

export function outcomeKind(status: number, reason: string): OutcomeKind {
  if (reason.startsWith('degraded_')) return 'quarantined';
  if (reason === 'client_closed' || status === 499) return 'client_closed';
  if (status < 400) return 'ok';
  if (status === 429 || reason.includes('rate_limit') || reason.includes('cooling')) return 'cooled';
  return 'failed';
}

const QUARANTINED_PREFIX = 'quarantined: ';
/** The verdict is taken as the answer ends; its log row is written as the response ends, a little later or earlier. */
const VERDICT_SLACK_MS = 5_000;

/**
 * The quality guard judges an answer after it was delivered, so its log row says `ok`. The account keeps the
 * latest verdict (`lastFailureAt`, `lastFailureReason = "quarantined: <reason>"`): the ok row whose span holds
 * that moment is the flagged answer. Verdicts of probes have no row (a quarantined account serves no one).
 */
export function classifyOutcomes(rows: OutcomeRow[], token: Pick<TokenRow, 'lastFailureAt' | 'lastFailureReason'>): OutcomeView[] {
  const views = rows.map((r): OutcomeView => ({ at: r.at, status: r.status, reason: r.reason, kind: outcomeKind(r.status, r.reason) }));
  const verdictAt = token.lastFailureAt;
  if (verdictAt !== null && token.lastFailureReason?.startsWith(QUARANTINED_PREFIX)) {
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      if (views[i].kind === 'ok' && r.at <= verdictAt && verdictAt <= r.at + r.durationMs + VERDICT_SLACK_MS) {
        views[i] = { ...views[i], kind: 'quarantined', reason: token.lastFailureReason.slice(QUARANTINED_PREFIX.length) };
        break;
      }
    }
  }
  return views;
}

/** The strips of a page of accounts, by account id (accounts without requests are left out). */
export async function loadOutcomes(db: Db, tokens: TokenRow[]): Promise<Record<string, OutcomeView[]>> {
  if (!tokens.length) return {};
  const rows = await listRecentOutcomes(
    db,
    tokens.map((t) => t.id),
    OUTCOMES_PER_ACCOUNT,
  );
  const out: Record<string, OutcomeView[]> = {};
  for (const token of tokens) {
    const list = rows.get(token.id);
    if (list?.length) out[token.id] = classifyOutcomes(list, token);
  }
  return out;
}
