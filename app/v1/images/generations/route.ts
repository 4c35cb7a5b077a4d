import { getPlatform } from '@/lib/platform';
import { handleImageGenerations } from '@/lib/gateway/images-api';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleImageGenerations(req, getPlatform());
}
