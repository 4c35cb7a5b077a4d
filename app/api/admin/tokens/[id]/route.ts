import { getPlatform } from '@/lib/platform';
import { withAdmin, type RouteParams } from '@/lib/admin/guard';
import * as tokens from '@/lib/admin/tokens';

export const runtime = 'edge';

export async function PATCH(req: Request, { params }: RouteParams) {
  const { id } = await params;
  return withAdmin(req, getPlatform(), (ctx) => tokens.patch(req, ctx, id));
}

export async function DELETE(req: Request, { params }: RouteParams) {
  const { id } = await params;
  return withAdmin(req, getPlatform(), (ctx) => tokens.remove(ctx, id));
}
