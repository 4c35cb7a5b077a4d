import { getPlatform } from '@/lib/platform';
export const runtime = 'edge';
export async function GET() {
  const p = getPlatform();
  const env = p.env as unknown as { DB?: D1Database; KV_CACHE?: KVNamespace };
  const r = await env.DB!.prepare('select 1 as x').first();
  return Response.json({ status: 'ok', db: r, kv: !!env.KV_CACHE });
}
