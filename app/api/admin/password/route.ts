import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import { changePassword } from '@/lib/admin/account';

export const runtime = 'edge';

export function POST(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => changePassword(req, ctx), { beforePasswordChange: true });
}
