import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import { handleChatCompletions } from '@/lib/gateway/chat';

export const runtime = 'edge';

/** The dashboard chat: same gateway path as /v1, authorised by the admin session. */
export function POST(req: Request) {
  const platform = getPlatform();
  return withAdmin(req, platform, () => handleChatCompletions(req, platform, { asAdmin: true }));
}
