import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as cache from '@/lib/admin/cache';

export const runtime = 'edge';

type Params = { params: Promise<{ key: string[] }> };
const keyOf = async ({ params }: Params) => (await params).key.map(decodeURIComponent).join('/');

export async function GET(req: Request, p: Params) {
  const key = await keyOf(p);
  return withAdmin(req, getPlatform(), (ctx) => cache.preview(ctx, key));
}

export async function DELETE(req: Request, p: Params) {
  const key = await keyOf(p);
  return withAdmin(req, getPlatform(), (ctx) => cache.removeOne(ctx, key));
}
