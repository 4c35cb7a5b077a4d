/** @module admin/logs — request log viewer and usage statistics. */
import { z } from 'zod';
import { parseBody } from '@/lib/http/body';
import { listLogs, statsSince } from '@/lib/db/logs';
import { countTokensByState } from '@/lib/db/tokens';
import { getMeta } from '@/lib/db/meta';
import { listPoolSnapshots, POOL_SNAPSHOT_SLOT_MS } from '@/lib/db/pool-snapshots';
import type { AdminContext } from './guard';
import type { GatewayContext } from '@/lib/gateway/context';

export const logQuerySchema = z.object({
  status: z.enum(['ok', 'error']).optional(),
  model: z.string().max(100).optional(),
  keyId: z.string().max(100).optional(),
  reason: z.string().max(100).optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export async function list(req: Request, ctx: AdminContext): Promise<Response> {
  const q = parseBody(logQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const { rows, total } = await listLogs(ctx.db, q);
  return Response.json({ items: rows, total, page: q.page, pageSize: q.pageSize });
}

const HOUR = 3_600_000;
/** `capacity`: the pool snapshots' bucket (24 h shows each 10-minute snapshot). */
const PERIODS = {
  '24h': { span: 24 * HOUR, bucket: HOUR, capacity: POOL_SNAPSHOT_SLOT_MS },
  '7d': { span: 7 * 24 * HOUR, bucket: 6 * HOUR, capacity: HOUR },
  '30d': { span: 30 * 24 * HOUR, bucket: 24 * HOUR, capacity: 6 * HOUR },
} as const;
export const statsQuerySchema = z.object({ period: z.enum(['24h', '7d', '30d']).default('24h') });

type StatsPeriod = keyof typeof PERIODS;

/** The datacenter numbers for a period (the API's `GET /stats` and the dashboard page). */
export async function loadStats(ctx: GatewayContext, period: StatsPeriod) {
  const now = ctx.now();
  const { span, bucket, capacity: capacityBucket } = PERIODS[period];
  const [summary, tokens, challenge, snapshots] = await Promise.all([
    statsSince(ctx.db, now - span, bucket),
    countTokensByState(ctx.db, now),
    getMeta(ctx.db, 'egress_last_challenge'),
    listPoolSnapshots(ctx.db, now - span, capacityBucket),
  ]);
  const { active: available, cooling, quarantined, invalid, disabled } = tokens;
  return {
    period,
    bucketMs: bucket,
    ...summary,
    successRate: summary.requests ? summary.ok / summary.requests : null,
    tokens,
    /** The pool over the period; the current counts come last, so a fresh install has a point. */
    capacity: {
      bucketMs: capacityBucket,
      points: tokens.total || snapshots.length ? [...snapshots, { at: now, available, cooling, quarantined, invalid, disabled }] : [],
    },
    egress: challenge ? { lastChallenge: JSON.parse(challenge.value) as unknown } : { lastChallenge: null },
  };
}

export async function stats(req: Request, ctx: AdminContext): Promise<Response> {
  const { period } = parseBody(statsQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await loadStats(ctx, period));
}

const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : String(v);
  // Quote, and neutralise spreadsheet formulas in names (a leading tab or CR starts one in some spreadsheets too).
  return /^[=+\-@\t\r]/.test(text) || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""').replace(/^([=+\-@\t\r])/, "'$1")}"` : text;
};

/** Usage per key over the period, as CSV. */
export async function exportUsage(req: Request, ctx: AdminContext): Promise<Response> {
  const { period } = parseBody(statsQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const { byKey } = await statsSince(ctx.db, ctx.now() - PERIODS[period].span, PERIODS[period].bucket);
  const lines = [['key_id', 'key_name', 'requests', 'errors', 'prompt_tokens', 'completion_tokens'].join(',')];
  for (const k of byKey) lines.push([k.keyId ?? '', k.keyName ?? '(no key)', k.n, k.errors, k.promptTokens, k.completionTokens].map(csvCell).join(','));
  return new Response(lines.join('\n') + '\n', {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="grok2api-usage-${period}.csv"` },
  });
}
