/**
 * @module db/tokens
 * Queries on the `tokens` table. Selection and state changes are single statements so concurrent requests
 * cannot interleave a read-modify-write (D1 has no interactive transactions).
 */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, like, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { accountLeases, tokens, type TokenRow } from './schema';
import type { Candidate } from '@/lib/pool/select';
import { patchForFailure, type StatePolicy, type TokenPatch } from '@/lib/pool/state';
import type { UpstreamFailure } from '@/lib/grok/errors';

export type Bucket = 'default' | 'heavy';
const bucketColumn = (b: Bucket) => (b === 'heavy' ? tokens.heavyRemainingQueries : tokens.remainingQueries);
const resetColumn = (b: Bucket) => (b === 'heavy' ? tokens.heavyQuotaResetAt : tokens.quotaResetAt);
const resetKey = (b: Bucket) => (b === 'heavy' ? 'heavyQuotaResetAt' : 'quotaResetAt');
const ready = (now: number) =>
  and(eq(tokens.status, 'active'), or(isNull(tokens.cooldownUntil), lte(tokens.cooldownUntil, now)), isNull(tokens.quarantinedUntil));
/** Requests in flight on the account (live leases). */
const inFlight = (now: number) => sql`(SELECT count(*) FROM ${accountLeases} WHERE ${accountLeases.tokenId} = ${tokens.id} AND ${accountLeases.expiresAt} > ${now})`;

/** A random sample of usable accounts; the picker weighs them. A query, so it can join a caller's batch. */
export function listCandidates(db: Db, opts: { types: Candidate['type'][]; bucket: Bucket; now: number; exclude: readonly string[]; limit?: number; perAccount?: number }) {
  const col = bucketColumn(opts.bucket);
  const where = [ready(opts.now), inArray(tokens.type, opts.types)];
  if (opts.perAccount) where.push(sql`${inFlight(opts.now)} < ${opts.perAccount}`);
  if (opts.exclude.length) where.push(notInArray(tokens.id, opts.exclude.slice(0, 50)));
  return db
    .select({ id: tokens.id, type: tokens.type, remaining: col, resetAt: resetColumn(opts.bucket), lastUsedAt: tokens.lastUsedAt, failedCount: tokens.failedCount })
    .from(tokens)
    .where(and(...where))
    .orderBy(sql`random()`)
    .limit(opts.limit ?? 32);
}

/**
 * Takes one of the account's `limit` in-flight slots unless they are all taken or the account is not ready.
 * Runs in the claim's batch, before it: the claim then only succeeds if this lease exists.
 */
export function leaseAccount(db: Db, leaseId: string, tokenId: string, limit: number, now: number, ttlMs: number, guard?: SQL) {
  return db
    .insert(accountLeases)
    .select(
      db
        .select({ id: sql<string>`${leaseId}`.as('id'), tokenId: tokens.id, expiresAt: sql<number>`${now + ttlMs}`.as('expires_at') })
        .from(tokens)
        .where(and(eq(tokens.id, tokenId), ready(now), sql`${inFlight(now)} < ${limit}`, guard)),
    )
    .returning({ id: accountLeases.id });
}

export async function releaseAccountLease(db: Db, leaseId: string): Promise<void> {
  await db.delete(accountLeases).where(eq(accountLeases.id, leaseId));
}

/** Ready accounts of these types whose every slot is taken: worth waiting for. */
export async function countBusyAccounts(db: Db, types: Candidate['type'][], limit: number, now: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(tokens)
    .where(and(ready(now), inArray(tokens.type, types), sql`${inFlight(now)} >= ${limit}`));
  return row?.n ?? 0;
}

/** Marks the account as used and charges the local quota estimate, unless another request made it unusable. */
/** `guard`: a further condition (e.g. the caller's key is active) for a claim made before the caller is checked. */
export function claimToken(db: Db, id: string, opts: { bucket: Bucket; units: number; now: number; leaseId?: string; guard?: SQL }) {
  const col = bucketColumn(opts.bucket);
  return db
    .update(tokens)
    .set({
      lastUsedAt: opts.now,
      useCount: sql`${tokens.useCount} + 1`,
      [opts.bucket === 'heavy' ? 'heavyRemainingQueries' : 'remainingQueries']: sql`CASE WHEN ${col} > 0 THEN max(${col} - ${opts.units}, 0) ELSE ${col} END`,
    })
    .where(and(eq(tokens.id, id), ready(opts.now), opts.leaseId ? sql`EXISTS (SELECT 1 FROM ${accountLeases} WHERE ${accountLeases.id} = ${opts.leaseId})` : opts.guard))
    .returning();
}

/** Takes back a claim whose request was refused before it used the account (use count, quota estimate, last use). */
export async function unclaimToken(db: Db, claimed: TokenRow, before: Candidate, bucket: Bucket): Promise<void> {
  const after = bucket === 'heavy' ? claimed.heavyRemainingQueries : claimed.remainingQueries;
  const charged = before.remaining > 0 ? before.remaining - after : 0;
  const col = bucketColumn(bucket);
  await db
    .update(tokens)
    .set({
      useCount: sql`max(${tokens.useCount} - 1, 0)`,
      lastUsedAt: before.lastUsedAt,
      ...(charged > 0 ? { [bucket === 'heavy' ? 'heavyRemainingQueries' : 'remainingQueries']: sql`${col} + ${charged}` } : {}),
    })
    .where(eq(tokens.id, claimed.id));
}

/** Earliest moment a cooling account of these types becomes usable again. */
export async function nextCooldownEnd(db: Db, types: Candidate['type'][], now: number): Promise<number | undefined> {
  const [row] = await db
    .select({ until: sql<number | null>`min(${tokens.cooldownUntil})` })
    .from(tokens)
    .where(and(eq(tokens.status, 'active'), inArray(tokens.type, types), gt(tokens.cooldownUntil, now)));
  return row?.until ?? undefined;
}

/** What a failure does to the account that served it (per the classifier's table), written; nothing if nothing. */
export async function chargeFailure(db: Db, token: TokenRow, bucket: Bucket, failure: UpstreamFailure, policy: StatePolicy, now: number): Promise<void> {
  const remaining = bucket === 'heavy' ? token.heavyRemainingQueries : token.remainingQueries;
  const patch = patchForFailure(failure, { remaining }, policy, now);
  if (patch) await applyTokenPatch(db, token.id, bucket, patch);
}

export async function applyTokenPatch(db: Db, id: string, bucket: Bucket, patch: TokenPatch): Promise<void> {
  const set: Record<string, unknown> = { lastFailureAt: patch.at, lastFailureReason: patch.reason };
  if (patch.status) set.status = patch.status;
  if (patch.cooldownUntil !== undefined) set.cooldownUntil = patch.cooldownUntil;
  if (patch.incrementFailures) set.failedCount = sql`${tokens.failedCount} + 1`;
  if (patch.strike) {
    // Every SET expression sees the row as it was, so the new count is spelled out where it is needed.
    const { allowed, windowMs, cooldownUntil } = patch.strike;
    const count = sql`(CASE WHEN ${tokens.lastFailureAt} >= ${patch.at - windowMs} THEN ${tokens.recentFailures} + 1 ELSE 1 END)`;
    set.cooldownUntil = sql`CASE WHEN ${count} >= ${allowed} THEN ${cooldownUntil} ELSE ${tokens.cooldownUntil} END`;
    set.recentFailures = sql`CASE WHEN ${count} >= ${allowed} THEN 0 ELSE ${count} END`;
  }
  if (patch.exhaustBucket) {
    set[bucket === 'heavy' ? 'heavyRemainingQueries' : 'remainingQueries'] = 0;
    // A passed reset would make selection read the new 0 as stale: the cooldown is the estimate until a sync.
    const reset = resetColumn(bucket);
    set[resetKey(bucket)] = sql`CASE WHEN ${reset} > ${patch.at} THEN ${reset} ELSE ${typeof patch.cooldownUntil === 'number' ? patch.cooldownUntil : null} END`;
  }
  await db.update(tokens).set(set).where(eq(tokens.id, id));
}

/** Success clears the failure counters (a no-op write is skipped by the caller when they are already 0). */
export async function resetTokenFailures(db: Db, id: string): Promise<void> {
  await db.update(tokens).set({ failedCount: 0, recentFailures: 0 }).where(eq(tokens.id, id));
}

/**
 * When a bucket's quota window resets, as read from a rate-limit answer (lib/gateway/quota `quotaResetFrom`):
 * `exact` (upstream's wait time) replaces the stored time; an estimate (sync time + window) only moves a
 * stored time that is still ahead earlier, never later; null (nothing known) keeps a time still ahead and
 * clears a passed one.
 */
export type QuotaReset = { at: number; exact: boolean } | null;

/** Stores a synced count (and, when given, the bucket's reset time: see QuotaReset). */
export async function updateTokenQuota(db: Db, id: string, bucket: Bucket, remaining: number, now: number, reset?: QuotaReset): Promise<void> {
  const set: Record<string, unknown> = { [bucket === 'heavy' ? 'heavyRemainingQueries' : 'remainingQueries']: remaining, quotaSyncedAt: now };
  if (reset !== undefined) {
    const col = resetColumn(bucket);
    set[resetKey(bucket)] =
      reset === null
        ? sql`CASE WHEN ${col} > ${now} THEN ${col} ELSE NULL END`
        : reset.exact
          ? reset.at
          : sql`CASE WHEN ${col} > ${now} AND ${col} < ${reset.at} THEN ${col} ELSE ${reset.at} END`;
  }
  await db.update(tokens).set(set).where(eq(tokens.id, id));
}

/**
 * Takes the account's quota refresh unless it was synced (or a refresh taken) within `minIntervalMs`: one
 * statement, so of a burst of callers exactly one gets it. Marks the account synced now.
 */
export async function claimQuotaRefresh(db: Db, id: string, now: number, minIntervalMs: number): Promise<boolean> {
  const taken = await db
    .update(tokens)
    .set({ quotaSyncedAt: now })
    .where(and(eq(tokens.id, id), or(isNull(tokens.quotaSyncedAt), lte(tokens.quotaSyncedAt, now - minIntervalMs))))
    .returning({ id: tokens.id });
  return taken.length > 0;
}

// ---- admin ---------------------------------------------------------------------------------------

type TokenStatusFilter = 'active' | 'cooling' | 'quarantined' | 'invalid' | 'disabled';

interface TokenListQuery {
  status?: TokenStatusFilter;
  type?: 'sso' | 'ssoSuper';
  q?: string;
  tag?: string;
  page: number;
  pageSize: number;
  now: number;
}

export async function listTokens(db: Db, query: TokenListQuery): Promise<{ rows: TokenRow[]; total: number }> {
  const where: (SQL | undefined)[] = [];
  const { now } = query;
  if (query.status === 'active') where.push(ready(now));
  else if (query.status === 'cooling') where.push(and(eq(tokens.status, 'active'), isNull(tokens.quarantinedUntil), gt(tokens.cooldownUntil, now)));
  else if (query.status === 'quarantined') where.push(and(eq(tokens.status, 'active'), isNotNull(tokens.quarantinedUntil)));
  else if (query.status) where.push(eq(tokens.status, query.status));
  if (query.type) where.push(eq(tokens.type, query.type));
  if (query.q) {
    const q = `%${query.q.replace(/[%_]/g, '')}%`;
    where.push(or(like(tokens.suffix, q), like(tokens.note, q), like(tokens.tags, q), eq(tokens.id, query.q)));
  }
  if (query.tag) where.push(like(tokens.tags, `%${JSON.stringify(query.tag)}%`));
  const cond = and(...where);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(tokens)
      .where(cond)
      .orderBy(desc(tokens.createdAt), asc(tokens.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: sql<number>`count(*)` }).from(tokens).where(cond),
  ]);
  return { rows, total };
}

export async function findTokensByHash(db: Db, hashes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < hashes.length; i += 90) {
    const rows = await db.select({ h: tokens.tokenHash }).from(tokens).where(inArray(tokens.tokenHash, hashes.slice(i, i + 90)));
    for (const r of rows) found.add(r.h);
  }
  return found;
}

export async function insertTokens(db: Db, rows: (typeof tokens.$inferInsert)[]): Promise<number> {
  let added = 0;
  // 19 columns per row: stay under D1's 100 bound parameters per statement.
  for (let i = 0; i < rows.length; i += 5) {
    const inserted = await db.insert(tokens).values(rows.slice(i, i + 5)).onConflictDoNothing().returning({ id: tokens.id });
    added += inserted.length;
  }
  return added;
}

export async function getToken(db: Db, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.select().from(tokens).where(eq(tokens.id, id));
  return row;
}

export async function updateToken(db: Db, id: string, set: Partial<typeof tokens.$inferInsert>): Promise<TokenRow | undefined> {
  const [row] = await db.update(tokens).set(set).where(eq(tokens.id, id)).returning();
  return row;
}

export async function deleteTokens(db: Db, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 90) {
    n += (await db.delete(tokens).where(inArray(tokens.id, ids.slice(i, i + 90))).returning({ id: tokens.id })).length;
  }
  return n;
}

export async function updateTokensWhereIds(db: Db, ids: string[], set: Partial<typeof tokens.$inferInsert>): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 80) {
    n += (await db.update(tokens).set(set).where(inArray(tokens.id, ids.slice(i, i + 80))).returning({ id: tokens.id })).length;
  }
  return n;
}

export async function allTokens(db: Db): Promise<TokenRow[]> {
  return db.select().from(tokens).orderBy(asc(tokens.createdAt));
}

export async function countTokensByState(db: Db, now: number) {
  const [row] = await db
    .select({
      total: sql<number>`count(*)`,
      active: sql<number>`sum(case when ${tokens.status} = 'active' and ${tokens.quarantinedUntil} is null and (${tokens.cooldownUntil} is null or ${tokens.cooldownUntil} <= ${now}) then 1 else 0 end)`,
      cooling: sql<number>`sum(case when ${tokens.status} = 'active' and ${tokens.quarantinedUntil} is null and ${tokens.cooldownUntil} > ${now} then 1 else 0 end)`,
      quarantined: sql<number>`sum(case when ${tokens.status} = 'active' and ${tokens.quarantinedUntil} is not null then 1 else 0 end)`,
      invalid: sql<number>`sum(case when ${tokens.status} = 'invalid' then 1 else 0 end)`,
      disabled: sql<number>`sum(case when ${tokens.status} = 'disabled' then 1 else 0 end)`,
    })
    .from(tokens);
  return {
    total: row.total ?? 0,
    active: row.active ?? 0,
    cooling: row.cooling ?? 0,
    quarantined: row.quarantined ?? 0,
    invalid: row.invalid ?? 0,
    disabled: row.disabled ?? 0,
  };
}

/** Every tag in use, sorted (for the dashboard's tag filter). */
export async function listTokenTags(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ tags: tokens.tags }).from(tokens);
  return [...new Set(rows.flatMap((r) => r.tags))].sort();
}

// ---- quality guard (pool/quality) ---------------------------------------------------------------

export interface QuarantineMark {
  reason: string;
  model: string;
  /** When its probe is due. */
  until: number;
  at: number;
}

const quarantineSet = (m: QuarantineMark) => ({
  quarantinedUntil: m.until,
  quarantineReason: m.reason,
  quarantineModel: m.model,
  quarantineCount: sql`${tokens.quarantineCount} + 1`,
  suspectAnswers: 0,
  lastFailureAt: m.at,
  lastFailureReason: `quarantined: ${m.reason}`,
});

export async function quarantineToken(db: Db, id: string, mark: QuarantineMark): Promise<void> {
  await db.update(tokens).set(quarantineSet(mark)).where(and(eq(tokens.id, id), isNull(tokens.quarantinedUntil)));
}

/** One more suspect answer in a row; the `threshold`-th quarantines (one statement, so parallel answers count). */
export async function noteSuspectAnswer(db: Db, id: string, threshold: number, mark: QuarantineMark): Promise<void> {
  const reached = sql`${tokens.suspectAnswers} + 1 >= ${threshold}`;
  const q = quarantineSet(mark);
  await db
    .update(tokens)
    .set({
      suspectAnswers: sql`CASE WHEN ${reached} THEN 0 ELSE ${tokens.suspectAnswers} + 1 END`,
      quarantinedUntil: sql`CASE WHEN ${reached} THEN ${mark.until} ELSE ${tokens.quarantinedUntil} END`,
      quarantineReason: sql`CASE WHEN ${reached} THEN ${mark.reason} ELSE ${tokens.quarantineReason} END`,
      quarantineModel: sql`CASE WHEN ${reached} THEN ${mark.model} ELSE ${tokens.quarantineModel} END`,
      quarantineCount: sql`CASE WHEN ${reached} THEN ${tokens.quarantineCount} + 1 ELSE ${tokens.quarantineCount} END`,
      lastFailureAt: sql`CASE WHEN ${reached} THEN ${mark.at} ELSE ${tokens.lastFailureAt} END`,
      lastFailureReason: sql`CASE WHEN ${reached} THEN ${q.lastFailureReason} ELSE ${tokens.lastFailureReason} END`,
    })
    .where(and(eq(tokens.id, id), isNull(tokens.quarantinedUntil)));
}

export async function clearSuspectAnswers(db: Db, id: string): Promise<void> {
  await db.update(tokens).set({ suspectAnswers: 0 }).where(eq(tokens.id, id));
}

/** Quarantined accounts whose probe is due; each taken by one prober (its due time moves on by `leaseMs`). */
export async function takeDueProbes(db: Db, now: number, leaseMs: number, limit = 3): Promise<TokenRow[]> {
  const due = await db
    .select({ id: tokens.id, until: tokens.quarantinedUntil })
    .from(tokens)
    .where(and(eq(tokens.status, 'active'), lte(tokens.quarantinedUntil, now)))
    .limit(limit);
  const taken: TokenRow[] = [];
  for (const d of due) {
    const [row] = await db
      .update(tokens)
      .set({ quarantinedUntil: now + leaseMs })
      .where(and(eq(tokens.id, d.id), eq(tokens.quarantinedUntil, d.until!)))
      .returning();
    if (row) taken.push(row);
  }
  return taken;
}

/** The earliest due probe, if any account is quarantined. */
export async function nextProbeDue(db: Db): Promise<number | undefined> {
  const [row] = await db
    .select({ at: sql<number | null>`min(${tokens.quarantinedUntil})` })
    .from(tokens)
    .where(eq(tokens.status, 'active'));
  return row?.at ?? undefined;
}

export async function endQuarantine(db: Db, id: string, outcome: { ok: true } | { ok: false; disable: boolean; retryAt: number; reason: string; at: number }): Promise<void> {
  if (outcome.ok) {
    await db.update(tokens).set({ quarantinedUntil: null, quarantineReason: null, quarantineModel: null, suspectAnswers: 0 }).where(eq(tokens.id, id));
  } else if (outcome.disable) {
    await db
      .update(tokens)
      .set({ status: 'disabled', quarantinedUntil: null, lastFailureAt: outcome.at, lastFailureReason: `disabled: ${outcome.reason} again after quarantine` })
      .where(eq(tokens.id, id));
  } else {
    await db.update(tokens).set({ quarantinedUntil: outcome.retryAt, lastFailureAt: outcome.at, lastFailureReason: `quarantined: ${outcome.reason}` }).where(eq(tokens.id, id));
  }
}
