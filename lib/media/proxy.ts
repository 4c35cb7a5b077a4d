/**
 * @module media/proxy
 * `GET /images/<ref>?t=&exp=&sig=`: serves generated media. KV first (`x-cache: HIT`); otherwise fetched
 * upstream with the owning account's cookie and streamed to the client while a copy (if small enough and
 * not a range request) is stored in KV until local midnight. Bad links are 403, paths outside the allowed
 * upstream hosts 400; a bad media path never counts against an account. Upstream redirects are not
 * followed, and only image/video types (never SVG) are served, with `nosniff`.
 */
import type { Platform } from '@/lib/platform';
import { GatewayError, errorResponse } from '@/lib/errors';
import { getDb } from '@/lib/db/client';
import { getToken } from '@/lib/db/tokens';
import { getSettings } from '@/lib/settings/store';
import { assetHeaders } from '@/lib/grok/headers';
import { decryptSecret } from '@/lib/crypto';
import { requireSecret } from '@/lib/gateway/context';
import { cacheKey, getCached, nextLocalMidnight, putCached, type MediaMeta } from '@/lib/cache/media-cache';
import { decodeMediaRef, mediaKindOf, upstreamMediaUrl, verifyMediaLink } from './links';
import { parseRange } from './range';
import { readAtMost } from '@/lib/http/read-body';
import { servableMediaType } from '@/lib/net/media-type';

// nosniff: the type below is the only reading a browser may make of these bytes on our origin.
const CACHE_HEADERS = {
  'cache-control': 'private, max-age=86400',
  'accept-ranges': 'bytes',
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
};

function fromCache(req: Request, bytes: ArrayBuffer, meta: MediaMeta): Response {
  const range = parseRange(req.headers.get('range'), bytes.byteLength);
  // Entries stored before types were filtered may hold anything upstream sent.
  const headers = { ...CACHE_HEADERS, 'content-type': servableMediaType(meta.contentType, meta.type), 'x-cache': 'HIT' };
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${bytes.byteLength}` } });
  if (range.kind === 'partial') {
    return new Response(bytes.slice(range.start, range.end + 1), {
      status: 206,
      headers: { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${bytes.byteLength}`, 'content-length': String(range.end - range.start + 1) },
    });
  }
  return new Response(bytes, { headers: { ...headers, 'content-length': String(bytes.byteLength) } });
}

export async function handleMedia(req: Request, platform: Platform, ref: string): Promise<Response> {
  try {
    const secret = requireSecret(platform);
    const url = new URL(req.url);
    const check = await verifyMediaLink(ref, url.searchParams, secret);
    if (!check.ok) {
      const why = { missing: 'missing signature', expired: 'this media link has expired', bad_signature: 'invalid signature' }[check.reason];
      throw new GatewayError('forbidden', `Media link rejected: ${why}`, { code: `media_link_${check.reason}` });
    }
    const decoded = decodeMediaRef(ref);
    const env = platform.env;
    const upstream = decoded && upstreamMediaUrl(decoded, env.GROK_ASSETS_URL, [new URL(env.GROK_BASE_URL).host]);
    if (!upstream) throw new GatewayError('invalid_request', 'Media path is not an allowed upstream asset', { code: 'invalid_media_path' });

    const kind = mediaKindOf(upstream.pathname);
    const key = cacheKey(kind, ref);
    const kv = platform.bindings.KV_CACHE;
    const hit = await getCached(kv, key);
    if (hit) return fromCache(req, hit.bytes, hit.meta);

    const db = getDb(platform.bindings.DB);
    const token = await getToken(db, check.tokenId);
    if (!token) throw new GatewayError('not_found', 'The account that generated this media no longer exists', { code: 'media_owner_gone' });
    const settings = await getSettings(platform.bindings.DB);
    const raw = await decryptSecret(secret, token.tokenEnc);
    const range = req.headers.get('range');
    let res: Response;
    try {
      res = await platform.fetch(upstream, {
        headers: assetHeaders({ token: raw, settings, origin: new URL(env.GROK_BASE_URL).origin }, range),
        // A redirect would carry the account cookie to wherever it points; it is an upstream failure instead.
        redirect: 'manual',
        signal: req.signal,
      });
    } catch {
      throw new GatewayError('upstream_error', 'Could not reach the media host');
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 404) throw new GatewayError('not_found', 'Media not found upstream');
      throw new GatewayError('upstream_error', `Media host answered HTTP ${res.status}`);
    }

    const contentType = servableMediaType(res.headers.get('content-type'), kind);
    const length = Number(res.headers.get('content-length') ?? NaN);
    const headers = new Headers({ ...CACHE_HEADERS, 'content-type': contentType, 'x-cache': 'MISS' });
    for (const h of ['content-length', 'content-range']) {
      const v = res.headers.get(h);
      if (v) headers.set(h, v);
    }
    const cacheable = res.status === 200 && !range && !(length > env.KV_CACHE_MAX_BYTES);
    let body = res.body;
    if (cacheable) {
      const [toClient, toCache] = res.body.tee();
      body = toClient;
      platform.waitUntil(
        readAtMost(toCache, env.KV_CACHE_MAX_BYTES).then((bytes) =>
          bytes
            ? putCached(kv, key, bytes.buffer, { contentType, size: bytes.byteLength, type: kind, cachedAt: Date.now() }, nextLocalMidnight(Date.now(), env.CACHE_RESET_TZ_OFFSET_MINUTES))
            : undefined,
        ),
      );
    }
    return new Response(body, { status: res.status, headers });
  } catch (e) {
    return errorResponse(e);
  }
}
