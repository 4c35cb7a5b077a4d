/**
 * @module gateway/videos-api
 * Async video jobs for clients that cannot hold a stream open: `POST /v1/videos` → `{id, status}`, the
 * generation runs after the response (`waitUntil`) and writes its progress to D1; `GET /v1/videos/{id}`
 * reads it back (with a signed link once completed); `GET /v1/videos/{id}/content` redirects to the file.
 */
import { z } from 'zod';
import type { Platform } from '@/lib/platform';
import { GatewayError, errorResponse, toGatewayError } from '@/lib/errors';
import { parseBody, readJsonBody } from '@/lib/http/body';
import { aspectRatioFor } from '@/lib/openai/image-schemas';
import { getDb } from '@/lib/db/client';
import { getVideoJob, insertVideoJob, updateVideoJob } from '@/lib/db/videos';
import type { VideoJobRow } from '@/lib/db/schema';
import { loadContext, type GatewayContext } from './context';
import { authorizeKey, ensureModelAllowed, resolveModel, type Caller } from './authorize';
import { admitRequest, type KeyAdmission } from './key-limits';
import { createRequestLog } from './request-log';
import { prepareAttachments, type PreparedFile } from './attachments';
import { createUpstreamRunner } from './upstream';
import { videoConfigSchema, videoTransport, type VideoConfig } from './video-generation';
import { mediaLink } from './media';
import { publicOrigin } from './public-origin';

export const createSchema = z.looseObject({
  prompt: z.string().trim().min(1, 'prompt is required').max(4000),
  model: z.string().min(1).default('grok-imagine-1.0-video'),
  image_url: z.string().min(1).optional(),
  seconds: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  size: z.string().max(40).optional(),
  resolution: z.enum(['SD', 'HD']).optional(),
  preset: z.enum(['fun', 'normal', 'spicy', 'custom']).optional(),
  video_config: z.record(z.string(), z.unknown()).optional(),
});

function view(job: VideoJobRow, links?: { url?: string; thumbnail?: string }) {
  return {
    id: job.id,
    object: 'video' as const,
    model: job.model,
    status: job.status,
    progress: job.progress,
    created_at: Math.floor(job.createdAt / 1000),
    ...(job.status === 'completed' ? { completed_at: Math.floor(job.updatedAt / 1000), url: links?.url, thumbnail_url: links?.thumbnail } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

async function runJob(ctx: GatewayContext, job: VideoJobRow, prompt: string, config: VideoConfig, files: PreparedFile[], caller: Caller, admission: KeyAdmission) {
  const model = ctx.catalog.resolve(job.model)!;
  const log = createRequestLog({ db: ctx.db, waitUntil: ctx.platform.waitUntil }, { endpoint: '/v1/videos' });
  log.set({ keyId: caller?.id ?? null, keyName: caller?.name ?? null, model: job.model });
  const runner = createUpstreamRunner(ctx, { model, files, transport: videoTransport(model, prompt, config) });
  try {
    const first = await runner.open();
    await updateVideoJob(ctx.db, job.id, { status: 'in_progress', tokenId: runner.token?.id, updatedAt: ctx.now() });
    let lastWritten = 0;
    for await (const event of runner.events(first)) {
      if (event.type === 'video_progress' && event.progress - lastWritten >= 5) {
        lastWritten = event.progress;
        await updateVideoJob(ctx.db, job.id, { progress: Math.min(99, event.progress), updatedAt: ctx.now() });
      } else if (event.type === 'video') {
        await updateVideoJob(ctx.db, job.id, {
          status: 'completed',
          progress: 100,
          tokenId: runner.token?.id,
          videoPath: event.path,
          thumbnailPath: event.thumbnailPath ?? null,
          updatedAt: ctx.now(),
        });
        await admission.commit();
        log.finish(200, 'ok', { tokenId: runner.token?.id ?? null, tokenSuffix: runner.token?.suffix ?? null, attempts: runner.attempts });
        return;
      }
    }
    throw new GatewayError('upstream_error', 'Upstream finished without a video');
  } catch (e) {
    const err = toGatewayError(e);
    await admission.refund();
    await updateVideoJob(ctx.db, job.id, { status: 'failed', error: { message: err.message, code: err.code }, updatedAt: ctx.now() });
    log.fail(err, { tokenId: runner.token?.id ?? null, tokenSuffix: runner.token?.suffix ?? null, attempts: runner.attempts });
  }
}

export async function handleCreateVideo(req: Request, platform: Platform): Promise<Response> {
  let admission: KeyAdmission | undefined;
  try {
    const ctx = await loadContext(platform);
    const caller = await authorizeKey(req, ctx);
    const body = parseBody(createSchema, await readJsonBody(req));
    const model = resolveModel(ctx, body.model, ['video']);
    ensureModelAllowed(caller, model);
    const ratio = body.size ? aspectRatioFor(body.size) : undefined;
    if (body.size && !ratio) throw new GatewayError('invalid_request', `size "${body.size}" is not WIDTHxHEIGHT or W:H`, { param: 'size' });
    const config = parseBody(videoConfigSchema, {
      ...(body.video_config ?? {}),
      ...(ratio ? { aspect_ratio: ratio } : {}),
      ...(body.seconds !== undefined ? { video_length: Number(body.seconds) } : {}),
      ...(body.resolution ? { resolution: body.resolution } : {}),
      ...(body.preset ? { preset: body.preset } : {}),
    });
    admission = await admitRequest(ctx, caller, model);
    const files = body.image_url ? await prepareAttachments([body.image_url], platform.fetch, 'image_url', req.signal) : [];
    const now = ctx.now();
    const job: VideoJobRow = {
      id: `video_${crypto.randomUUID().replace(/-/g, '')}`,
      keyId: caller?.id ?? null,
      model: model.id,
      status: 'queued',
      progress: 0,
      params: { prompt: body.prompt, ...config, image: files.length > 0 },
      tokenId: null,
      videoPath: null,
      thumbnailPath: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertVideoJob(ctx.db, job);
    platform.waitUntil(runJob(ctx, job, body.prompt, config, files, caller, admission));
    return Response.json(view(job));
  } catch (e) {
    // Nothing was queued: the key gets its slot and unit back.
    if (admission) platform.waitUntil(admission.refund());
    return errorResponse(e);
  }
}

async function findJob(req: Request, ctx: GatewayContext, id: string): Promise<VideoJobRow> {
  const caller = await authorizeKey(req, ctx);
  let job = await getVideoJob(ctx.db, id);
  // Jobs are private to the key that created them.
  if (!job || (job.keyId ?? null) !== (caller?.id ?? null)) throw new GatewayError('not_found', `No video job ${id}`);
  // A job whose worker was stopped (isolate recycled) never finishes: report it instead of spinning forever.
  const staleAfter = (ctx.settings.video_timeout_seconds + 60) * 1000;
  if ((job.status === 'queued' || job.status === 'in_progress') && ctx.now() - job.updatedAt > staleAfter) {
    const error = { message: 'The video job stopped without a result; submit it again', code: 'job_lost' };
    await updateVideoJob(ctx.db, id, { status: 'failed', error, updatedAt: ctx.now() });
    job = { ...job, status: 'failed', error };
  }
  return job;
}

async function links(ctx: GatewayContext, origin: string, job: VideoJobRow) {
  if (job.status !== 'completed' || !job.videoPath || !job.tokenId) return undefined;
  return {
    url: await mediaLink(ctx, origin, job.videoPath, job.tokenId),
    thumbnail: job.thumbnailPath ? await mediaLink(ctx, origin, job.thumbnailPath, job.tokenId) : undefined,
  };
}

export async function handleGetVideo(req: Request, platform: Platform, id: string): Promise<Response> {
  try {
    const ctx = await loadContext(platform);
    const job = await findJob(req, ctx, id);
    return Response.json(view(job, await links(ctx, publicOrigin(req, ctx.settings), job)));
  } catch (e) {
    return errorResponse(e);
  }
}

export async function handleVideoContent(req: Request, platform: Platform, id: string): Promise<Response> {
  try {
    const ctx = await loadContext(platform);
    const job = await findJob(req, ctx, id);
    const l = await links(ctx, publicOrigin(req, ctx.settings), job);
    if (!l?.url) throw new GatewayError('invalid_request', `Video ${id} is ${job.status}, not completed`, { code: 'video_not_ready' });
    return Response.redirect(l.url, 302);
  } catch (e) {
    return errorResponse(e);
  }
}
