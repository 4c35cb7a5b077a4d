import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as tokens from '@/lib/admin/tokens';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => tokens.exportTokens(req, ctx));
}
