import { getPlatform } from '@/lib/platform';
import { handleImageEdits } from '@/lib/gateway/images-api';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleImageEdits(req, getPlatform());
}
