/**
 * @module admin/tokens
 * Account management: list with filters, import (dedupe, validation), edit, delete, batch actions,
 * export (after re-entering the password), live test and quota refresh.
 */
import { z } from 'zod';
import { wellFormedText } from '@/lib/http/text';
import { GatewayError } from '@/lib/errors';
import { parseBody, readJsonBody } from '@/lib/http/body';
import { normalizeToken } from '@/lib/grok/headers';
import { fetchRateLimits } from '@/lib/grok/client';
import { buildRateLimitPayload } from '@/lib/grok/payload';
import { statePolicy } from '@/lib/pool/state';
import { decryptSecret, encryptSecret, sha256Hex } from '@/lib/crypto';
import { confirmPassword } from './account';
import { loadOutcomes } from './outcomes';
import {
  allTokens,
  chargeFailure,
  deleteTokens,
  findTokensByHash,
  getToken,
  insertTokens,
  listTokens,
  updateToken,
  updateTokensWhereIds,
} from '@/lib/db/tokens';
import { storeRateLimits } from '@/lib/gateway/quota';
import type { TokenRow } from '@/lib/db/schema';
import type { AdminContext } from './guard';

const tagsSchema = z.array(wellFormedText().trim().min(1).max(40)).max(20);
const typeSchema = z.enum(['sso', 'ssoSuper']);

export const importSchema = z.object({
  tokens: z.union([z.string(), z.array(z.string())]),
  type: typeSchema.default('sso'),
  tags: tagsSchema.optional(),
  note: wellFormedText().max(500).optional(),
});
export const patchSchema = z.object({
  status: z.enum(['active', 'disabled']).optional(),
  type: typeSchema.optional(),
  tags: tagsSchema.optional(),
  note: wellFormedText().max(500).optional(),
  /** Clears cooldown and failure counters (e.g. after fixing Cloudflare clearance). */
  resetState: z.boolean().optional(),
});
export const batchSchema = z.object({
  ids: z.array(z.string()).min(1).max(1000),
  action: z.enum(['enable', 'disable', 'delete', 'reset', 'add_tag', 'remove_tag']),
  tag: z.string().trim().min(1).max(40).optional(),
});
export const listQuerySchema = z.object({
  status: z.enum(['active', 'cooling', 'quarantined', 'invalid', 'disabled']).optional(),
  type: typeSchema.optional(),
  q: z.string().max(200).optional(),
  tag: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

/** The accounts page reads the same query from its URL, but a bad parameter falls back to its default instead of a 400. */
export function parseListQueryLenient(params: Record<string, string | string[] | undefined>): z.infer<typeof listQuerySchema> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(listQuerySchema.shape)) {
    const r = field.safeParse(params[key]);
    out[key] = r.success ? r.data : field.parse(undefined);
  }
  return out as z.infer<typeof listQuerySchema>;
}

/** Tokens are JWT-like: printable, no spaces, reasonably long. */
const TOKEN_SHAPE = /^[A-Za-z0-9._\-+/=]{20,4096}$/;

export function tokenView(row: TokenRow, now: number) {
  const quarantined = row.status === 'active' && row.quarantinedUntil !== null;
  const cooling = row.status === 'active' && !quarantined && row.cooldownUntil !== null && row.cooldownUntil > now;
  return {
    id: row.id,
    suffix: row.suffix,
    type: row.type,
    status: quarantined ? ('quarantined' as const) : cooling ? ('cooling' as const) : row.status,
    cooldownUntil: cooling ? row.cooldownUntil : null,
    /** When its probe is due (quality guard), and why it was taken out. */
    quarantinedUntil: quarantined ? row.quarantinedUntil : null,
    quarantineReason: quarantined ? row.quarantineReason : null,
    quarantineCount: row.quarantineCount,
    failedCount: row.failedCount,
    lastFailureAt: row.lastFailureAt,
    lastFailureReason: row.lastFailureReason,
    remainingQueries: row.remainingQueries,
    heavyRemainingQueries: row.heavyRemainingQueries,
    /** When each bucket's quota window resets (from the last rate-limit query); null = unknown. */
    quotaResetAt: row.quotaResetAt,
    heavyQuotaResetAt: row.heavyQuotaResetAt,
    quotaSyncedAt: row.quotaSyncedAt,
    lastUsedAt: row.lastUsedAt,
    useCount: row.useCount,
    tags: row.tags,
    note: row.note,
    createdAt: row.createdAt,
  };
}

const tokenHash = (raw: string) => sha256Hex(`sso:${raw}`);

export async function list(req: Request, ctx: AdminContext): Promise<Response> {
  const query = parseBody(listQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const now = ctx.now();
  const { rows, total } = await listTokens(ctx.db, { ...query, now });
  const outcomes = await loadOutcomes(ctx.db, rows);
  return Response.json({ items: rows.map((r) => tokenView(r, now)), total, page: query.page, pageSize: query.pageSize, outcomes });
}

export async function importTokens(req: Request, ctx: AdminContext): Promise<Response> {
  const body = parseBody(importSchema, await readJsonBody(req));
  const lines = (Array.isArray(body.tokens) ? body.tokens : body.tokens.split(/\r?\n/)).map((l) => l.trim()).filter(Boolean);
  if (lines.length > 5000) throw new GatewayError('invalid_request', 'At most 5000 tokens per import', { param: 'tokens' });
  const invalid: string[] = [];
  const unique = new Map<string, string>();
  let duplicates = 0;
  for (const line of lines) {
    const raw = normalizeToken(line);
    if (!TOKEN_SHAPE.test(raw)) {
      invalid.push(line.length > 16 ? `${line.slice(0, 8)}…${line.slice(-4)}` : line);
      continue;
    }
    const hash = await tokenHash(raw);
    if (unique.has(hash)) duplicates++;
    else unique.set(hash, raw);
  }
  const existing = await findTokensByHash(ctx.db, [...unique.keys()]);
  duplicates += existing.size;
  const now = ctx.now();
  const rows = await Promise.all(
    [...unique].filter(([hash]) => !existing.has(hash)).map(async ([hash, raw]) => ({
      id: crypto.randomUUID(),
      tokenHash: hash,
      tokenEnc: await encryptSecret(ctx.secret, raw),
      suffix: raw.slice(-6),
      type: body.type,
      tags: body.tags ?? [],
      note: body.note ?? '',
      createdAt: now,
    })),
  );
  const added = await insertTokens(ctx.db, rows);
  duplicates += rows.length - added;
  return Response.json({ added, duplicates, invalid: invalid.length, invalidSamples: invalid.slice(0, 20) });
}

export async function patch(req: Request, ctx: AdminContext, id: string): Promise<Response> {
  const body = parseBody(patchSchema, await readJsonBody(req));
  const set: Parameters<typeof updateToken>[2] = {};
  if (body.status) set.status = body.status;
  if (body.type) set.type = body.type;
  if (body.tags) set.tags = body.tags;
  if (body.note !== undefined) set.note = body.note;
  if (body.resetState || body.status === 'active') Object.assign(set, { cooldownUntil: null, failedCount: 0, recentFailures: 0, quarantinedUntil: null, quarantineReason: null, suspectAnswers: 0 });
  if (!Object.keys(set).length) throw new GatewayError('invalid_request', 'Nothing to change');
  const row = await updateToken(ctx.db, id, set);
  if (!row) throw new GatewayError('not_found', 'No such token');
  return Response.json(tokenView(row, ctx.now()));
}

export async function remove(ctx: AdminContext, id: string): Promise<Response> {
  if (!(await deleteTokens(ctx.db, [id]))) throw new GatewayError('not_found', 'No such token');
  return Response.json({ ok: true });
}

export async function batch(req: Request, ctx: AdminContext): Promise<Response> {
  const body = parseBody(batchSchema, await readJsonBody(req));
  let affected = 0;
  switch (body.action) {
    case 'enable':
      affected = await updateTokensWhereIds(ctx.db, body.ids, { status: 'active', cooldownUntil: null, failedCount: 0, recentFailures: 0, quarantinedUntil: null, quarantineReason: null, suspectAnswers: 0 });
      break;
    case 'disable':
      affected = await updateTokensWhereIds(ctx.db, body.ids, { status: 'disabled' });
      break;
    case 'reset':
      affected = await updateTokensWhereIds(ctx.db, body.ids, { cooldownUntil: null, failedCount: 0, recentFailures: 0, quarantinedUntil: null, quarantineReason: null, suspectAnswers: 0 });
      break;
    case 'delete':
      affected = await deleteTokens(ctx.db, body.ids);
      break;
    case 'add_tag':
    case 'remove_tag': {
      if (!body.tag) throw new GatewayError('invalid_request', 'tag is required for this action', { param: 'tag' });
      for (const id of body.ids) {
        const row = await getToken(ctx.db, id);
        if (!row) continue;
        const tags = body.action === 'add_tag' ? [...new Set([...row.tags, body.tag])] : row.tags.filter((t) => t !== body.tag);
        await updateToken(ctx.db, id, { tags });
        affected++;
      }
    }
  }
  return Response.json({ ok: true, affected });
}

/** Raw tokens leave the server only after the admin re-enters the password. */
export async function exportTokens(req: Request, ctx: AdminContext): Promise<Response> {
  const password = req.headers.get('x-confirm-password') ?? '';
  const required = () => new GatewayError('forbidden', 'Re-enter the admin password (header X-Confirm-Password) to export tokens', { code: 'password_required' });
  if (!password) throw required();
  await confirmPassword(ctx, password, required);
  const rows = await allTokens(ctx.db);
  const lines = await Promise.all(rows.map((r) => decryptSecret(ctx.secret, r.tokenEnc)));
  return new Response(lines.join('\n') + (lines.length ? '\n' : ''), {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="grok2api-tokens-${new Date(ctx.now()).toISOString().slice(0, 10)}.txt"`,
      'cache-control': 'no-store',
    },
  });
}

/** Queries the account's quota; a dead account is marked exactly as a failed request would mark it. */
async function probe(ctx: AdminContext, row: TokenRow) {
  const model = ctx.catalog.resolve('grok-4') ?? ctx.catalog.list[0];
  const raw = await decryptSecret(ctx.secret, row.tokenEnc);
  const r = await fetchRateLimits(ctx.grok, raw, buildRateLimitPayload(ctx.settings.upstream_profile, model));
  const now = ctx.now();
  if (!r.ok) {
    await chargeFailure(ctx.db, row, 'default', r.failure, statePolicy(ctx.settings), now);
    return { id: row.id, ok: false as const, kind: r.failure.kind, message: r.failure.message };
  }
  await storeRateLimits(ctx.db, row.id, 'default', r.value, now);
  if (row.type === 'ssoSuper') {
    const heavy = ctx.catalog.list.find((m) => m.bucket === 'heavy');
    if (heavy) {
      const h = await fetchRateLimits(ctx.grok, raw, buildRateLimitPayload(ctx.settings.upstream_profile, heavy));
      if (h.ok) await storeRateLimits(ctx.db, row.id, 'heavy', h.value, now);
    }
  }
  return { id: row.id, ok: true as const, remaining: r.value.remaining ?? null, total: r.value.total ?? null, windowSeconds: r.value.windowSeconds ?? null };
}

export async function test(ctx: AdminContext, id: string): Promise<Response> {
  const row = await getToken(ctx.db, id);
  if (!row) throw new GatewayError('not_found', 'No such token');
  const result = await probe(ctx, row);
  const after = await getToken(ctx.db, id);
  return Response.json({ ...result, token: after ? tokenView(after, ctx.now()) : null });
}

export const refreshSchema = z.object({ ids: z.array(z.string()).max(100).optional() });

/** Refreshes quotas of the given accounts (or the 100 least recently synced), five at a time. */
export async function refresh(req: Request, ctx: AdminContext): Promise<Response> {
  // No body means "the least recently synced"; a malformed one is an error, not a refresh of everything.
  const body = parseBody(refreshSchema, await readJsonBody(req, { whenEmpty: {} }));
  let rows: TokenRow[];
  if (body.ids?.length) rows = (await Promise.all(body.ids.map((id) => getToken(ctx.db, id)))).filter((r): r is TokenRow => !!r);
  else rows = (await allTokens(ctx.db)).filter((r) => r.status !== 'disabled').sort((a, b) => (a.quotaSyncedAt ?? 0) - (b.quotaSyncedAt ?? 0)).slice(0, 100);
  const results: Awaited<ReturnType<typeof probe>>[] = [];
  for (let i = 0; i < rows.length; i += 5) results.push(...(await Promise.all(rows.slice(i, i + 5).map((r) => probe(ctx, r)))));
  return Response.json({ refreshed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results });
}
