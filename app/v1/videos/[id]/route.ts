import { getPlatform } from '@/lib/platform';
import { handleGetVideo } from '@/lib/gateway/videos-api';

export const runtime = 'edge';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleGetVideo(req, getPlatform(), (await params).id);
}
