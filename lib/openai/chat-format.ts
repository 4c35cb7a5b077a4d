/**
 * @module openai/chat-format
 * The OpenAI Chat Completions wire format for the shared conversation pipeline: request → internal
 * request, events → `chat.completion.chunk`s / one `chat.completion`, errors in the OpenAI envelope.
 */
import { GatewayError, errorResponse } from '@/lib/errors';
import type { WireFormat } from '@/lib/gateway/conversation';
import type { ToolChoice } from '@/lib/tools/convention';
import { parseBody } from '@/lib/http/body';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from './schemas';
import { createChatEncoder } from './chunks';

function toolChoice(choice: ChatCompletionRequest['tool_choice'], names: string[]): ToolChoice | undefined {
  if (!choice) return undefined;
  if (typeof choice === 'string') return choice;
  if (!names.includes(choice.function.name)) {
    throw new GatewayError('invalid_request', `tool_choice names "${choice.function.name}", which is not in tools`, { param: 'tool_choice' });
  }
  return { name: choice.function.name };
}

export const openaiChatFormat: WireFormat = {
  doneSentinel: true,
  idPrefix: 'chatcmpl-',
  parse(raw) {
    const body = parseBody(chatCompletionRequestSchema, raw);
    const tools = body.tools?.map((t) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters }));
    return {
      model: body.model,
      messages: body.messages,
      stream: body.stream === true,
      tools,
      toolChoice: toolChoice(body.tool_choice, tools?.map((t) => t.name) ?? []),
      parallelToolCalls: body.parallel_tool_calls ?? true,
      videoConfig: body.video_config ?? undefined,
      options: { includeUsage: body.stream_options?.include_usage === true },
    };
  },
  encoder(meta) {
    const enc = createChatEncoder(meta);
    const frames = (chunks: unknown[]) => chunks.map((data) => ({ data }));
    return {
      start: () => frames([enc.start()]),
      event: (e) => frames(enc.event(e)),
      finish: () => frames([...enc.finish(), ...(meta.request.options?.includeUsage ? [enc.usageChunk()] : [])]),
      body: () => enc.completion(),
      completionTokens: () => enc.usage().completion_tokens,
      get hasOutput() {
        return enc.hasOutput;
      },
    };
  },
  errorResponse: (err) => errorResponse(err),
  errorFrame: (err) => ({ data: err.toJSON() }),
};
