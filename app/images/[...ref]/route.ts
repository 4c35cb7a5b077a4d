import { getPlatform } from '@/lib/platform';
import { handleMedia } from '@/lib/media/proxy';

export const runtime = 'edge';

export async function GET(req: Request, { params }: { params: Promise<{ ref: string[] }> }) {
  const { ref } = await params;
  return handleMedia(req, getPlatform(), ref.join('/'));
}
