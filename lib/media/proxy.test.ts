import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Platform } from '@/lib/platform';
import { signMediaUrl } from './links';

vi.mock('@/lib/db/client', () => ({ getDb: () => ({}) }));
vi.mock('@/lib/db/tokens', () => ({ getToken: async () => ({ id: 'tok1', tokenEnc: 'sealed' }) }));
vi.mock('@/lib/settings/store', () => ({ getSettings: async () => ({ user_agent: 'ua', cf_cookies: '' }) }));
vi.mock('@/lib/crypto', async (original) => ({ ...(await original<typeof import('@/lib/crypto')>()), decryptSecret: async () => 'sso-cookie' }));

const { handleMedia } = await import('./proxy');

const SECRET = 'a-test-secret-of-enough-length';
const ASSETS = 'https://assets.grok.com';

interface Stored {
  bytes: ArrayBuffer;
  meta: unknown;
}

function fakeKv(entries: Record<string, Stored> = {}) {
  return {
    async getWithMetadata(key: string) {
      const hit = entries[key];
      return { value: hit?.bytes ?? null, metadata: hit?.meta ?? null };
    },
    async put() {},
  };
}

function platformWith(fetchImpl: typeof fetch, kv = fakeKv()): Platform {
  return {
    env: { SECRET_KEY: SECRET, GROK_ASSETS_URL: ASSETS, GROK_BASE_URL: 'https://grok.com', KV_CACHE_MAX_BYTES: 1 << 20, CACHE_RESET_TZ_OFFSET_MINUTES: 0 },
    bindings: { KV_CACHE: kv, DB: {} },
    waitUntil: () => undefined,
    fetch: fetchImpl,
  } as unknown as Platform;
}

async function mediaRequest(path: string) {
  const link = new URL(await signMediaUrl(path, { origin: 'https://gw.example', secret: SECRET, tokenId: 'tok1', ttlSeconds: 600 }));
  const ref = link.pathname.slice('/images/'.length);
  return { req: new Request(link), ref };
}

function upstream(res: () => Response) {
  return vi.fn(async () => res()) as unknown as typeof fetch & ReturnType<typeof vi.fn>;
}

describe('handleMedia', () => {
  beforeEach(() => vi.clearAllMocks());

  it('does not follow an upstream redirect (it would carry the cookie)', async () => {
    const f = upstream(() => new Response(null, { status: 302, headers: { location: 'https://evil.example/steal' } }));
    const { req, ref } = await mediaRequest('/users/u1/generated/a.png');
    const res = await handleMedia(req, platformWith(f), ref);
    expect(res.status).toBe(502);
    expect(f).toHaveBeenCalledTimes(1);
    const [url, init] = f.mock.calls[0] as [URL, RequestInit];
    expect(String(url)).toBe(`${ASSETS}/users/u1/generated/a.png`);
    expect(init.redirect).toBe('manual');
    expect((init.headers as Record<string, string>).cookie).toContain('sso-cookie');
  });

  it.each([
    ['text/html; charset=utf-8', '/users/u1/generated/a.png', 'image/jpeg'],
    ['image/svg+xml', '/users/u1/generated/a.png', 'image/jpeg'],
    ['application/octet-stream', '/users/u1/generated/v.mp4', 'video/mp4'],
    ['image/png', '/users/u1/generated/a.png', 'image/png'],
    ['video/webm', '/users/u1/generated/v.webm', 'video/webm'],
  ])('serves upstream %s at %s as %s, with nosniff', async (upstreamType, path, served) => {
    const f = upstream(() => new Response('bytes', { headers: { 'content-type': upstreamType } }));
    const { req, ref } = await mediaRequest(path);
    const res = await handleMedia(req, platformWith(f), ref);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(served);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-cache')).toBe('MISS');
  });

  it('filters the type of an entry cached before types were filtered', async () => {
    const { req, ref } = await mediaRequest('/users/u1/generated/a.png');
    const kv = fakeKv({ [`media/image/${ref}`]: { bytes: new TextEncoder().encode('<svg onload=alert(1)>').buffer, meta: { contentType: 'text/html', type: 'image', size: 21, cachedAt: 0 } } });
    const res = await handleMedia(req, platformWith(upstream(() => new Response(null, { status: 500 })), kv), ref);
    expect(res.headers.get('x-cache')).toBe('HIT');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
