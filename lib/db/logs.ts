/** @module db/logs — request log rows: insert, query, aggregate, prune. */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { bucketStart } from './buckets';
import type { Db } from './client';
import { requestLogs, type NewRequestLog } from './schema';

export async function insertLog(db: Db, row: NewRequestLog): Promise<void> {
  await db.insert(requestLogs).values(row);
}

interface LogQuery {
  status?: 'ok' | 'error';
  model?: string;
  keyId?: string;
  reason?: string;
  from?: number;
  to?: number;
  page: number;
  pageSize: number;
}

export async function listLogs(db: Db, q: LogQuery) {
  const where: (SQL | undefined)[] = [];
  if (q.status === 'ok') where.push(lt(requestLogs.status, 400));
  if (q.status === 'error') where.push(gte(requestLogs.status, 400));
  if (q.model) where.push(eq(requestLogs.model, q.model));
  if (q.keyId) where.push(eq(requestLogs.keyId, q.keyId));
  if (q.reason) where.push(eq(requestLogs.reason, q.reason));
  if (q.from !== undefined) where.push(gte(requestLogs.createdAt, q.from));
  if (q.to !== undefined) where.push(lte(requestLogs.createdAt, q.to));
  const cond = and(...where);
  const [rows, [{ total }]] = await Promise.all([
    db.select().from(requestLogs).where(cond).orderBy(desc(requestLogs.createdAt)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    db.select({ total: sql<number>`count(*)` }).from(requestLogs).where(cond),
  ]);
  return { rows, total };
}

/** Value at percentile `p` of a column over the window (SQLite has no percentile function). */
async function percentile(db: Db, column: typeof requestLogs.durationMs | typeof requestLogs.ttftMs, since: number, p: number, total: number) {
  if (!total) return null;
  const [row] = await db
    .select({ v: column })
    .from(requestLogs)
    .where(and(gte(requestLogs.createdAt, since), lt(requestLogs.status, 400), sql`${column} is not null`))
    .orderBy(column)
    .limit(1)
    .offset(Math.max(0, Math.ceil(total * p) - 1));
  return row?.v ?? null;
}

/** Aggregates for the datacenter page: totals, latency percentiles, time series and breakdowns. */
export async function statsSince(db: Db, since: number, bucketMs: number) {
  const inWindow = gte(requestLogs.createdAt, since);
  const okCount = sql<number>`coalesce(sum(case when ${requestLogs.status} < 400 then 1 else 0 end), 0)`;
  const [summary] = await db
    .select({
      requests: sql<number>`count(*)`,
      ok: okCount,
      promptTokens: sql<number>`coalesce(sum(${requestLogs.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${requestLogs.completionTokens}), 0)`,
      okWithTtft: sql<number>`coalesce(sum(case when ${requestLogs.status} < 400 and ${requestLogs.ttftMs} is not null then 1 else 0 end), 0)`,
    })
    .from(requestLogs)
    .where(inWindow);
  const bucket = bucketStart(requestLogs.createdAt, bucketMs);
  const [series, byReason, byModel, byKey, p50, p95, ttft50, ttft95] = await Promise.all([
    db
      .select({ at: bucket, requests: sql<number>`count(*)`, errors: sql<number>`count(*) - ${okCount}` })
      .from(requestLogs)
      .where(inWindow)
      .groupBy(bucket)
      .orderBy(bucket),
    db.select({ reason: requestLogs.reason, n: sql<number>`count(*)` }).from(requestLogs).where(inWindow).groupBy(requestLogs.reason).orderBy(desc(sql`count(*)`)),
    db
      .select({ model: requestLogs.model, n: sql<number>`count(*)`, errors: sql<number>`count(*) - ${okCount}` })
      .from(requestLogs)
      .where(inWindow)
      .groupBy(requestLogs.model)
      .orderBy(desc(sql`count(*)`)),
    db
      .select({
        keyId: requestLogs.keyId,
        keyName: sql<string | null>`max(${requestLogs.keyName})`,
        n: sql<number>`count(*)`,
        errors: sql<number>`count(*) - ${okCount}`,
        promptTokens: sql<number>`coalesce(sum(${requestLogs.promptTokens}), 0)`,
        completionTokens: sql<number>`coalesce(sum(${requestLogs.completionTokens}), 0)`,
      })
      .from(requestLogs)
      .where(inWindow)
      .groupBy(requestLogs.keyId)
      .orderBy(desc(sql`count(*)`)),
    percentile(db, requestLogs.durationMs, since, 0.5, summary.ok),
    percentile(db, requestLogs.durationMs, since, 0.95, summary.ok),
    percentile(db, requestLogs.ttftMs, since, 0.5, summary.okWithTtft),
    percentile(db, requestLogs.ttftMs, since, 0.95, summary.okWithTtft),
  ]);
  const { okWithTtft: _unused, ...totals } = summary;
  return { ...totals, latency: { p50, p95 }, ttft: { p50: ttft50, p95: ttft95 }, series, byReason, byModel, byKey };
}

export async function pruneLogs(db: Db, before: number): Promise<void> {
  await db.delete(requestLogs).where(lt(requestLogs.createdAt, before));
}
