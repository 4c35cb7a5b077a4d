import { getPlatform } from '@/lib/platform';
import { handleConversation } from '@/lib/gateway/conversation';
import { responsesFormat } from '@/lib/responses/format';

export const runtime = 'edge';

export function POST(req: Request) {
  return handleConversation(req, getPlatform(), responsesFormat, { endpoint: '/v1/responses' });
}
