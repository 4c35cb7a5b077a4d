import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import { logout } from '@/lib/admin/account';

export const runtime = 'edge';

export function POST(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => logout(req, ctx), { beforePasswordChange: true });
}
