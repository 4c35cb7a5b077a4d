/** @module admin/cache — media cache usage, paged listing with preview links, delete one, purge all. */
import { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { parseBody } from '@/lib/http/body';
import { CACHE_PREFIX, cacheUsage, deleteCached, listCached, purgeCache, type MediaMeta } from '@/lib/cache/media-cache';
import { servableMediaType } from '@/lib/net/media-type';
import type { AdminContext } from './guard';

export const querySchema = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  type: z.enum(['image', 'video']).optional(),
});

export async function get(req: Request, ctx: AdminContext): Promise<Response> {
  const q = parseBody(querySchema, Object.fromEntries(new URL(req.url).searchParams));
  const kv = ctx.platform.bindings.KV_CACHE;
  const [usage, page] = await Promise.all([cacheUsage(kv), listCached(kv, q)]);
  return Response.json({
    ...usage,
    items: page.entries.map((e) => ({ ...e, preview: `/api/admin/cache/${encodeURIComponent(e.key)}` })),
    cursor: page.cursor ?? null,
  });
}

/**
 * Serves a cached entry to the admin (previews in the dashboard). The bytes came from upstream and are
 * served on the dashboard's own origin, so only an image/video type goes out, with `nosniff`.
 */
export async function preview(ctx: AdminContext, key: string): Promise<Response> {
  if (!key.startsWith(CACHE_PREFIX)) throw new GatewayError('not_found', 'Not in the cache');
  const hit = await ctx.platform.bindings.KV_CACHE.getWithMetadata<Partial<MediaMeta>>(key, 'stream');
  if (!hit.value) throw new GatewayError('not_found', 'Not in the cache');
  const kind = hit.metadata?.type === 'video' || key.startsWith(`${CACHE_PREFIX}video/`) ? 'video' : 'image';
  return new Response(hit.value, {
    headers: { 'content-type': servableMediaType(hit.metadata?.contentType, kind), 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });
}

export async function removeOne(ctx: AdminContext, key: string): Promise<Response> {
  if (!(await deleteCached(ctx.platform.bindings.KV_CACHE, key))) throw new GatewayError('not_found', 'Not in the cache');
  return Response.json({ ok: true });
}

export async function purge(ctx: AdminContext): Promise<Response> {
  return Response.json({ ok: true, deleted: await purgeCache(ctx.platform.bindings.KV_CACHE) });
}

/** The cache key from its URL path segments; bad percent-encoding is the client's mistake (400), not a 500. */
export function keyFromPath(segments: string[]): string {
  try {
    return segments.map(decodeURIComponent).join('/');
  } catch {
    throw new GatewayError('invalid_request', 'The cache key in the path is not valid percent-encoding', { code: 'invalid_cache_key' });
  }
}
