/** @module anthropic/schemas — `POST /v1/messages` request, converted to the internal chat form. */
import { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { MODEL_MAX, MAX_MESSAGES, type ConversationMessage } from '@/lib/gateway/messages';
import type { ToolChoice, ToolSpec } from '@/lib/tools/convention';
import { toolSchema } from '@/lib/http/json-limits';

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.union([
    z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.looseObject({ type: z.literal('url'), url: z.string() }),
  ]),
});
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() });
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  is_error: z.boolean().optional(),
});
/** Block types we do not use pass through — but a known type must have its own shape (no image without a source). */
const KNOWN_BLOCKS = ['text', 'image', 'tool_use', 'tool_result'];
const otherBlock = z.looseObject({ type: z.string().refine((t) => !KNOWN_BLOCKS.includes(t)) });
const block = z.union([textBlock, imageBlock, toolUseBlock, toolResultBlock, otherBlock]);

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required').max(MODEL_MAX, `model is at most ${MODEL_MAX} characters`),
  max_tokens: z.number().int().positive('max_tokens must be positive'),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
  // Claude Code sends `role: "system"` items among the turns; they join the system text in order.
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant', 'system']), content: z.union([z.string(), z.array(block)]) })).min(1, 'messages must not be empty').max(MAX_MESSAGES, `at most ${MAX_MESSAGES} messages`),
  tools: z.array(z.looseObject({ name: z.string().min(1).max(128), description: z.string().optional(), input_schema: toolSchema().optional() })).max(128).optional(),
  tool_choice: z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() }).optional(),
  stream: z.boolean().optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
  temperature: z.number().min(0).max(1).optional(),
});
type MessagesRequest = z.infer<typeof messagesRequestSchema>;

type Block = Record<string, unknown> & { type: string };

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: Block) => (b.type === 'text' && typeof b.text === 'string' ? b.text : `[${b.type}]`)).join('\n');
}

const blockText = (content: string | Block[] | { type: string; text?: string }[] | undefined) =>
  typeof content === 'string' ? content : (content ?? []).map((b) => (typeof b.text === 'string' ? b.text : '')).join('\n');

export function messagesToConversation(body: MessagesRequest) {
  const messages: ConversationMessage[] = [];
  const system = [blockText(body.system), ...body.messages.filter((m) => m.role === 'system').map((m) => blockText(m.content as string | Block[]))]
    .filter((t) => t.trim())
    .join('\n\n');
  if (system) messages.push({ role: 'system', content: system });
  for (const m of body.messages) {
    if (m.role === 'system') continue;
    if (typeof m.content === 'string') {
      messages.push({ role: m.role, content: m.content });
      continue;
    }
    const parts: Exclude<ConversationMessage['content'], string | null | undefined> = [];
    const calls: NonNullable<ConversationMessage['tool_calls']> = [];
    for (const b of m.content as Block[]) {
      if (b.type === 'text') parts.push({ type: 'text', text: String(b.text) });
      else if (b.type === 'image') {
        const src = b.source as { type: string; media_type?: string; data?: string; url?: string };
        parts.push({ type: 'image_url', image_url: { url: src.type === 'base64' ? `data:${src.media_type};base64,${src.data}` : String(src.url) } });
      } else if (b.type === 'tool_use') calls.push({ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) } });
      else if (b.type === 'tool_result') {
        messages.push({ role: 'tool', tool_call_id: String(b.tool_use_id), content: `${b.is_error ? '[error] ' : ''}${toolResultText(b.content)}` });
      }
      // thinking / redacted_thinking / documents from earlier turns are not re-sent upstream.
    }
    if (parts.length || calls.length) messages.push({ role: m.role, content: parts.length ? parts : null, ...(calls.length ? { tool_calls: calls } : {}) });
  }

  const tools: ToolSpec[] = (body.tools ?? []).map((t) => ({ name: t.name, description: t.description, parameters: t.input_schema }));
  let toolChoice: ToolChoice | undefined;
  const c = body.tool_choice;
  if (c?.type === 'none') toolChoice = 'none';
  else if (c?.type === 'any') toolChoice = 'required';
  else if (c?.type === 'tool') {
    if (!c.name || !tools.some((t) => t.name === c.name)) throw new GatewayError('invalid_request', `tool_choice names "${c.name}", which is not in tools`, { param: 'tool_choice' });
    toolChoice = { name: c.name };
  } else if (c?.type === 'auto') toolChoice = 'auto';
  return { messages, tools, toolChoice, parallel: c?.disable_parallel_tool_use !== true };
}
