import { MEDIA_EVENTS_HEADER, MEDIA_EVENTS_VALUE, type ChatMedia, type ChatMediaProgress } from '@/lib/openai/media-extension';
import { readSse } from './sse';
import type { ChatTurn, Citation } from './types';

interface Delta {
  content?: string | null;
  reasoning_content?: string | null;
  annotations?: { type: string; url_citation?: { url: string; title?: string } }[];
  media?: ChatMedia[];
  media_progress?: ChatMediaProgress[];
}

interface Chunk {
  error?: { message?: string };
  choices?: { delta?: Delta }[];
}

interface StreamUpdate {
  content: string;
  reasoning: string;
  citations: Citation[];
  media: ChatMedia[];
  /** The latest progress of each item being generated. */
  progress: ChatMediaProgress[];
}

export class ChatError extends Error {}

/** OpenAI message list for the request: user images become `image_url` parts; assistant turns send only the answer. */
export function toRequestMessages(messages: ChatTurn[], answerOf: (m: ChatTurn) => string) {
  return messages
    .filter((m) => !m.error || m.content)
    .map((m) => {
      if (m.role === 'assistant') return { role: 'assistant', content: answerOf(m) };
      if (!m.images?.length) return { role: 'user', content: m.content };
      return {
        role: 'user',
        content: [{ type: 'text', text: m.content }, ...m.images.map((url) => ({ type: 'image_url', image_url: { url } }))],
      };
    });
}

/** POSTs a streaming chat completion and reports the accumulated answer after every chunk. */
export async function streamChat(opts: {
  endpoint: string;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  signal: AbortSignal;
  onUpdate: (u: StreamUpdate) => void;
}): Promise<StreamUpdate> {
  const res = await fetch(opts.endpoint, {
    method: 'POST',
    // Media as typed delta fields, not markdown / HTML to parse back out of the answer.
    headers: { 'content-type': 'application/json', [MEDIA_EVENTS_HEADER]: MEDIA_EVENTS_VALUE, ...opts.headers },
    body: JSON.stringify({ ...opts.body, stream: true }),
    signal: opts.signal,
  });
  if (!res.ok || !res.body) {
    let message = `HTTP ${res.status}`;
    try {
      message = ((await res.json()) as Chunk).error?.message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ChatError(message);
  }
  const state: StreamUpdate = { content: '', reasoning: '', citations: [], media: [], progress: [] };
  for await (const frame of readSse(res.body, opts.signal)) {
    const chunk = frame as Chunk;
    if (chunk.error) throw new ChatError(chunk.error.message ?? 'stream error');
    const delta = chunk.choices?.[0]?.delta;
    if (!delta) continue;
    if (delta.reasoning_content) state.reasoning += delta.reasoning_content;
    if (delta.content) state.content += delta.content;
    for (const a of delta.annotations ?? []) {
      if (a.type === 'url_citation' && a.url_citation && !state.citations.some((c) => c.url === a.url_citation!.url)) {
        state.citations.push({ url: a.url_citation.url, title: a.url_citation.title ?? a.url_citation.url });
      }
    }
    if (delta.media) state.media = [...state.media, ...delta.media];
    for (const p of delta.media_progress ?? []) {
      // In place: each item keeps its position (its bar does not jump when another one moves).
      const at = state.progress.findIndex((q) => q.type === p.type && q.index === p.index);
      state.progress = at === -1 ? [...state.progress, p] : state.progress.map((q, i) => (i === at ? p : q));
    }
    opts.onUpdate({ ...state, citations: [...state.citations] });
  }
  return state;
}
