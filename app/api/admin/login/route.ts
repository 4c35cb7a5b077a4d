import { getPlatform } from '@/lib/platform';
import { withPublic } from '@/lib/admin/guard';
import { login } from '@/lib/admin/account';

export const runtime = 'edge';

export function POST(req: Request) {
  return withPublic(req, getPlatform(), (ctx) => login(req, ctx));
}
