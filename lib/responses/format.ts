/** @module responses/format — the OpenAI Responses API (`POST /v1/responses`) as a wire format. */
import { errorResponse } from '@/lib/errors';
import type { WireFormat } from '@/lib/gateway/conversation';
import { parseBody } from '@/lib/http/body';
import { responsesRequestSchema, responsesToConversation } from './schemas';
import { createResponsesEncoder } from './encoder';

export const responsesFormat: WireFormat = {
  doneSentinel: false,
  idPrefix: 'resp_',
  parse(raw) {
    const body = parseBody(responsesRequestSchema, raw);
    const { messages, tools, toolChoice } = responsesToConversation(body);
    return { model: body.model, messages, stream: body.stream === true, tools, toolChoice, parallelToolCalls: body.parallel_tool_calls ?? true };
  },
  encoder: createResponsesEncoder,
  errorResponse: (err) => errorResponse(err),
  errorFrame: (err) => ({ event: 'error', data: { type: 'error', code: err.code, message: err.message, param: err.param, sequence_number: 0 } }),
};
