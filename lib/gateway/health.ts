/** @module gateway/health — liveness without touching upstream: build id and whether bindings answer. */
import type { Platform } from '@/lib/platform';

export async function handleHealth(platform: Platform): Promise<Response> {
  const [db, kv] = await Promise.all([
    platform.bindings.DB.prepare('select 1').first().then(() => true, () => false),
    platform.bindings.KV_CACHE.get('health-probe').then(() => true, () => false),
  ]);
  const ok = db && kv;
  return Response.json(
    { status: ok ? 'ok' : 'degraded', build: platform.env.BUILD_SHA, bindings: { db, kv } },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
