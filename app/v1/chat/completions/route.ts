import { getPlatform } from '@/lib/platform';
import { handleChatCompletions } from '@/lib/gateway/chat';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleChatCompletions(req, getPlatform());
}
