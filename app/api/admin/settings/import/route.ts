import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import { importSettings } from '@/lib/admin/settings-backup';

export const runtime = 'edge';

export function POST(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => importSettings(req, ctx));
}
