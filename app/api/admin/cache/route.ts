import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as cache from '@/lib/admin/cache';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => cache.get(req, ctx));
}

export function DELETE(req: Request) {
  return withAdmin(req, getPlatform(), cache.purge);
}
