/**
 * @module gateway/chat
 * `POST /v1/chat/completions` (and the dashboard chat): the shared conversation pipeline with the
 * OpenAI Chat Completions wire format.
 */
import type { Platform } from '@/lib/platform';
import { openaiChatFormat } from '@/lib/openai/chat-format';
import { MEDIA_EVENTS_HEADER, MEDIA_EVENTS_VALUE } from '@/lib/openai/media-extension';
import { handleConversation } from './conversation';

interface ChatOptions {
  /** The admin dashboard's chat uses the pool directly, authorised by the admin session instead of a key. */
  asAdmin?: boolean;
}

export function handleChatCompletions(req: Request, platform: Platform, opts: ChatOptions = {}): Promise<Response> {
  return handleConversation(req, platform, openaiChatFormat, {
    endpoint: opts.asAdmin ? '/api/admin/chat/completions' : '/v1/chat/completions',
    asAdmin: opts.asAdmin,
    media: req.headers.get(MEDIA_EVENTS_HEADER) === MEDIA_EVENTS_VALUE ? 'events' : 'text',
  });
}
