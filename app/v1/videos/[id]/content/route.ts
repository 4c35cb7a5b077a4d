import { getPlatform } from '@/lib/platform';
import { handleVideoContent } from '@/lib/gateway/videos-api';

export const runtime = 'edge';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleVideoContent(req, getPlatform(), (await params).id);
}
