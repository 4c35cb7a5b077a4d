/**
 * @module gateway/chat
 * `POST /v1/chat/completions`: authorize → validate → admit (key limits) → run upstream with retries →
 * encode as OpenAI chunks (stream) or one completion (non-stream) → log.
 */
import type { Platform } from '@/lib/platform';
import { GatewayError, errorResponse, toGatewayError } from '@/lib/errors';
import { chatCompletionRequestSchema, parseBody, readJsonBody } from '@/lib/openai/schemas';
import { estimateTokens, flattenMessages } from '@/lib/openai/flatten';
import { createChatEncoder } from '@/lib/openai/chunks';
import { sseResponse } from '@/lib/openai/sse';
import { loadContext } from './context';
import { authorizeKey, ensureModelAllowed, resolveModel } from './authorize';
import { admitRequest } from './key-limits';
import { createRequestLog } from './request-log';
import { prepareAttachments } from './attachments';
import { conversationTransport, createUpstreamRunner, type Attempt } from './upstream';
import { chatMediaEvents } from './media';
import { videoConfigSchema, videoTransport } from './video';
import { runHousekeeping } from './housekeeping';
import { getDb } from '@/lib/db/client';
import { touchKey } from '@/lib/db/keys';

export interface ChatOptions {
  /** The admin dashboard's chat uses the pool directly, authorised by the admin session instead of a key. */
  asAdmin?: boolean;
}

export async function handleChatCompletions(req: Request, platform: Platform, opts: ChatOptions = {}): Promise<Response> {
  const endpoint = opts.asAdmin ? '/api/admin/chat/completions' : '/v1/chat/completions';
  const log = createRequestLog({ db: getDb(platform.bindings.DB), waitUntil: platform.waitUntil }, { endpoint });
  let admission: Awaited<ReturnType<typeof admitRequest>> | undefined;
  try {
    const ctx = await loadContext(platform);
    runHousekeeping(ctx);
    const caller = opts.asAdmin ? null : await authorizeKey(req, ctx);
    log.set({ keyId: caller?.id ?? null, keyName: opts.asAdmin ? 'admin' : (caller?.name ?? null) });
    if (caller) platform.waitUntil(touchKey(ctx.db, caller.id, ctx.now()));

    const body = parseBody(chatCompletionRequestSchema, await readJsonBody(req));
    const stream = body.stream === true;
    log.set({ model: body.model, stream });
    const model = resolveModel(ctx, body.model, ['chat', 'image', 'video']);
    ensureModelAllowed(caller, model);

    const prompt = flattenMessages(body.messages);
    if (!prompt.text && !prompt.attachments.length) {
      throw new GatewayError('invalid_request', 'messages contain no text or images', { param: 'messages' });
    }
    const video = model.kind === 'video' ? parseBody(videoConfigSchema, body.video_config ?? {}) : undefined;
    // Video takes only the first image (the frame to animate).
    const files = await prepareAttachments(video ? prompt.attachments.slice(0, 1) : prompt.attachments, platform.fetch);
    const promptTokens = estimateTokens(prompt.text);
    log.set({ promptTokens });

    admission = await admitRequest(ctx, caller, model);
    const transport = video ? videoTransport(model, prompt.text, video) : conversationTransport({ message: prompt.text, model });
    const runner = createUpstreamRunner(ctx, { model, files, transport }, req.signal);
    const origin = new URL(req.url).origin;
    const events = (first: Attempt) => chatMediaEvents(runner.events(first), ctx, origin, () => runner.token?.id);
    const encoder = createChatEncoder({
      id: `chatcmpl-${crypto.randomUUID().replace(/-/g, '')}`,
      created: Math.floor(ctx.now() / 1000),
      model: model.id,
      reasoningOutput: ctx.settings.reasoning_output,
      promptTokens,
    });
    const tokenFields = () => ({ tokenId: runner.token?.id ?? null, tokenSuffix: runner.token?.suffix ?? null, attempts: runner.attempts });

    let first;
    try {
      first = await runner.open();
    } catch (e) {
      log.set(tokenFields());
      throw e;
    }

    const done = admission;
    if (!stream) {
      try {
        for await (const event of events(first)) encoder.event(event);
      } catch (e) {
        log.set(tokenFields());
        throw e;
      } finally {
        platform.waitUntil(done.release());
      }
      const completion = encoder.completion();
      log.finish(200, 'ok', { ...tokenFields(), completionTokens: completion.usage.completion_tokens });
      return Response.json(completion);
    }

    const includeUsage = body.stream_options?.include_usage === true;
    return sseResponse(
      async (send) => {
        send(encoder.start());
        for await (const event of events(first)) {
          for (const chunk of encoder.event(event)) {
            log.firstByte();
            send(chunk);
          }
        }
        for (const chunk of encoder.finish()) send(chunk);
        if (includeUsage) send(encoder.usageChunk());
      },
      {
        keepaliveMs: ctx.settings.keepalive_seconds * 1000,
        onClose: ({ error, cancelled }) => {
          const usage = { ...tokenFields(), completionTokens: encoder.usage().completion_tokens };
          if (error) {
            if (!encoder.hasOutput) platform.waitUntil(done.refund());
            log.fail(error, usage);
          } else if (cancelled) log.finish(499, 'client_closed', usage);
          else log.finish(200, 'ok', usage);
          platform.waitUntil(done.release());
        },
      },
    );
  } catch (e) {
    const err = toGatewayError(e);
    if (admission) {
      platform.waitUntil(admission.refund());
      platform.waitUntil(admission.release());
    }
    log.fail(err);
    return errorResponse(err);
  }
}
