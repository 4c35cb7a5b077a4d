/**
 * @module gateway/images-api
 * `POST /v1/images/generations` and `POST /v1/images/edits` (JSON or multipart), plus
 * `GET /v1/images/method`. Results are signed gateway links (`url`) or the image bytes (`b64_json`).
 */
import type { Platform } from '@/lib/platform';
import { GatewayError, errorResponse, toGatewayError } from '@/lib/errors';
import { parseBody, readJsonBody } from '@/lib/http/body';
import { aspectRatioFor, editFormSchema, editJsonSchema, imageGenerationRequestSchema, imagesResponse, IMAGE_USAGE_ZERO, type ImageResult } from '@/lib/openai/image-schemas';
import { sseResponse } from '@/lib/http/sse';
import { fetchAsset } from '@/lib/grok/client';
import { assetHeaders } from '@/lib/grok/headers';
import { getToken } from '@/lib/db/tokens';
import { getDb } from '@/lib/db/client';
import { touchKey } from '@/lib/db/keys';
import { decodeMediaRef, encodeMediaRef, upstreamMediaUrl } from '@/lib/media/links';
import { decryptSecret } from '@/lib/crypto';
import { bytesToBase64 } from '@/lib/encoding';
import { estimateTokens } from '@/lib/gateway/prompt';
import { loadContext, type GatewayContext } from './context';
import { authorizeKey, ensureModelAllowed, resolveModel } from './authorize';
import { admitRequest, type KeyAdmission } from './key-limits';
import { createRequestLog, type RequestLog } from './request-log';
import { generateImages, type GeneratedImage, type ImageJob } from './image-rounds';
import { mediaLink } from './media';
import { readImageUploads, prepareAttachments, type PreparedFile } from './attachments';
import { publicOrigin } from './public-origin';
import { readRequestBody } from '@/lib/http/read-body';

async function imageBytes(ctx: GatewayContext, image: GeneratedImage): Promise<string> {
  if (image.b64) return image.b64;
  const token = await getToken(ctx.db, image.tokenId);
  const decoded = decodeMediaRef(encodeMediaRef(image.path));
  const url = decoded && upstreamMediaUrl(decoded, ctx.platform.env.GROK_ASSETS_URL, [new URL(ctx.grok.baseUrl).host]);
  if (!token || !url) throw new GatewayError('upstream_error', 'Generated image could not be downloaded');
  const raw = await decryptSecret(ctx.secret, token.tokenEnc);
  const got = await fetchAsset(ctx.grok, raw, url, assetHeaders({ ...ctx.grok.headers, token: raw, origin: new URL(ctx.grok.baseUrl).origin }), 50 * 1024 * 1024);
  if (!got.ok) throw new GatewayError('upstream_error', `Generated image could not be downloaded (${got.failure.message})`);
  return bytesToBase64(got.value.bytes);
}

async function toResult(ctx: GatewayContext, origin: string, format: 'url' | 'b64_json', image: GeneratedImage): Promise<ImageResult> {
  return format === 'url' ? { url: await mediaLink(ctx, origin, image.path, image.tokenId) } : { b64_json: await imageBytes(ctx, image) };
}

interface ImageRun {
  ctx: GatewayContext;
  job: ImageJob;
  format: 'url' | 'b64_json';
  stream: boolean;
  origin: string;
  log: RequestLog;
  admission: KeyAdmission;
}

async function respond({ ctx, job, format, stream, origin, log, admission }: ImageRun): Promise<Response> {
  const platform = ctx.platform;
  if (!stream) {
    const images: GeneratedImage[] = [];
    for await (const item of generateImages(ctx, job)) if (item.type === 'image') images.push(item.image);
    const data = await Promise.all(images.map((img) => toResult(ctx, origin, format, img)));
    // Fewer images than asked for (some moderated): only those delivered are charged.
    platform.waitUntil(admission.refund(job.n - data.length));
    log.finish(200, 'ok', { completionTokens: data.length });
    return Response.json(imagesResponse(Math.floor(ctx.now() / 1000), data));
  }
  let delivered = 0;
  // Streaming (OpenAI image events; no [DONE]): progress as partial_image, each finished image as completed.
  return sseResponse(
    async (send) => {
      for await (const item of generateImages(ctx, job)) {
        if (item.type === 'progress') {
          log.firstByte();
          send({ type: 'image_generation.partial_image', [format]: '', index: item.index, progress: item.progress }, 'image_generation.partial_image');
        } else {
          const result = await toResult(ctx, origin, format, item.image);
          send({ type: 'image_generation.completed', ...result, index: item.image.index, usage: IMAGE_USAGE_ZERO }, 'image_generation.completed');
          delivered++;
        }
      }
    },
    {
      keepaliveMs: ctx.settings.keepalive_seconds * 1000,
      waitUntil: platform.waitUntil,
      done: false,
      onClose: ({ error, cancelled }) => {
        // Images already delivered stay charged; a client that left still had them made.
        platform.waitUntil(cancelled ? admission.commit() : admission.refund(job.n - delivered));
        if (error) log.fail(error);
        else log.finish(cancelled ? 499 : 200, cancelled ? 'client_closed' : 'ok');
      },
    },
  );
}

/** Shared front half of both endpoints: auth, model, limits, logging. */
async function runImages(
  req: Request,
  platform: Platform,
  endpoint: string,
  parse: (ctx: GatewayContext) => Promise<{
    model: string;
    prompt: string;
    n: number;
    size?: string | null;
    format: 'url' | 'b64_json';
    stream: boolean;
    files?: PreparedFile[];
    /** Client image URLs, fetched only once the request is admitted. */
    urls?: string[];
  }>,
): Promise<Response> {
  const log = createRequestLog({ db: getDb(platform.bindings.DB), waitUntil: platform.waitUntil }, { endpoint });
  let admission: KeyAdmission | undefined;
  try {
    const ctx = await loadContext(platform);
    const caller = await authorizeKey(req, ctx);
    log.set({ keyId: caller?.id ?? null, keyName: caller?.name ?? null });
    if (caller) platform.waitUntil(touchKey(ctx.db, caller, ctx.now()));
    const input = await parse(ctx);
    log.set({ model: input.model, stream: input.stream, promptTokens: estimateTokens(input.prompt) });
    const edit = endpoint.endsWith('edits');
    const model = resolveModel(ctx, input.model, edit ? ['image_edit'] : ['image']);
    ensureModelAllowed(caller, model);
    const aspectRatio = aspectRatioFor(input.size);
    if (!aspectRatio) throw new GatewayError('invalid_request', `size "${input.size}" is not WIDTHxHEIGHT or W:H`, { param: 'size' });
    if (input.stream && input.n > 2) throw new GatewayError('invalid_request', 'stream supports n of 1 or 2', { param: 'n' });
    admission = await admitRequest(ctx, caller, model, input.n);
    const files = input.urls ? await prepareAttachments(input.urls, platform.fetch, 'image_url', req.signal) : input.files;
    const job: ImageJob = { model, prompt: input.prompt, n: input.n, aspectRatio, files, signal: req.signal };
    return await respond({ ctx, job, format: input.format, stream: input.stream, origin: publicOrigin(req, ctx.settings), log, admission });
  } catch (e) {
    const err = toGatewayError(e);
    if (admission) platform.waitUntil(admission.refund());
    log.fail(err);
    return errorResponse(err);
  }
}

export function handleImageGenerations(req: Request, platform: Platform): Promise<Response> {
  return runImages(req, platform, '/v1/images/generations', async () => {
    const body = parseBody(imageGenerationRequestSchema, await readJsonBody(req));
    return { model: body.model, prompt: body.prompt, n: body.n, size: body.size, format: body.response_format, stream: body.stream === true };
  });
}

export function handleImageEdits(req: Request, platform: Platform): Promise<Response> {
  return runImages(req, platform, '/v1/images/edits', async (ctx) => {
    const maxBytes = ctx.settings.image_upload_max_mb * 1024 * 1024;
    const type = req.headers.get('content-type') ?? '';
    if (type.includes('multipart/form-data')) {
      let form: FormData;
      // Up to 16 images and a mask, each within the per-file cap; counted while reading (chunked bodies too).
      const bytes = await readRequestBody(req.body, 17 * maxBytes + 1024 * 1024);
      if (!bytes) throw new GatewayError('payload_too_large', `multipart body exceeds ${17 * ctx.settings.image_upload_max_mb} MB`);
      try {
        form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
      } catch {
        throw new GatewayError('invalid_request', 'Malformed multipart body');
      }
      const fields: Record<string, string> = {};
      for (const [k, v] of form.entries()) if (typeof v === 'string') fields[k] = v;
      const body = parseBody(editFormSchema, fields);
      const files = await readImageUploads([...form.getAll('image'), ...form.getAll('image[]')], maxBytes, 'image');
      const mask = form.get('mask');
      if (mask) await readImageUploads([mask], maxBytes, 'mask');
      return { model: body.model, prompt: body.prompt, n: body.n, size: body.size, format: body.response_format, stream: body.stream === 'true', files };
    }
    const body = parseBody(editJsonSchema, await readJsonBody(req));
    const urls = body.images?.map((i) => i.image_url) ?? (Array.isArray(body.image_url) ? body.image_url : body.image_url ? [body.image_url] : []);
    if (!urls.length) throw new GatewayError('invalid_request', 'image_url (or images) is required', { param: 'image_url' });
    return { model: body.model, prompt: body.prompt, n: body.n, size: body.size, format: body.response_format, stream: body.stream === true, urls };
  });
}

export async function handleImageMethod(req: Request, platform: Platform): Promise<Response> {
  try {
    const ctx = await loadContext(platform);
    await authorizeKey(req, ctx);
    return Response.json({ image_generation_method: ctx.settings.image_generation_method });
  } catch (e) {
    return errorResponse(e);
  }
}
