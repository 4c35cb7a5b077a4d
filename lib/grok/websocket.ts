/**
 * @module grok/websocket
 * Outbound WebSocket from the edge: a `fetch` with `Upgrade: websocket` whose response carries
 * `webSocket` (Workers API). Messages are exposed as an async queue with a per-message timeout, and the
 * socket is always closed by `close()`.
 */
import { classifyHttpFailure, networkFailure, timeoutFailure, type UpstreamFailure } from './errors';
import type { HeaderOptions } from './headers';

/** What a WebSocket client of grok.com (chat gateway, Imagine) is configured with. */
export interface WsClientConfig {
  fetch: typeof fetch;
  wsUrl: string;
  origin: string;
  headers: Omit<HeaderOptions, 'token' | 'origin'>;
}

export interface WsConnection {
  send(data: unknown): void;
  /** Next JSON message, `closed` when the server closed, or `timeout`. */
  next(timeoutMs: number): Promise<Record<string, unknown> | 'closed' | 'timeout'>;
  close(): void;
}

type WorkerSocket = WebSocket & { accept(): void };

export async function connectWebSocket(
  fetchImpl: typeof fetch,
  url: string,
  headers: Record<string, string>,
  opts: { handshakeTimeoutMs: number; signal?: AbortSignal },
): Promise<{ ok: true; ws: WsConnection } | { ok: false; failure: UpstreamFailure }> {
  const httpUrl = url.replace(/^ws(s?):/i, 'http$1:');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.handshakeTimeoutMs);
  opts.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  let res: Response;
  try {
    res = await fetchImpl(httpUrl, { headers: { ...headers, upgrade: 'websocket', connection: 'Upgrade' }, signal: abort.signal });
  } catch (e) {
    clearTimeout(timer);
    return { ok: false, failure: abort.signal.aborted && !opts.signal?.aborted ? timeoutFailure('WebSocket handshake', opts.handshakeTimeoutMs / 1000) : networkFailure(e) };
  }
  clearTimeout(timer);
  const socket = (res as Response & { webSocket?: WorkerSocket | null }).webSocket;
  if (res.status !== 101 || !socket) {
    const body = await res.text().catch(() => '');
    return { ok: false, failure: classifyHttpFailure(res.status === 101 ? 502 : res.status, res.headers, body) };
  }
  socket.accept();

  const queue: (Record<string, unknown> | 'closed')[] = [];
  let waiter: ((v: Record<string, unknown> | 'closed') => void) | undefined;
  let closed = false;
  const push = (v: Record<string, unknown> | 'closed') => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(v);
    } else queue.push(v);
  };
  socket.addEventListener('message', (ev: MessageEvent) => {
    if (typeof ev.data !== 'string') return;
    try {
      const parsed: unknown = JSON.parse(ev.data);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) push(parsed as Record<string, unknown>);
    } catch {
      /* non-JSON frames are ignored, like garbage NDJSON lines */
    }
  });
  const onClose = () => {
    if (!closed) {
      closed = true;
      push('closed');
    }
  };
  socket.addEventListener('close', onClose);
  socket.addEventListener('error', onClose);
  opts.signal?.addEventListener('abort', () => conn.close(), { once: true });

  const conn: WsConnection = {
    send: (data) => {
      if (!closed) socket.send(JSON.stringify(data));
    },
    next(timeoutMs) {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      if (closed) return Promise.resolve('closed');
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          waiter = undefined;
          resolve('timeout');
        }, timeoutMs);
        waiter = (v) => {
          clearTimeout(t);
          resolve(v);
        };
      });
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        socket.close(1000, 'done');
      } catch {
        /* already closing */
      }
    },
  };
  return { ok: true, ws: conn };
}
