import { getPlatform } from '@/lib/platform';
import { handleCountTokens } from '@/lib/gateway/count-tokens';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleCountTokens(req, getPlatform());
}
