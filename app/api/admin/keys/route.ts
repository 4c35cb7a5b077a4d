import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as keys from '@/lib/admin/keys';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), keys.list);
}

export function POST(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => keys.create(req, ctx));
}
