import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as settings from '@/lib/admin/settings';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), settings.get);
}

export function PUT(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => settings.put(req, ctx));
}
