/**
 * @module openai/image-schemas
 * Images API request schemas, the size → aspect-ratio mapping, and response shapes.
 */
import { z } from 'zod';

/** Aspect ratios Grok's image generation accepts (spec §6.2). */
const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '16:9', '9:16'] as const;
type AspectRatio = (typeof ASPECT_RATIOS)[number];

/**
 * `WIDTHxHEIGHT` or `W:H` → the supported ratio nearest on a log scale (so 1792x1024 → 16:9, 1024x1536 → 2:3).
 * Omitted or `auto` → 1:1. Returns undefined for text that is not a size.
 */
export function aspectRatioFor(size: string | null | undefined): AspectRatio | undefined {
  if (!size || size === 'auto') return '1:1';
  const m = /^\s*(\d+(?:\.\d+)?)\s*[x×:*]\s*(\d+(?:\.\d+)?)\s*$/i.exec(size);
  if (!m) return undefined;
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (!(w > 0 && h > 0)) return undefined;
  const target = Math.log(w / h);
  let best: AspectRatio = '1:1';
  let bestDistance = Infinity;
  for (const r of ASPECT_RATIOS) {
    const [a, b] = r.split(':').map(Number);
    const d = Math.abs(Math.log(a / b) - target);
    if (d < bestDistance) {
      best = r;
      bestDistance = d;
    }
  }
  return best;
}

const responseFormatSchema = z.enum(['url', 'b64_json']).default('url');
// The fields generations and edits share, in JSON and (coerced from strings) in multipart forms.
const prompt = z.string().trim().min(1, 'prompt is required').max(4000);
const count = z.number().int().min(1).max(10).default(1);
const size = z.string().max(40);

export const imageGenerationRequestSchema = z.looseObject({
  prompt,
  model: z.string().min(1).default('grok-imagine-1.0'),
  n: count,
  size: size.nullish(),
  response_format: responseFormatSchema,
  stream: z.boolean().nullish(),
  user: z.string().nullish(),
});

export const editJsonSchema = imageGenerationRequestSchema.omit({ user: true }).extend({
  model: z.string().min(1).default('grok-imagine-1.0-edit'),
  image_url: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(16)]).optional(),
  images: z.array(z.object({ image_url: z.string().min(1) })).min(1).max(16).optional(),
});

export const editFormSchema = z.object({
  prompt,
  model: z.string().min(1).default('grok-imagine-1.0-edit'),
  n: z.coerce.number().int().min(1).max(10).default(1),
  size: size.optional(),
  response_format: responseFormatSchema,
  stream: z.enum(['true', 'false']).optional(),
});

export interface ImageResult {
  url?: string;
  b64_json?: string;
}

export const IMAGE_USAGE_ZERO = { total_tokens: 0, input_tokens: 0, output_tokens: 0, input_tokens_details: { text_tokens: 0, image_tokens: 0 } };

export function imagesResponse(created: number, data: ImageResult[]) {
  return { created, data, usage: IMAGE_USAGE_ZERO };
}
