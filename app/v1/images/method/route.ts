import { getPlatform } from '@/lib/platform';
import { handleImageMethod } from '@/lib/gateway/images-api';

export const runtime = 'edge';

export function GET(req: Request) {
  return handleImageMethod(req, getPlatform());
}
