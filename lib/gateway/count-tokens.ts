/** @module gateway/count-tokens — `POST /v1/messages/count_tokens` (Claude Code asks before sending). */
import type { Platform } from '@/lib/platform';
import { toGatewayError } from '@/lib/errors';
import { loadContext } from '@/lib/gateway/context';
import { authorizeKey, ensureModelAllowed, resolveModel } from '@/lib/gateway/authorize';
import { parseBody, readJsonBody } from '@/lib/http/body';
import { estimateTokens, flattenMessages } from '@/lib/gateway/prompt';
import { messagesRequestSchema, messagesToConversation } from '@/lib/anthropic/schemas';
import { anthropicFormat } from '@/lib/anthropic/format';

export async function handleCountTokens(req: Request, platform: Platform): Promise<Response> {
  try {
    const ctx = await loadContext(platform);
    const caller = await authorizeKey(req, ctx);
    const raw = (await readJsonBody(req)) as Record<string, unknown>;
    // count_tokens has no max_tokens; reuse the Messages schema with a placeholder.
    const body = parseBody(messagesRequestSchema, { max_tokens: 1, ...raw });
    // The same allow-list as /v1/messages: a key may not learn about models it cannot use.
    ensureModelAllowed(caller, resolveModel(ctx, body.model, ['chat']));
    const { messages, tools } = messagesToConversation(body);
    const text = flattenMessages(messages).text + (tools.length ? JSON.stringify(tools) : '');
    return Response.json({ input_tokens: estimateTokens(text) });
  } catch (e) {
    return anthropicFormat.errorResponse(toGatewayError(e));
  }
}
