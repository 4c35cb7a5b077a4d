import { getPlatform } from '@/lib/platform';
import { handleConversation } from '@/lib/gateway/conversation';
import { anthropicFormat } from '@/lib/anthropic/format';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleConversation(req, getPlatform(), anthropicFormat, { endpoint: '/v1/messages' });
}
