/** @module admin/keys — API keys: create (plaintext shown once), list with today's usage, edit, delete. */
import { z } from 'zod';
import { keyCreateSchema } from './key-schema';
import { GatewayError } from '@/lib/errors';
import { parseBody, readJsonBody } from '@/lib/http/body';
import { generateApiKey } from '@/lib/auth/api-keys';
import { deleteKey, insertKey, listKeys, liveLeases, updateKey, usageFor } from '@/lib/db/keys';
import type { ApiKeyRow } from '@/lib/db/schema';
import { localDay } from '@/lib/gateway/key-limits';
import type { AdminContext } from './guard';

export { keyCreateSchema };
export const keyPatchSchema = keyCreateSchema.partial().extend({ status: z.enum(['active', 'disabled']).optional() });

function checkModels(ctx: AdminContext, models: string[] | null | undefined) {
  const unknown = (models ?? []).filter((m) => !ctx.catalog.resolve(m));
  if (unknown.length) throw new GatewayError('invalid_request', `Unknown model(s): ${unknown.join(', ')}`, { param: 'models' });
}

/** One key as the admin API and the dashboard show it (today's usage per bucket, live requests). */
export async function keyView(ctx: AdminContext, row: ApiKeyRow) {
  const now = ctx.now();
  const day = localDay(now, ctx.platform.env.CACHE_RESET_TZ_OFFSET_MINUTES);
  const [usageToday, inFlight] = await Promise.all([usageFor(ctx.db, row.id, day.window), liveLeases(ctx.db, row.id, now)]);
  const expired = row.expiresAt !== null && row.expiresAt <= now;
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    status: expired ? ('expired' as const) : row.status,
    expiresAt: row.expiresAt,
    models: row.models,
    limits: row.limits,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    usageToday,
    inFlight,
  };
}

export async function list(ctx: AdminContext): Promise<Response> {
  const rows = await listKeys(ctx.db);
  return Response.json({ items: await Promise.all(rows.map((r) => keyView(ctx, r))), total: rows.length });
}

export async function create(req: Request, ctx: AdminContext): Promise<Response> {
  const body = parseBody(keyCreateSchema, await readJsonBody(req));
  checkModels(ctx, body.models);
  const { key, hash, prefix } = await generateApiKey();
  const id = crypto.randomUUID();
  const now = ctx.now();
  const row = { id, name: body.name, keyHash: hash, prefix, expiresAt: body.expiresAt ?? null, models: body.models?.length ? body.models : null, limits: body.limits ?? {}, createdAt: now };
  await insertKey(ctx.db, row);
  return Response.json({ id, key, name: body.name, prefix }, { status: 201 });
}

export async function patch(req: Request, ctx: AdminContext, id: string): Promise<Response> {
  const body = parseBody(keyPatchSchema, await readJsonBody(req));
  checkModels(ctx, body.models);
  const set: Parameters<typeof updateKey>[2] = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.status !== undefined) set.status = body.status;
  if (body.expiresAt !== undefined) set.expiresAt = body.expiresAt;
  if (body.models !== undefined) set.models = body.models?.length ? body.models : null;
  if (body.limits !== undefined) set.limits = body.limits;
  if (!Object.keys(set).length) throw new GatewayError('invalid_request', 'Nothing to change');
  const row = await updateKey(ctx.db, id, set);
  if (!row) throw new GatewayError('not_found', 'No such API key');
  return Response.json(await keyView(ctx, row));
}

export async function remove(ctx: AdminContext, id: string): Promise<Response> {
  if (!(await deleteKey(ctx.db, id))) throw new GatewayError('not_found', 'No such API key');
  return Response.json({ ok: true });
}
