/**
 * @module anthropic/format
 * The Anthropic Messages API (`POST /v1/messages`, for Claude Code and the Anthropic SDK) as a wire format.
 * Auth is our API keys via `x-api-key` or Bearer; errors use Anthropic's `{type:"error", error:{type,message}}`.
 */
import type { GatewayError } from '@/lib/errors';
import type { WireFormat } from '@/lib/gateway/conversation';
import { parseBody } from '@/lib/http/body';
import { messagesRequestSchema, messagesToConversation } from './schemas';
import { createMessagesEncoder } from './encoder';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
};

export function anthropicError(err: GatewayError) {
  return { type: 'error', error: { type: ERROR_TYPES[err.status] ?? 'api_error', message: err.message } };
}

export const anthropicFormat: WireFormat = {
  doneSentinel: false,
  idPrefix: 'msg_',
  parse(raw) {
    const body = parseBody(messagesRequestSchema, raw);
    const { messages, tools, toolChoice, parallel } = messagesToConversation(body);
    return {
      model: body.model,
      messages,
      stream: body.stream === true,
      tools,
      toolChoice,
      parallelToolCalls: parallel,
      options: { thinking: body.thinking?.type },
    };
  },
  encoder: (meta) =>
    createMessagesEncoder({
      ...meta,
      requestedModel: meta.request.model,
      showThinking: meta.reasoningOutput !== 'hidden' && meta.request.options?.thinking !== 'disabled',
    }),
  errorResponse(err) {
    const headers = new Headers({ 'content-type': 'application/json' });
    if (err.retryAfter !== undefined) headers.set('retry-after', String(Math.max(1, Math.ceil(err.retryAfter))));
    return new Response(JSON.stringify(anthropicError(err)), { status: err.status, headers });
  },
  errorFrame: (err) => ({ event: 'error', data: anthropicError(err) }),
};
