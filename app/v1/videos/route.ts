import { getPlatform } from '@/lib/platform';
import { handleCreateVideo } from '@/lib/gateway/videos-api';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleCreateVideo(req, getPlatform());
}
