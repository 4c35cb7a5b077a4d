/**
 * @module gateway/conversation
 * The one orchestration behind every chat-like endpoint (OpenAI chat, Responses, Anthropic Messages):
 * authorize → parse (per wire format) → admit → run upstream with retries → media / tool-call derivation →
 * encode (per wire format) → log. Wire formats only parse requests and encode events.
 */
import type { Platform } from '@/lib/platform';
import { GatewayError, toGatewayError } from '@/lib/errors';
import { readJsonBody } from '@/lib/http/body';
import { type ConversationMessage } from '@/lib/gateway/messages';
import { estimateTokens, flattenMessages } from '@/lib/gateway/prompt';
import { sseResponse, type SseFrame } from '@/lib/http/sse';
import type { Settings } from '@/lib/settings/schema';
import { toolPrompt, type ToolChoice, type ToolSpec } from '@/lib/tools/convention';
import { getDb } from '@/lib/db/client';
import { touchKey } from '@/lib/db/keys';
import type { GatewayContext } from './context';
import { preflight } from './preflight';
import { serverTiming } from '@/lib/db/metered';
import { ensureModelAllowed, resolveModel } from './authorize';
import { planAdmission, type KeyAdmission } from './key-limits';
import { createRequestLog } from './request-log';
import { prepareAttachments } from './attachments';
import { conversationTransport, createUpstreamRunner, type Attempt } from './upstream';
import { giveBack } from './account-claim';
import type { ModelEntry } from '@/lib/catalog/models';
import { chatMediaEvents, type MediaMode } from './media';
import { videoConfigSchema, videoTransport, type VideoConfig } from './video-generation';
import { runHousekeeping } from './housekeeping';
import { coalesce, withToolCalls, type GatewayEvent } from './events';
import { publicOrigin } from './public-origin';

/** A chat-like request in the internal (OpenAI-message-shaped) form every wire format converts to. */
interface ConversationRequest {
  model: string;
  messages: ConversationMessage[];
  stream: boolean;
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  videoConfig?: unknown;
  /** Wire-specific options the encoder reads (e.g. OpenAI `stream_options.include_usage`). */
  options?: Record<string, unknown>;
}


export interface EncoderMeta {
  id: string;
  created: number;
  model: string;
  reasoningOutput: Settings['reasoning_output'];
  promptTokens: number;
  request: ConversationRequest;
}

export interface WireEncoder {
  start(): SseFrame[];
  event(event: GatewayEvent): SseFrame[];
  finish(): SseFrame[];
  /** The non-stream body, from everything seen. */
  body(): unknown;
  completionTokens(): number;
  readonly hasOutput: boolean;
  /** A terminal error frame that depends on the stream so far (e.g. Responses' `response.failed`). */
  errorFrame?(err: GatewayError): SseFrame;
}

export interface WireFormat {
  /** Whether the SSE stream ends with `data: [DONE]`. */
  doneSentinel: boolean;
  parse(body: unknown, ctx: GatewayContext): ConversationRequest;
  encoder(meta: EncoderMeta): WireEncoder;
  /** Error envelope for HTTP errors and the terminal SSE error frame. */
  errorResponse(err: GatewayError): Response;
  errorFrame(err: GatewayError): SseFrame;
  idPrefix: string;
}

interface ConversationOptions {
  endpoint: string;
  /** The admin dashboard's chat: authorised by the admin session, not a key. */
  asAdmin?: boolean;
  /** How generated media reaches the client (default: as text every chat client renders). */
  media?: MediaMode;
}

interface PreparedRequest {
  request: ConversationRequest;
  /** Tools emulated through the prompt (none when tool calling is off or the model is not a chat model). */
  tools: ToolSpec[];
  prompt: ReturnType<typeof flattenMessages>;
  video?: VideoConfig;
}

/** What the request asks upstream, checked before anything touches the pool. */
function prepareRequest(ctx: GatewayContext, request: ConversationRequest, model: ModelEntry): Omit<PreparedRequest, 'request'> {
  const tools = ctx.settings.tool_calling === 'emulate' && request.toolChoice !== 'none' && model.kind === 'chat' ? (request.tools ?? []) : [];
  const messages: ConversationMessage[] = tools.length
    ? [{ role: 'system', content: toolPrompt(tools, request.toolChoice ?? 'auto', request.parallelToolCalls !== false) }, ...request.messages]
    : request.messages;
  const prompt = flattenMessages(messages);
  if (!prompt.text && !prompt.attachments.length) {
    throw new GatewayError('invalid_request', 'messages contain no text or images', { param: 'messages' });
  }
  const video = model.kind === 'video' ? videoConfigSchema.safeParse(request.videoConfig ?? {}) : undefined;
  if (video && !video.success) {
    const issue = video.error.issues[0];
    throw new GatewayError('invalid_request', `video_config.${issue.path.join('.')}: ${issue.message}`, { param: `video_config.${issue.path.join('.')}` });
  }
  return { tools, prompt, video: video?.data };
}

export async function handleConversation(req: Request, platform: Platform, format: WireFormat, opts: ConversationOptions): Promise<Response> {
  const log = createRequestLog({ db: getDb(platform.bindings.DB), waitUntil: platform.waitUntil }, { endpoint: opts.endpoint });
  let admitted: () => KeyAdmission | undefined = () => undefined;
  /** Set while this request holds an account claimed in its first batch that no runner has taken yet. */
  let giveBackEarly: (() => void) | undefined;
  try {
    // The body is read before the key is checked, but its errors are raised after the key's (a bad key is a 401 first).
    const body = await readJsonBody(req).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const parsed: Partial<PreparedRequest> = {};
    const { ctx, caller, model, candidates, claimed, modelError } = await preflight(req, platform, {
      asAdmin: opts.asAdmin,
      modelOf: (c) => {
        if ('error' in body) throw body.error;
        parsed.request = format.parse(body.value, c);
        const named = resolveModel(c, parsed.request.model, ['chat', 'image', 'video']);
        Object.assign(parsed, prepareRequest(c, parsed.request, named));
        return named;
      },
      // A request with attachments fetches them (once its key is admitted) before it holds an account.
      claimEarly: (m) => m.kind === 'chat' && !parsed.prompt?.attachments.length,
    });
    if (claimed && model) giveBackEarly = () => giveBack(ctx, claimed, model.bucket);
    runHousekeeping(ctx);
    log.set({ keyId: caller?.id ?? null, keyName: opts.asAdmin ? 'admin' : (caller?.name ?? null) });
    if (caller) platform.waitUntil(touchKey(ctx.db, caller, ctx.now()));
    const { request, tools, prompt, video } = parsed;
    if (request) log.set({ model: request.model, stream: request.stream });
    if (modelError || !request || !model || !tools || !prompt) throw modelError;
    ensureModelAllowed(caller, model);

    // Video takes only the first image (the frame to animate).
    const urls = video ? prompt.attachments.slice(0, 1) : prompt.attachments;
    const files = urls.length ? () => prepareAttachments(urls, platform.fetch, 'messages', req.signal) : undefined;
    const promptTokens = estimateTokens(prompt.text);
    log.set({ promptTokens });

    const transport = video
      ? videoTransport(model, prompt.text, video)
      : conversationTransport({ message: prompt.text, model, restOnly: model.kind !== 'chat', bulkRead: !request.stream });
    // Ends the upstream call when the client goes away (request abort or SSE cancel).
    const upstreamAbort = new AbortController();
    req.signal.addEventListener('abort', () => upstreamAbort.abort(), { once: true });
    const runner = createUpstreamRunner(ctx, { model, files, transport, candidates, claimed, admission: planAdmission(ctx, caller, model) }, upstreamAbort.signal);
    giveBackEarly = undefined;
    admitted = () => runner.admission;
    const origin = publicOrigin(req, ctx.settings);
    const batches = (first: Attempt): AsyncIterable<GatewayEvent[]> => {
      const media = chatMediaEvents(runner.batches(first), ctx, origin, () => runner.token?.id, opts.media ?? 'text');
      return tools.length ? withToolCalls(media, tools.map((t) => t.name), request.parallelToolCalls !== false) : media;
    };
    const encoder = format.encoder({
      id: `${format.idPrefix}${crypto.randomUUID().replace(/-/g, '')}`,
      created: Math.floor(ctx.now() / 1000),
      model: model.id,
      reasoningOutput: ctx.settings.reasoning_output,
      promptTokens,
      request,
    });
    const tokenFields = () => ({ tokenId: runner.token?.id ?? null, tokenSuffix: runner.token?.suffix ?? null, attempts: runner.attempts });

    let first: Attempt;
    try {
      first = await runner.open();
    } catch (e) {
      log.set(tokenFields());
      throw e;
    }

    const accepted = runner.admission;
    const timing = serverTiming(platform.d1);
    if (!request.stream) {
      try {
        for await (const batch of batches(first)) for (const event of batch) encoder.event(event);
      } catch (e) {
        log.set(tokenFields());
        throw e;
      }
      platform.waitUntil(accepted.commit());
      const body = encoder.body();
      log.finish(200, 'ok', { ...tokenFields(), completionTokens: encoder.completionTokens() });
      return Response.json(body, { headers: { 'server-timing': timing } });
    }

    return sseResponse(
      async (_send, signal, sendAll) => {
        signal.addEventListener('abort', () => upstreamAbort.abort(), { once: true });
        sendAll(encoder.start());
        for await (const batch of batches(first)) {
          const events = coalesce(batch);
          const frames = events.length === 1 ? encoder.event(events[0]) : events.flatMap((e) => encoder.event(e));
          if (!frames.length) continue;
          log.firstByte();
          sendAll(frames);
        }
        sendAll(encoder.finish());
      },
      {
        keepaliveMs: ctx.settings.keepalive_seconds * 1000,
        waitUntil: platform.waitUntil,
        headers: { 'server-timing': timing },
        done: format.doneSentinel,
        errorFrame: (err) => encoder.errorFrame?.(err) ?? format.errorFrame(err),
        onClose: ({ error, cancelled }) => {
          const usage = { ...tokenFields(), completionTokens: encoder.completionTokens() };
          // Charged only for an answer that reached the client, in part or whole.
          platform.waitUntil(error && !encoder.hasOutput ? accepted.refund() : accepted.commit());
          if (error) log.fail(error, usage);
          else if (cancelled) log.finish(499, 'client_closed', usage);
          else log.finish(200, 'ok', usage);
        },
      },
    );
  } catch (e) {
    const err = toGatewayError(e);
    giveBackEarly?.();
    const admission = admitted();
    if (admission) platform.waitUntil(admission.refund());
    log.fail(err);
    return format.errorResponse(err);
  }
}
