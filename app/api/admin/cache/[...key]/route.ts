import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as cache from '@/lib/admin/cache';

export const runtime = 'edge';

type Params = { params: Promise<{ key: string[] }> };
const keyOf = async ({ params }: Params) => cache.keyFromPath((await params).key);

export function GET(req: Request, p: Params) {
  return withAdmin(req, getPlatform(), async (ctx) => cache.preview(ctx, await keyOf(p)));
}

export function DELETE(req: Request, p: Params) {
  return withAdmin(req, getPlatform(), async (ctx) => cache.removeOne(ctx, await keyOf(p)));
}
