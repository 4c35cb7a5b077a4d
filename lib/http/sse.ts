/**
 * @module http/sse
 * The owner of an SSE response: headers, `data:` framing, `: ping` comments during silence, exactly one
 * terminal sequence (an `error` data frame on failure, then `data: [DONE]`), closing in `finally`, and
 * aborting the producer when the client goes away.
 */
import { toGatewayError, type GatewayError } from '@/lib/errors';

const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');
const PING = encoder.encode(': ping\n\n');

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

export interface SseOptions {
  keepaliveMs: number;
  /** Whether to end with `data: [DONE]` (OpenAI chat) or not (Responses API, images). */
  done?: boolean;
  /**
   * Called once after the stream ended for any reason: `cancelled` when the client went away before it had
   * taken every byte (the runtime read the last one), even if the producer had finished.
   */
  onClose?: (outcome: { error?: unknown; cancelled: boolean }) => void;
  /**
   * Keeps the producer alive after the client disconnects, so its cleanup (log row, freeing the key's
   * concurrency slot) still runs; without it the runtime drops the pending work with the request.
   */
  waitUntil?: (work: Promise<unknown>) => void;
  /** Extra response headers (e.g. `server-timing`). */
  headers?: Record<string, string>;
  /** The terminal error frame; defaults to the OpenAI envelope as a `data:` frame. */
  errorFrame?: (err: GatewayError) => { event?: string; data: unknown };
}

export interface SseFrame {
  event?: string;
  data: unknown;
}

/** Sends one frame, or several as one network write (they were produced together). */
type SseSend = (data: unknown, event?: string) => void;
type SseSendAll = (frames: readonly SseFrame[]) => void;

const frameText = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

export function encodeSse(data: unknown, event?: string): Uint8Array {
  return encoder.encode(frameText(data, event));
}

/**
 * Runs `produce` and streams what it sends. A thrown error becomes an OpenAI error frame (its safe message,
 * never a raw exception text) followed by `[DONE]`.
 */
export function sseResponse(produce: (send: SseSend, signal: AbortSignal, sendAll: SseSendAll) => Promise<void>, opts: SseOptions): Response {
  const abort = new AbortController();
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  // Set once the producer is done. The stream closes, and the outcome is reported, only when the runtime
  // has taken every queued byte (it pulls on an empty queue): an answer the client did not take whole is
  // reported as cancelled, never as delivered.
  let finishing: { error: unknown } | undefined;
  // The runtime calls `pull` after every chunk it takes while the queue is empty: a JS turn and a promise per
  // chunk, a fifth of a streamed answer's CPU on workerd. A pull that returns a pending promise is not called
  // again until it settles, so the first one waits for the producer; only then do pulls watch for the drain.
  let produced!: () => void;
  const producing = new Promise<void>((resolve) => (produced = resolve));
  let reported = false;
  const report = (outcome: { error?: unknown; cancelled: boolean }) => {
    if (reported) return;
    reported = true;
    opts.onClose?.(outcome);
  };
  const closeIfDrained = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!finishing || (controller.desiredSize ?? 0) <= 0) return;
    const { error } = finishing;
    finishing = undefined;
    controller.close();
    report({ error, cancelled: false });
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let lastWrite = Date.now();
      const write = (bytes: Uint8Array) => {
        if (closed) return;
        lastWrite = Date.now();
        controller.enqueue(bytes);
      };
      timer = setInterval(() => {
        if (Date.now() - lastWrite >= opts.keepaliveMs) write(PING);
      }, Math.max(250, Math.min(opts.keepaliveMs, 5_000)));

      const send: SseSend = (data, event) => write(encodeSse(data, event));
      const sendAll: SseSendAll = (frames) => {
        if (frames.length === 1) return send(frames[0].data, frames[0].event);
        let text = '';
        for (const f of frames) text += frameText(f.data, f.event);
        if (text) write(encoder.encode(text));
      };
      let error: unknown;
      const work = produce(send, abort.signal, sendAll)
        .catch((e) => {
          error = e;
          if (!abort.signal.aborted) {
            const err = toGatewayError(e);
            const frame = opts.errorFrame?.(err) ?? { data: err.toJSON() };
            send(frame.data, frame.event);
          }
        })
        .finally(() => {
          clearInterval(timer);
          if (closed) return report({ error, cancelled: abort.signal.aborted });
          if (opts.done !== false) write(DONE);
          closed = true;
          finishing = { error };
          closeIfDrained(controller);
        })
        .finally(produced);
      opts.waitUntil?.(work);
    },
    pull(controller) {
      if (!closed) return producing;
      closeIfDrained(controller);
    },
    cancel() {
      closed = true;
      clearInterval(timer);
      abort.abort();
      if (finishing) {
        const { error } = finishing;
        finishing = undefined;
        report({ error, cancelled: true });
      }
    },
  });

  return new Response(stream, { status: 200, headers: opts.headers ? { ...SSE_HEADERS, ...opts.headers } : SSE_HEADERS });
}
