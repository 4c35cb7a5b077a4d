/**
 * @module grok/mgw
 * Profile C: chat over grok.com's WebSocket gateway (E14, spec Appendix A). `session.create` →
 * `session.created` / `conversation.attached` → `conversation.item.create` + `response.create` →
 * `response.chunk`… → `response.done`. Produces the same internal events as the REST conversation.
 */
import type { GrokEvent } from './events';
import { webLink } from './markup';
import { createCitationBook, sourceLine } from './citations';
import { classifyInBandError, handshakeFailure, malformedAnswer, networkFailure, timeoutFailure, truncatedFailure, type UpstreamFailure } from './errors';
import { wsHeaders } from './headers';
import { connectWebSocket, type WsClientConfig, type WsConnection } from './websocket';
import { isObj, str, type Obj } from './values';
import type { Opened } from './client';


interface MgwRequest {
  userId: string;
  /** `fast` | `auto` | `expert` | `heavy` … */
  mode: string;
  message: string;
  fileIds: string[];
}

interface MgwOptions {
  signal?: AbortSignal;
  handshakeTimeoutMs: number;
  firstFrameTimeoutMs: number;
  idleTimeoutMs: number;
  heartbeatMs?: number;
}


/** Waits for an event of one of `types`; errors and closes become failures. */
async function expect(ws: WsConnection, types: string[], timeoutMs: number): Promise<Obj | UpstreamFailure> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const msg = await ws.next(Math.max(1, until - Date.now()));
    if (msg === 'timeout') return timeoutFailure('chat gateway handshake', timeoutMs / 1000);
    if (msg === 'closed') return handshakeFailure('chat gateway: closed during the handshake');
    const event = isObj(msg.event) ? msg.event : undefined;
    if (!event) continue;
    if (event.type === 'error' && isObj(event.error)) return classifyInBandError(event.error);
    if (types.includes(String(event.type))) return { ...event, session_id: msg.session_id };
  }
}

export async function openMgwConversation(config: WsClientConfig, token: string, req: MgwRequest, opts: MgwOptions): Promise<Opened<AsyncIterable<GrokEvent>>> {
  const url = `${config.wsUrl.replace(/\/$/, '')}/ws/mgw/?uid=${encodeURIComponent(req.userId)}`;
  const conn = await connectWebSocket(
    config.fetch,
    url,
    wsHeaders({ ...config.headers, token, origin: config.origin }, `; x-userid=${req.userId}`),
    { handshakeTimeoutMs: opts.handshakeTimeoutMs, signal: opts.signal },
  );
  if (!conn.ok) return conn;
  const { ws } = conn;
  try {
    const initId = `evt_init_${crypto.randomUUID()}`;
    ws.send({
      event: {
        type: 'session.create',
        event_id: initId,
        session: {
          model: req.mode,
          x_grok: {
            protocol_capabilities: ['conversation_attached', 'custom_methods_v1'],
            use_chunk: true,
            enable_side_by_side: true,
            force_side_by_side: false,
            enable_image_generation: true,
            image_generation_count: 2,
            disable_text_follow_ups: true,
            disable_artifact: true,
            force_concise: false,
            keep_context: false,
            is_temporary: true,
            disable_memory: true,
          },
        },
      },
    });
    const created = await expect(ws, ['session.created'], opts.handshakeTimeoutMs);
    if ('kind' in created) {
      ws.close();
      return { ok: false, failure: created as UpstreamFailure };
    }
    const sessionId = str(created.session_id);
    if (!sessionId) {
      ws.close();
      return { ok: false, failure: malformedAnswer('chat gateway: session.created without a session id') };
    }
    const chunks: Obj[] = [...req.fileIds.map((id) => ({ mention: { target: { file_mention: { file_id: id } } } })), { text: { text: req.message } }];
    ws.send({
      session_id: sessionId,
      event: {
        type: 'conversation.item.create',
        event_id: `evt_msg_${Date.now()}`,
        item: {
          type: 'message',
          role: 'user',
          x_grok: { client_message_id: crypto.randomUUID(), input_chunks: chunks },
          ...(req.fileIds.length ? { file_attachment_ids: req.fileIds } : {}),
        },
      },
    });
    ws.send({ session_id: sessionId, event: { type: 'response.create', event_id: `evt_resp_${Date.now()}` } });
    return { ok: true, value: mgwEvents(ws, opts) };
  } catch (e) {
    ws.close();
    return { ok: false, failure: networkFailure(e) };
  }
}

function toolLabel(card: Obj): string | undefined {
  for (const [key, value] of Object.entries(card)) {
    if (key === 'tool_usage_card_id' || !isObj(value)) continue;
    const args = isObj(value.args) ? value.args : {};
    const arg = str(args.query) ?? str(args.url) ?? str(args.message) ?? '';
    return `\n[${key}]${arg ? ` ${arg}` : ''}\n`;
  }
  return undefined;
}

async function* mgwEvents(ws: WsConnection, opts: MgwOptions): AsyncGenerator<GrokEvent> {
  const heartbeat = setInterval(() => ws.send({ event: { type: 'ping', event_id: `evt_hb_${Date.now()}` } }), opts.heartbeatMs ?? 25_000);
  let first = true;
  let answered = false;
  const book = createCitationBook();
  try {
    for (;;) {
      const msg = await ws.next(first ? opts.firstFrameTimeoutMs : opts.idleTimeoutMs);
      if (msg === 'timeout') {
        yield { type: 'error', failure: timeoutFailure(first ? 'waiting for the first event' : 'mid-answer', (first ? opts.firstFrameTimeoutMs : opts.idleTimeoutMs) / 1000) };
        return;
      }
      if (msg === 'closed') {
        yield { type: 'error', failure: truncatedFailure('chat gateway closed before the answer was complete') };
        return;
      }
      const event = isObj(msg.event) ? msg.event : undefined;
      if (!event) continue;
      const type = str(event.type);
      if (type === 'pong' || type === 'conversation.attached') continue;
      first = false;
      if (type === 'error') {
        yield { type: 'error', failure: classifyInBandError(isObj(event.error) ? event.error : {}) };
        return;
      }
      if (type === 'session.ended') {
        yield { type: 'error', failure: truncatedFailure('chat gateway ended the session before the answer was complete') };
        return;
      }
      if (type === 'response.done') {
        const response = isObj(event.response) ? event.response : {};
        if (response.status !== undefined && response.status !== 'completed') {
          yield { type: 'error', failure: classifyInBandError({ message: `response ${String(response.status)}` }) };
          return;
        }
        yield { type: 'done' };
        return;
      }
      if (type === 'response.output_text.delta') {
        const delta = str(event.delta);
        if (delta) {
          answered = true;
          yield { type: 'text', text: delta };
        }
      } else if (type === 'response.search.result' && isObj(event.result)) {
        const url = webLink(event.result.url);
        if (url) yield* book.announce(url, str(event.result.title));
      } else if (type === 'response.grok.output' && isObj(event.output) && event.output.stream_error) {
        const err = event.output.stream_error;
        yield { type: 'error', failure: classifyInBandError(isObj(err) ? err : { message: String(err) }) };
        return;
      } else if (type === 'response.chunk' && isObj(event.chunk)) {
        const chunk = event.chunk;
        if (isObj(chunk.text)) {
          const text = str(chunk.text.text);
          const channel = str(chunk.text.channel) ?? '';
          if (!text) continue;
          if (/ANALYSIS|REASONING/.test(channel)) {
            // Thinking that arrives after the answer started is dropped, as on the REST profiles.
            if (!answered) yield { type: 'thinking', text };
          } else {
            answered = true;
            yield { type: 'text', text };
          }
        } else if (isObj(chunk.tool_usage_card)) {
          const label = toolLabel(chunk.tool_usage_card);
          if (label && !answered) yield { type: 'thinking', text: label };
        } else if (isObj(chunk.tool_result)) {
          const result = chunk.tool_result;
          const lines: string[] = [];
          for (const page of isObj(result.web_search) && Array.isArray(result.web_search.webpages) ? result.web_search.webpages : []) {
            const url = isObj(page) ? webLink(page.url) : undefined;
            if (!url) continue;
            yield* book.announce(url, str(page.title), str(page.snippet));
            lines.push(sourceLine(url, str(page.title) ?? url));
          }
          for (const post of isObj(result.x_post) && Array.isArray(result.x_post.posts) ? result.x_post.posts : []) {
            if (!isObj(post) || !str(post.userhandle) || !str(post.post_id)) continue;
            const url = `https://x.com/${post.userhandle}/status/${post.post_id}`;
            yield* book.announce(url, `@${post.userhandle}`, str(post.text));
            lines.push(sourceLine(url, `@${post.userhandle}`));
          }
          if (lines.length && !answered) yield { type: 'thinking', text: `${lines.join('')}\n` };
        } else if (isObj(chunk.render_citation)) {
          const url = webLink(chunk.render_citation.url);
          if (url) {
            yield* book.announce(url);
            answered = true;
            yield book.cite(url);
          }
        }
      }
    }
  } finally {
    clearInterval(heartbeat);
    ws.close();
  }
}

interface SessionIdentity {
  status: 'ok' | 'unauthenticated' | 'blocked';
  userId?: string;
}

/** E19: the account's user id (needed for the chat gateway URL), or its dead/blocked state. */
export function parseSession(json: unknown): SessionIdentity {
  if (!isObj(json)) return { status: 'ok' };
  if (json.status === 'unauthenticated') return { status: 'unauthenticated' };
  if (json.status === 'blocked') return { status: 'blocked' };
  const pick = (o: unknown, ...keys: string[]) => (isObj(o) ? keys.map((k) => str(o[k])).find(Boolean) : undefined);
  const userId = pick(json.session, 'userId') ?? pick(json.user, 'id', 'userId', 'sub') ?? pick(json, 'id', 'userId', 'sub');
  return { status: 'ok', userId };
}
