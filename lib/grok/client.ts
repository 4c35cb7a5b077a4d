/**
 * @module grok/client
 * HTTP calls to grok.com: conversation (E1) as an async stream of internal events, file upload (E3) and
 * the rate-limit query (E5). `fetch` and the base URLs are injected, so tests point it at the fake upstream
 * through configuration and nothing here knows about it.
 */
import { createFrameSplitter, type Frame } from './ndjson';
import { createFrameMapper, type GrokEvent } from './events';
import {
  classifyHttpFailure,
  clientAborted,
  connectionLostMidAnswer,
  malformedAnswer,
  networkFailure,
  refusedAnswer,
  timeoutFailure,
  truncatedFailure,
  type UpstreamFailure,
} from './errors';
import { jsonHeaders, type HeaderOptions } from './headers';
import type { EventBatches } from './batches';
import { num } from './values';

export interface GrokClientConfig {
  fetch: typeof fetch;
  baseUrl: string;
  headers: Omit<HeaderOptions, 'token' | 'origin'>;
}

export type Opened<T> = { ok: true; value: T } | { ok: false; failure: UpstreamFailure };

interface ConversationOptions {
  token: string;
  payload: Record<string, unknown>;
  signal?: AbortSignal;
  referer?: string;
  firstFrameTimeoutMs: number;
  idleTimeoutMs: number;
  /** The client takes the answer whole: read the body in large pieces (see `bodyReader`). */
  bulkRead?: boolean;
}

const origin = (baseUrl: string) => new URL(baseUrl).origin;

async function readErrorBody(res: Response): Promise<string> {
  try {
    const text = await res.text();
    return text.slice(0, 4096);
  } catch {
    return '';
  }
}

/**
 * One small JSON call (E3, E5, E6, E19): a network error, a non-2xx (classified) or an answer `read` finds
 * nothing usable in (`malformed`) is a failure; otherwise what `read` returned.
 */
async function callJson<T>(send: () => Promise<Response>, read: (json: unknown) => T | undefined, malformed: string): Promise<Opened<T>> {
  let res: Response;
  try {
    res = await send();
  } catch (e) {
    return { ok: false, failure: networkFailure(e) };
  }
  const text = await readErrorBody(res);
  if (!res.ok) return { ok: false, failure: classifyHttpFailure(res.status, res.headers, text) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, failure: malformedAnswer(malformed) };
  }
  const value = read(json);
  return value === undefined ? { ok: false, failure: malformedAnswer(malformed) } : { ok: true, value };
}

const field = (json: unknown, key: string): unknown => (json && typeof json === 'object' ? (json as Record<string, unknown>)[key] : undefined);

async function post(config: GrokClientConfig, path: string, token: string, body: unknown, signal?: AbortSignal, referer?: string) {
  const o = origin(config.baseUrl);
  return config.fetch(new URL(path, config.baseUrl), {
    method: 'POST',
    headers: jsonHeaders({ ...config.headers, token, origin: o, referer: referer ? new URL(referer, o).href : undefined }),
    body: JSON.stringify(body),
    signal,
  });
}

/**
 * Opens a conversation. Resolves once upstream answered with headers: a non-2xx becomes a classified
 * failure; a 200 yields batches of events — one per network read that produced any, so every later stage
 * pays one promise turn per read instead of one per event — ending with `done` or a single `error`.
 */
export async function openConversation(config: GrokClientConfig, opts: ConversationOptions): Promise<Opened<EventBatches>> {
  const abort = new AbortController();
  const onClientAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onClientAbort, { once: true });
  const cleanup = () => opts.signal?.removeEventListener('abort', onClientAbort);

  let res: Response;
  const headerTimer = setTimeout(() => abort.abort(new Error('first frame timeout')), opts.firstFrameTimeoutMs);
  try {
    res = await post(config, '/rest/app-chat/conversations/new', opts.token, opts.payload, abort.signal, opts.referer);
  } catch (e) {
    clearTimeout(headerTimer);
    cleanup();
    if (opts.signal?.aborted) return { ok: false, failure: clientAborted() };
    return { ok: false, failure: abort.signal.aborted ? timeoutFailure('waiting for response headers', opts.firstFrameTimeoutMs / 1000) : networkFailure(e) };
  }
  clearTimeout(headerTimer);
  if (!res.ok || !res.body) {
    const body = await readErrorBody(res);
    cleanup();
    return { ok: false, failure: classifyHttpFailure(res.status, res.headers, body) };
  }
  return { ok: true, value: streamEvents(res.body, abort, opts, cleanup) };
}

/**
 * One timer for the whole body instead of one per read: reads only note the time, and the timer re-arms
 * itself for the remainder until a full period passes without a frame.
 */
function createWatchdog(limitMs: () => number, onExpire: () => void) {
  let last = Date.now();
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    timer = setTimeout(() => {
      const idle = Date.now() - last;
      if (idle >= limitMs()) {
        expired = true;
        onExpire();
      } else arm(limitMs() - idle);
    }, ms);
  };
  arm(limitMs());
  return {
    touch: () => {
      last = Date.now();
    },
    get expired() {
      return expired;
    },
    stop: () => clearTimeout(timer),
  };
}

/**
 * Least bytes per read of a bulk body. Every read is a JS turn that costs the runtime far more than the
 * bytes it carries (a 1,000-token answer arrives in about 2,000 small reads); a client that takes the
 * answer whole gains nothing from small ones. 1 KiB keeps the idle timeout meaningful: an upstream that
 * is still generating sends that much long before the shortest idle timeout (5 s).
 */
const BULK_READ_BYTES = 1024;
const BULK_BUFFER_BYTES = 64 * 1024;

interface BodyReader {
  /** The next bytes; a bulk reader waits for `atLeast` of them (or the end), a chunk reader ignores it. */
  read(atLeast: number): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}
type ReadAtLeast = (min: number, view: Uint8Array<ArrayBuffer>) => Promise<ReadableStreamReadResult<Uint8Array<ArrayBuffer>>>;

/**
 * The body's reader: chunk by chunk as the network delivers (a streamed answer must not wait), or for
 * bulk reads workerd's `readAtLeast` on a BYOB reader, one reused buffer; where the runtime has no
 * such reader, chunk by chunk.
 */
function bodyReader(body: ReadableStream<Uint8Array>, bulk: boolean): BodyReader {
  if (bulk) {
    try {
      const byob = body.getReader({ mode: 'byob' }) as ReadableStreamBYOBReader & { readAtLeast?: ReadAtLeast };
      const readAtLeast = byob.readAtLeast?.bind(byob);
      if (readAtLeast) {
        let buffer = new ArrayBuffer(BULK_BUFFER_BYTES);
        return {
          read: async (atLeast) => {
            const step = await readAtLeast(atLeast, new Uint8Array(buffer));
            // The buffer was transferred into the result; it is read (decoded) before the next call.
            if (step.value) buffer = step.value.buffer;
            return step;
          },
          cancel: (reason) => byob.cancel(reason),
        };
      }
      byob.releaseLock();
    } catch {
      /* not a byte stream: chunk by chunk */
    }
  }
  const reader = body.getReader();
  return { read: () => reader.read(), cancel: (reason) => reader.cancel(reason) };
}

async function* streamEvents(
  body: ReadableStream<Uint8Array>,
  abort: AbortController,
  opts: ConversationOptions,
  cleanup: () => void,
): AsyncGenerator<GrokEvent[]> {
  const reader = bodyReader(body, opts.bulkRead === true);
  const splitter = createFrameSplitter();
  const mapper = createFrameMapper();
  let first = true;
  const limitMs = () => (first ? opts.firstFrameTimeoutMs : opts.idleTimeoutMs);
  const watchdog = createWatchdog(limitMs, () => reader.cancel().catch(() => {}));
  const frames: Frame[] = [];
  // Chunk reads until the first event: when it came is the answer's start (the first-frame timeout and the
  // quality guard's speed are timed from it); a bulk answer then reads in kilobytes.
  let atLeast = 1;

  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      let failure: unknown;
      try {
        step = await reader.read(atLeast);
        if (!step.done) splitter.push(step.value, frames);
        else splitter.end(frames);
      } catch (e) {
        failure = e;
        step = { done: true, value: undefined };
      }
      if (watchdog.expired) {
        // After the answer is complete a silent, still-open body is just a lazy close.
        if (mapper.complete) break;
        yield [{ type: 'error', failure: timeoutFailure(first ? 'waiting for the first frame' : 'mid-answer', limitMs() / 1000) }];
        return;
      }
      if (frames.length) {
        first = false;
        watchdog.touch();
        const events: GrokEvent[] = [];
        for (const frame of frames) {
          for (const event of mapper.map(frame)) {
            events.push(event);
            if (event.type === 'error') {
              yield events;
              return;
            }
          }
        }
        frames.length = 0;
        if (events.length) {
          if (opts.bulkRead) atLeast = BULK_READ_BYTES;
          yield events;
        }
      }
      if (failure !== undefined) {
        if (opts.signal?.aborted) return;
        const tail = mapper.end();
        if (mapper.complete) {
          if (tail.length) yield tail;
          break;
        }
        yield [...tail, { type: 'error', failure: connectionLostMidAnswer(failure) }];
        return;
      }
      if (step.done) {
        const tail = mapper.end();
        if (!mapper.complete && !tail.some((e) => e.type === 'error')) {
          yield [...tail, { type: 'error', failure: truncatedFailure() }];
          return;
        }
        if (tail.length) yield tail;
        break;
      }
    }
    yield [{ type: 'done' }];
  } finally {
    watchdog.stop();
    cleanup();
    abort.abort();
    reader.cancel().catch(() => {});
  }
}

export interface UploadResult {
  fileMetadataId: string;
  fileUri?: string;
}

/** E3: uploads one file as base64 JSON. */
export async function uploadFile(
  config: GrokClientConfig,
  token: string,
  file: { name: string; mimeType: string; base64: string },
  signal?: AbortSignal,
): Promise<Opened<UploadResult>> {
  return callJson(
    () => post(config, '/rest/app-chat/upload-file', token, { fileName: file.name, fileMimeType: file.mimeType, content: file.base64 }, signal),
    (json) => {
      const id = field(json, 'fileMetadataId') ?? field(json, 'fileId');
      const uri = field(json, 'fileUri');
      return typeof id === 'string' && id ? { fileMetadataId: id, fileUri: typeof uri === 'string' ? uri : undefined } : undefined;
    },
    'upload answered without a file id',
  );
}

export interface RateLimits {
  remaining?: number;
  total?: number;
  windowSeconds?: number;
  waitSeconds?: number;
}

/** E5: reads the remaining quota; both field families of spec §7.5 are accepted. */
export async function fetchRateLimits(
  config: GrokClientConfig,
  token: string,
  payload: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Opened<RateLimits>> {
  return callJson(
    () => post(config, '/rest/rate-limits', token, payload, signal),
    (json) => {
      const n = (k: string) => num(field(json, k));
      return {
        // Token counts are in quota units (what requests are charged in); slim answers only have query counts.
        remaining: n('remainingTokens') ?? n('remainingQueries'),
        total: n('totalTokens') ?? n('totalQueries'),
        windowSeconds: n('windowSizeSeconds'),
        waitSeconds: n('waitTimeSeconds') ?? num(field(field(json, 'lowEffortRateLimits'), 'waitTimeSeconds')),
      };
    },
    'rate-limit answer was not JSON',
  );
}

/** E6: creates the Imagine "post" that a video (or edit) hangs off. */
export async function createMediaPost(
  config: GrokClientConfig,
  token: string,
  body: { mediaType: 'MEDIA_POST_TYPE_VIDEO' | 'MEDIA_POST_TYPE_IMAGE'; prompt?: string; mediaUrl?: string },
  signal?: AbortSignal,
): Promise<Opened<{ postId: string }>> {
  return callJson(
    () => post(config, '/rest/media/post/create', token, body, signal, '/imagine'),
    (json) => {
      const id = field(field(json, 'post'), 'id');
      return typeof id === 'string' && id ? { postId: id } : undefined;
    },
    'media post answered without an id',
  );
}

/** E12: downloads one generated asset with the owning account's cookie (for `b64_json`). */
export async function fetchAsset(
  config: GrokClientConfig,
  token: string,
  url: URL,
  headers: Record<string, string>,
  maxBytes: number,
): Promise<Opened<{ bytes: Uint8Array; contentType: string }>> {
  let res: Response;
  try {
    res = await config.fetch(url, { headers });
  } catch (e) {
    return { ok: false, failure: networkFailure(e) };
  }
  if (!res.ok) {
    const text = await readErrorBody(res);
    // Callers only report this failure; a missing asset never touches the account's state.
    return { ok: false, failure: classifyHttpFailure(res.status, res.headers, text) };
  }
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.byteLength > maxBytes) return { ok: false, failure: refusedAnswer('asset too large') };
  return { ok: true, value: { bytes: buf, contentType: res.headers.get('content-type') ?? 'application/octet-stream' } };
}

/** E19: `GET /api/auth/session`. */
export async function fetchSession(config: GrokClientConfig, token: string, signal?: AbortSignal): Promise<Opened<unknown>> {
  const { 'content-type': _json, ...headers } = jsonHeaders({ ...config.headers, token, origin: origin(config.baseUrl) });
  return callJson(() => config.fetch(new URL('/api/auth/session', config.baseUrl), { headers, signal }), (json) => json, 'session answer was not JSON');
}
