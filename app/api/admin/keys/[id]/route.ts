import { getPlatform } from '@/lib/platform';
import { withAdmin, type RouteParams } from '@/lib/admin/guard';
import * as keys from '@/lib/admin/keys';

export const runtime = 'edge';

export async function PATCH(req: Request, { params }: RouteParams) {
  const { id } = await params;
  return withAdmin(req, getPlatform(), (ctx) => keys.patch(req, ctx, id));
}

export async function DELETE(req: Request, { params }: RouteParams) {
  const { id } = await params;
  return withAdmin(req, getPlatform(), (ctx) => keys.remove(ctx, id));
}
