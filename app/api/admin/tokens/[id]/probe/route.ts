import { getPlatform } from '@/lib/platform';
import { withAdmin, type RouteParams } from '@/lib/admin/guard';
import { probeProfiles } from '@/lib/admin/probe';

export const runtime = 'edge';

export async function POST(req: Request, { params }: RouteParams) {
  const { id } = await params;
  return withAdmin(req, getPlatform(), (ctx) => probeProfiles(ctx, id));
}
