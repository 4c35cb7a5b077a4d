/** @module admin/logs — request log viewer and usage statistics. */
import { z } from 'zod';
import { parseBody } from '@/lib/openai/schemas';
import { listLogs, statsSince } from '@/lib/db/logs';
import { countTokensByState } from '@/lib/db/tokens';
import { getMeta } from '@/lib/db/meta';
import type { AdminContext } from './guard';

const logQuerySchema = z.object({
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

const PERIODS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
const statsQuerySchema = z.object({ period: z.enum(['24h', '7d', '30d']).default('24h') });

export async function stats(req: Request, ctx: AdminContext): Promise<Response> {
  const { period } = parseBody(statsQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const now = ctx.now();
  const [summary, tokens, challenge] = await Promise.all([
    statsSince(ctx.db, now - PERIODS[period]),
    countTokensByState(ctx.db, now),
    getMeta(ctx.db, 'egress_last_challenge'),
  ]);
  return Response.json({
    period,
    ...summary,
    successRate: summary.requests ? summary.ok / summary.requests : null,
    tokens,
    egress: challenge ? { lastChallenge: JSON.parse(challenge.value) } : { lastChallenge: null },
  });
}
