/**
 * @module cache/media-cache
 * Media bytes in KV (`KV_CACHE`), expiring at the next local midnight (`CACHE_RESET_TZ_OFFSET_MINUTES`),
 * only for files up to `KV_CACHE_MAX_BYTES`. Metadata carries what the admin cache page lists.
 */
import type { MediaKind } from '@/lib/media/links';

export const CACHE_PREFIX = 'media/';

export interface MediaMeta {
  contentType: string;
  size: number;
  type: MediaKind;
  cachedAt: number;
}

export function cacheKey(kind: MediaKind, ref: string): string {
  // KV keys are limited to 512 bytes; refs of long absolute URLs are shortened deterministically.
  const body = ref.length > 400 ? `${ref.slice(0, 200)}~${ref.length}~${ref.slice(-150)}` : ref;
  return `${CACHE_PREFIX}${kind}/${body}`;
}

/** Unix seconds of the next local midnight, at least 60 s ahead (KV's minimum). */
export function nextLocalMidnight(now: number, tzOffsetMinutes: number): number {
  const offsetMs = tzOffsetMinutes * 60_000;
  const day = 86_400_000;
  const midnight = Math.floor((now + offsetMs) / day) * day + day - offsetMs;
  return Math.max(Math.ceil(midnight / 1000), Math.ceil(now / 1000) + 60);
}

export async function getCached(kv: KVNamespace, key: string) {
  const hit = await kv.getWithMetadata<MediaMeta>(key, 'arrayBuffer');
  return hit.value && hit.metadata ? { bytes: hit.value, meta: hit.metadata } : undefined;
}

export async function putCached(kv: KVNamespace, key: string, bytes: ArrayBuffer, meta: MediaMeta, expiration: number): Promise<void> {
  await kv.put(key, bytes, { expiration, metadata: meta });
}

export interface CacheEntry extends MediaMeta {
  key: string;
  expiration?: number;
}

/** One page of entries (KV lists at most 1000 keys per call). */
export async function listCached(kv: KVNamespace, opts: { cursor?: string; limit?: number; type?: MediaKind }) {
  const page = await kv.list<MediaMeta>({ prefix: opts.type ? `${CACHE_PREFIX}${opts.type}/` : CACHE_PREFIX, cursor: opts.cursor, limit: opts.limit ?? 100 });
  const entries: CacheEntry[] = page.keys
    .filter((k) => k.metadata)
    .map((k) => ({ key: k.name, expiration: k.expiration, ...(k.metadata as MediaMeta) }));
  return { entries, cursor: page.list_complete ? undefined : page.cursor };
}

/** Walks every key (bounded) to total count and bytes by type. */
export async function cacheUsage(kv: KVNamespace, maxPages = 50) {
  const byType: Record<MediaKind, { count: number; bytes: number }> = { image: { count: 0, bytes: 0 }, video: { count: 0, bytes: 0 } };
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await kv.list<MediaMeta>({ prefix: CACHE_PREFIX, cursor, limit: 1000 });
    for (const k of page.keys) {
      const m = k.metadata;
      if (!m) continue;
      byType[m.type].count++;
      byType[m.type].bytes += m.size;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && ++pages < maxPages);
  return { count: byType.image.count + byType.video.count, bytes: byType.image.bytes + byType.video.bytes, byType, truncated: !!cursor };
}

export async function deleteCached(kv: KVNamespace, key: string): Promise<boolean> {
  if (!key.startsWith(CACHE_PREFIX)) return false;
  const exists = (await kv.list({ prefix: key, limit: 1 })).keys.some((k) => k.name === key);
  await kv.delete(key);
  return exists;
}

export async function purgeCache(kv: KVNamespace): Promise<number> {
  let deleted = 0;
  for (let round = 0; round < 100; round++) {
    const page = await kv.list({ prefix: CACHE_PREFIX, limit: 1000 });
    if (!page.keys.length) break;
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    deleted += page.keys.length;
    if (page.list_complete) break;
  }
  return deleted;
}
