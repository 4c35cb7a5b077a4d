import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as logs from '@/lib/admin/logs';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => logs.exportUsage(req, ctx));
}
