/**
 * @module openapi/envelopes
 * The error bodies the app sends, as zod schemas for the OpenAPI document only (nothing parses requests with
 * them). `openapi.test.ts` checks them against what `GatewayError.toJSON()` and `anthropicError()` produce.
 */
import { z } from 'zod';

/** `{error:{message,type,param,code}}`: the one envelope of `lib/errors.ts` (OpenAI style), every route but Anthropic's. */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string().describe('Human-readable; never an internal exception message.'),
    type: z.string().describe('OpenAI error type, e.g. `invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`.'),
    param: z.string().nullable().describe('The offending request field (zod issue path, e.g. `messages[0].role`), or null.'),
    code: z.string().describe('Machine code, e.g. `invalid_api_key`, `model_not_allowed`, `rpm_exceeded`, `upstream_challenge`.'),
  }),
});

/** `PUT /api/admin/settings` adds the per-setting messages to the envelope. */
export const settingsErrorSchema = errorEnvelopeSchema.extend({
  fieldErrors: z.record(z.string(), z.string()).describe('Setting name → what is wrong with its value.'),
});

/** `/v1/messages` and its `count_tokens`: Anthropic's `{type:"error", error:{type,message}}` (`lib/anthropic/format.ts`). */
export const anthropicErrorSchema = z.object({
  type: z.literal('error'),
  error: z.object({
    type: z.string().describe('Anthropic error type, e.g. `invalid_request_error`, `authentication_error`, `overloaded_error`.'),
    message: z.string(),
  }),
});
