/** @module db/logs — request log rows: insert, query, aggregate, prune. */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { requestLogs, type NewRequestLog } from './schema';

export async function insertLog(db: Db, row: NewRequestLog): Promise<void> {
  await db.insert(requestLogs).values(row);
}

export interface LogQuery {
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

export async function statsSince(db: Db, since: number) {
  const [summary] = await db
    .select({
      requests: sql<number>`count(*)`,
      ok: sql<number>`coalesce(sum(case when ${requestLogs.status} < 400 then 1 else 0 end), 0)`,
      promptTokens: sql<number>`coalesce(sum(${requestLogs.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${requestLogs.completionTokens}), 0)`,
    })
    .from(requestLogs)
    .where(gte(requestLogs.createdAt, since));
  const byReason = await db
    .select({ reason: requestLogs.reason, n: sql<number>`count(*)` })
    .from(requestLogs)
    .where(gte(requestLogs.createdAt, since))
    .groupBy(requestLogs.reason);
  const byModel = await db
    .select({ model: requestLogs.model, n: sql<number>`count(*)` })
    .from(requestLogs)
    .where(gte(requestLogs.createdAt, since))
    .groupBy(requestLogs.model);
  return { ...summary, byReason, byModel };
}

export async function pruneLogs(db: Db, before: number): Promise<void> {
  await db.delete(requestLogs).where(lt(requestLogs.createdAt, before));
}
