import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import * as tokens from '@/lib/admin/tokens';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => tokens.list(req, ctx));
}

export function POST(req: Request) {
  return withAdmin(req, getPlatform(), (ctx) => tokens.importTokens(req, ctx));
}
