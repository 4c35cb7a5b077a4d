/**
 * @module openai/chunks
 * Internal events → `chat.completion.chunk` objects (streaming) or one `chat.completion` (non-stream).
 * Both go through the same accumulator, so a non-stream answer is exactly what the stream would have said.
 */
import type { GatewayEvent } from '@/lib/gateway/events';
import type { Settings } from '@/lib/settings/schema';
import { estimateTokens } from '@/lib/gateway/prompt';
import { inlineMarker } from '@/lib/grok/citations';
import type { ChatMedia, ChatMediaProgress } from './media-extension';

export type ReasoningOutput = Settings['reasoning_output'];

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details: { reasoning_tokens: number };
}

interface UrlCitation {
  type: 'url_citation';
  url_citation: { url: string; title: string; start_index: number; end_index: number };
}

export interface ChatEncoderOptions {
  id: string;
  created: number;
  model: string;
  reasoningOutput: ReasoningOutput;
  promptTokens: number;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface Delta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  annotations?: UrlCitation[];
  tool_calls?: { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } }[];
  media?: ChatMedia[];
  media_progress?: ChatMediaProgress[];
}

export function createChatEncoder(opts: ChatEncoderOptions) {
  let content = '';
  let reasoning = '';
  let thinkOpen = false;
  const citations: { url: string; title?: string }[] = [];
  /** Where each source's first inline marker sits in `content`. */
  const spans = new Map<string, { start: number; end: number }>();
  const toolCalls: ToolCall[] = [];
  const media: ChatMedia[] = [];

  const chunk = (delta: Delta, finish: string | null = null) => ({
    id: opts.id,
    object: 'chat.completion.chunk' as const,
    created: opts.created,
    model: opts.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });

  const answer = (text: string): Delta => {
    let out = text;
    if (thinkOpen) {
      out = `\n</think>\n${out}`;
      thinkOpen = false;
    }
    content += out;
    return { content: out };
  };

  const annotations = (): UrlCitation[] =>
    citations.map(({ url, title }) => {
      // Sources never cited inline get an empty span at 0.
      const span = spans.get(url) ?? { start: 0, end: 0 };
      return { type: 'url_citation', url_citation: { url, title: title ?? url, start_index: span.start, end_index: span.end } };
    });

  const usage = (): Usage => {
    const reasoningTokens = estimateTokens(reasoning);
    // In think_tags mode the reasoning is already part of `content`.
    const toolTokens = toolCalls.reduce((n, c) => n + estimateTokens(c.function.name) + estimateTokens(c.function.arguments), 0);
    const completion = estimateTokens(content) + toolTokens + (opts.reasoningOutput === 'think_tags' ? 0 : reasoningTokens);
    return {
      prompt_tokens: opts.promptTokens,
      completion_tokens: completion,
      total_tokens: opts.promptTokens + completion,
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    };
  };

  return {
    /** The first chunk of a stream. */
    start: () => chunk({ role: 'assistant', content: '' }),

    /** Chunks for one event (usually zero or one). */
    event(event: GatewayEvent): ReturnType<typeof chunk>[] {
      switch (event.type) {
        case 'meta':
          return [];
        case 'thinking': {
          reasoning += event.text;
          if (opts.reasoningOutput === 'hidden') return [];
          if (opts.reasoningOutput === 'reasoning_content') return [chunk({ reasoning_content: event.text })];
          let out = event.text;
          if (!thinkOpen && !content) {
            thinkOpen = true;
            out = `<think>\n${out}`;
          } else if (!thinkOpen) return [];
          content += out;
          return [chunk({ content: out })];
        }
        case 'text':
          return [chunk(answer(event.text))];
        case 'cite': {
          const marker = inlineMarker(event);
          const delta = answer(marker);
          // The span is the `[[n]](url)` marker itself, without its leading space.
          if (!spans.has(event.url)) spans.set(event.url, { start: content.length - marker.length + 1, end: content.length });
          return [chunk(delta)];
        }
        case 'citation':
          citations.push({ url: event.url, title: event.title });
          return [];
        case 'tool_call': {
          const index = toolCalls.push({ id: event.id, type: 'function', function: { name: event.name, arguments: event.arguments } }) - 1;
          const out: ReturnType<typeof chunk>[] = [];
          if (thinkOpen) out.push(chunk(answer('')));
          // Name (with id) first, then the complete arguments exactly once.
          out.push(chunk({ tool_calls: [{ index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }] }));
          out.push(chunk({ tool_calls: [{ index, function: { arguments: event.arguments } }] }));
          return out;
        }
        case 'media': {
          const item: ChatMedia = { type: event.kind, url: event.url, ...(event.posterUrl ? { poster_url: event.posterUrl } : {}) };
          media.push(item);
          return [chunk({ media: [item] })];
        }
        case 'media_progress':
          return [chunk({ media_progress: [{ type: event.kind, index: event.index, progress: event.progress, status: event.status }] })];
        default:
          return [];
      }
    },

    /** The terminal chunk (closes an open think block first). */
    finish() {
      const out: ReturnType<typeof chunk>[] = [];
      if (thinkOpen) out.push(chunk(answer('')));
      const delta: Delta = {};
      if (citations.length) delta.annotations = annotations();
      out.push(chunk(delta, toolCalls.length ? 'tool_calls' : 'stop'));
      return out;
    },

    /** The usage-only chunk of `stream_options.include_usage`. */
    usageChunk: () => ({ ...chunk({}), choices: [], usage: usage() }),

    usage,

    /** The non-stream `chat.completion`, from everything accumulated. */
    completion() {
      if (thinkOpen) answer('');
      const message: Record<string, unknown> = { role: 'assistant', content: content || (toolCalls.length ? null : ''), refusal: null };
      if (opts.reasoningOutput === 'reasoning_content' && reasoning) message.reasoning_content = reasoning;
      if (toolCalls.length) message.tool_calls = toolCalls;
      if (media.length) message.media = media;
      message.annotations = annotations();
      const reason = toolCalls.length ? 'tool_calls' : 'stop';
      return {
        id: opts.id,
        object: 'chat.completion' as const,
        created: opts.created,
        model: opts.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: reason }],
        usage: usage(),
      };
    },

    get hasOutput() {
      return content.length > 0 || reasoning.length > 0 || toolCalls.length > 0 || media.length > 0;
    },
  };
}
