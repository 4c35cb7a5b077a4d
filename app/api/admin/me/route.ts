import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import { me } from '@/lib/admin/account';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), me, { beforePasswordChange: true });
}
