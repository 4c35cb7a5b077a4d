/**
 * @module openai/schemas
 * Request schemas for the OpenAI-compatible API. Unknown fields are accepted (clients send many) but every
 * field we read is validated; a zod issue becomes a 400 whose `param` is the issue path.
 */
import { z } from 'zod';
import { toolSchema } from '@/lib/http/json-limits';
import { MAX_MESSAGES, MODEL_MAX } from '@/lib/gateway/messages';


const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string().min(1), z.object({ url: z.string().min(1), detail: z.string().optional() })]),
});
/** Parts we accept but do not forward (audio, files) are tolerated, not silently mis-read. */
const otherPart = z.looseObject({ type: z.string().refine((t) => t !== 'text' && t !== 'image_url', 'malformed content part') });
const contentPartSchema = z.union([textPart, imagePart, otherPart]);

const toolCallSchema = z.looseObject({
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string().optional() }),
});

const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required').max(MODEL_MAX, `model is at most ${MODEL_MAX} characters`),
  messages: z.array(chatMessageSchema).min(1, 'messages must contain at least one message').max(MAX_MESSAGES, `at most ${MAX_MESSAGES} messages`),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().min(1).max(1, 'only n=1 is supported').nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  reasoning_effort: z.string().nullish(),
  user: z.string().nullish(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({ name: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'invalid function name'), description: z.string().optional(), parameters: toolSchema().optional() }),
      }),
    )
    .max(128)
    .nullish(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  /** Video models only (spec §6.5): validated by the video module. */
  video_config: z.record(z.string(), z.unknown()).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
