/** @module responses/schemas — `POST /v1/responses` request, converted to the internal chat form. */
import { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { MODEL_MAX, MAX_MESSAGES, type ConversationMessage } from '@/lib/gateway/messages';
import type { ToolChoice, ToolSpec } from '@/lib/tools/convention';
import { toolSchema } from '@/lib/http/json-limits';

const inputContent = z.union([
  z.string(),
  z.array(
    z.union([
      z.looseObject({ type: z.enum(['input_text', 'output_text', 'text']), text: z.string() }),
      z.looseObject({ type: z.literal('input_image'), image_url: z.string().min(1) }),
      z.looseObject({ type: z.string() }),
    ]),
  ),
]);

const inputItem = z.union([
  z.looseObject({ type: z.literal('message').optional(), role: z.enum(['user', 'assistant', 'system', 'developer']), content: inputContent }),
  z.looseObject({ type: z.literal('function_call'), call_id: z.string(), name: z.string(), arguments: z.string() }),
  z.looseObject({ type: z.literal('function_call_output'), call_id: z.string(), output: z.union([z.string(), z.array(z.unknown())]) }),
  // Item types we do not use (reasoning, item_reference, …) pass through; a message must match its own shape.
  z.looseObject({ type: z.string().refine((t) => !['message', 'function_call', 'function_call_output'].includes(t)), role: z.never().optional() }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required').max(MODEL_MAX, `model is at most ${MODEL_MAX} characters`),
  input: z.union([z.string(), z.array(inputItem).max(MAX_MESSAGES, `at most ${MAX_MESSAGES} input items`)]),
  instructions: z.string().nullish(),
  tools: z
    .array(z.union([z.looseObject({ type: z.literal('function'), name: z.string().min(1).max(128), description: z.string().nullish(), parameters: toolSchema().optional() }), z.looseObject({ type: z.string().refine((t) => t !== 'function') })]))
    .max(128)
    .nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), name: z.string() }), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
});
type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

type Part = { type: string; text?: string; image_url?: string };

function contentToChat(content: z.infer<typeof inputContent>): ConversationMessage['content'] {
  if (typeof content === 'string') return content;
  type ChatPart = Exclude<ConversationMessage['content'], string | null | undefined>[number];
  return (content as Part[]).flatMap((p): ChatPart[] => {
    if ((p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') && typeof p.text === 'string') return [{ type: 'text', text: p.text }];
    if (p.type === 'input_image' && p.image_url) return [{ type: 'image_url', image_url: { url: p.image_url } }];
    return [];
  });
}

export function responsesToConversation(body: ResponsesRequest) {
  if (body.previous_response_id) {
    throw new GatewayError(
      'invalid_request',
      'previous_response_id is not supported: this gateway does not store responses. Send the whole conversation in `input`.',
      { param: 'previous_response_id', code: 'unsupported_parameter' },
    );
  }
  const messages: ConversationMessage[] = [];
  if (body.instructions) messages.push({ role: 'system', content: body.instructions });
  const items = typeof body.input === 'string' ? [{ role: 'user' as const, content: body.input }] : body.input;
  for (const item of items as Record<string, unknown>[]) {
    if (item.type === 'function_call') {
      const call = { id: String(item.call_id), type: 'function' as const, function: { name: String(item.name), arguments: String(item.arguments) } };
      const last = messages[messages.length - 1];
      // Consecutive calls belong to one assistant turn.
      if (last?.role === 'assistant' && last.tool_calls && !last.content) last.tool_calls.push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (item.type === 'function_call_output') {
      const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
      messages.push({ role: 'tool', tool_call_id: String(item.call_id), content: output });
    } else if (typeof item.role === 'string') {
      messages.push({ role: item.role as ConversationMessage['role'], content: contentToChat(item.content as z.infer<typeof inputContent>) });
    }
    // Other item types (reasoning, built-in tool results) carry nothing the upstream can use.
  }
  if (!messages.length) throw new GatewayError('invalid_request', 'input is empty', { param: 'input' });

  const tools: ToolSpec[] = (body.tools ?? [])
    .filter((t): t is { type: 'function'; name: string; description?: string | null; parameters?: unknown } => t.type === 'function')
    .map((t) => ({ name: t.name, description: t.description ?? undefined, parameters: t.parameters }));
  let toolChoice: ToolChoice | undefined;
  const choice = body.tool_choice as unknown;
  if (typeof choice === 'string') toolChoice = choice as ToolChoice;
  else if (choice && typeof choice === 'object' && (choice as { type?: unknown }).type === 'function') {
    const name = String((choice as { name?: unknown }).name);
    if (!tools.some((t) => t.name === name)) throw new GatewayError('invalid_request', `tool_choice names "${name}", which is not in tools`, { param: 'tool_choice' });
    toolChoice = { name };
  }
  return { messages, tools, toolChoice };
}
