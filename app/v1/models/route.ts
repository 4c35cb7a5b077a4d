import { getPlatform } from '@/lib/platform';
import { handleListModels } from '@/lib/gateway/models';

export const runtime = 'edge';

export function GET(req: Request) {
  return handleListModels(req, getPlatform());
}
