import { getPlatform } from '@/lib/platform';
import { withAdmin, type RouteParams } from '@/lib/admin/guard';
import * as tokens from '@/lib/admin/tokens';

export const runtime = 'edge';

export async function POST(req: Request, { params }: RouteParams) {
  const { id } = await params;
  return withAdmin(req, getPlatform(), (ctx) => tokens.test(ctx, id));
}
