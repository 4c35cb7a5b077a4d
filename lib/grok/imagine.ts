/**
 * @module grok/imagine
 * Image generation over the Imagine WebSocket (E13, spec §6.2): reset + request, then per image a
 * `start_stage`, preview `image` frames, a final `image` frame (100 %) and a `completed` status.
 * Produces the same internal events as the chat path (`image_progress`, `image`, `error`, `done`).
 */
import type { GrokEvent } from './events';
import { classifyInBandError, malformedAnswer, timeoutFailure, truncatedFailure } from './errors';
import { wsHeaders } from './headers';
import { connectWebSocket, type WsClientConfig, type WsConnection } from './websocket';
import { nonEmpty as str, num, type Obj } from './values';
import type { Opened } from './client';


interface ImagineRequest {
  prompt: string;
  aspectRatio: string;
  count: number;
  pro?: boolean;
}

export const IMAGINE_MAX_PER_ROUND = 4;


interface ImagineOptions {
  signal?: AbortSignal;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
}

/** Connects (a failed handshake is a classified failure, like a non-2xx E1) and returns the round's events. */
export async function openImagine(config: WsClientConfig, token: string, req: ImagineRequest, opts: ImagineOptions): Promise<Opened<AsyncIterable<GrokEvent>>> {
  const url = `${config.wsUrl.replace(/\/$/, '')}/ws/imagine/listen`;
  const conn = await connectWebSocket(config.fetch, url, wsHeaders({ ...config.headers, token, origin: config.origin }), {
    handshakeTimeoutMs: opts.handshakeTimeoutMs,
    signal: opts.signal,
  });
  if (!conn.ok) return conn;
  return { ok: true, value: imagineRound(conn.ws, req, opts) };
}

async function* imagineRound(ws: WsConnection, req: ImagineRequest, opts: ImagineOptions): AsyncGenerator<GrokEvent> {
  const requestId = crypto.randomUUID();
  const deadline = Date.now() + opts.totalTimeoutMs;
  try {
    ws.send({ type: 'conversation.item.create', timestamp: Date.now(), item: { type: 'message', content: [{ type: 'reset' }] } });
    ws.send({
      type: 'conversation.item.create',
      timestamp: Date.now(),
      item: {
        type: 'message',
        content: [
          {
            requestId,
            text: req.prompt,
            type: 'input_text',
            properties: {
              section_count: 0,
              is_kids_mode: false,
              enable_nsfw: true,
              skip_upsampler: false,
              enable_side_by_side: true,
              is_initial: false,
              aspect_ratio: req.aspectRatio,
              enable_pro: !!req.pro,
              num_generations: req.count,
            },
          },
        ],
      },
    });

    const slots = new Map<string, number>();
    const finals = new Set<string>();
    const completed = new Set<string>();
    let moderated = 0;
    const slotOf = (id: string, frame: Obj) => {
      let index = slots.get(id);
      if (index === undefined) {
        index = num(frame.order) ?? num(frame.grid_index) ?? num(frame.side_by_side_index) ?? slots.size;
        slots.set(id, index);
      }
      return index;
    };

    for (;;) {
      const left = deadline - Date.now();
      const msg = await ws.next(Math.max(1, Math.min(opts.idleTimeoutMs, left)));
      if (msg === 'timeout') {
        if (finals.size) break;
        yield { type: 'error', failure: timeoutFailure('Imagine WebSocket', opts.idleTimeoutMs / 1000) };
        return;
      }
      if (msg === 'closed') {
        if (finals.size) break;
        yield { type: 'error', failure: truncatedFailure('Imagine WebSocket closed before any image was final') };
        return;
      }
      const rid = str(msg.request_id) ?? str(msg.requestId);
      if (rid && rid !== requestId) continue;
      const type = str(msg.type);
      if (type === 'error' || msg.current_status === 'error') {
        yield { type: 'error', failure: classifyInBandError({ message: str(msg.err_msg) ?? str(msg.err_message) ?? str(msg.error) ?? str(msg.err_code) ?? 'imagine error' }) };
        return;
      }
      const id = str(msg.image_id) ?? str(msg.id) ?? str(msg.job_id) ?? str(msg.imageId);
      if (!id) continue;
      const index = slotOf(id, msg);
      if (type === 'image') {
        const progress = num(msg.percentage_complete) ?? num(msg.percentageComplete) ?? num(msg.progress) ?? 100;
        const url = str(msg.url) ?? str(msg.imageUrl) ?? str(msg.image_url);
        if (progress >= 100 && url && !finals.has(id)) {
          finals.add(id);
          yield { type: 'image_progress', index, progress: 100 };
          yield { type: 'image', index, path: url, b64: str(msg.blob) };
        } else if (progress < 100) {
          yield { type: 'image_progress', index, progress };
        }
      } else if (type === 'json') {
        const status = str(msg.current_status);
        if (status === 'start_stage') yield { type: 'image_progress', index, progress: 0 };
        else if (status === 'completed' || status === 'done' || status === 'success') {
          completed.add(id);
          if (msg.moderated === true && !finals.has(id)) moderated++;
        }
      }
      if (finals.size >= req.count || (slots.size >= req.count && completed.size >= slots.size)) break;
    }
    if (!finals.size) {
      const failure = moderated
        ? classifyInBandError({ message: 'every image was content-moderated' })
        : malformedAnswer('Imagine round ended without an image');
      yield { type: 'error', failure };
      return;
    }
    yield { type: 'done' };
  } finally {
    ws.close();
  }
}
