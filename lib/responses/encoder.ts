/**
 * @module responses/encoder
 * Internal events → Responses API objects and typed stream events (`response.created`, output items,
 * `response.output_text.delta`, `response.function_call_arguments.*`, `response.completed` /
 * `response.failed`), each with a `sequence_number`. No `[DONE]`.
 */
import type { GatewayError } from '@/lib/errors';
import type { EncoderMeta, WireEncoder } from '@/lib/gateway/conversation';
import type { SseFrame } from '@/lib/http/sse';
import type { GatewayEvent } from '@/lib/gateway/events';
import { estimateTokens } from '@/lib/gateway/prompt';
import { inlineMarker } from '@/lib/grok/citations';

type Annotation = { type: 'url_citation'; url: string; title: string; start_index: number; end_index: number };
type Item =
  | { type: 'reasoning'; id: string; summary: []; content: { type: 'reasoning_text'; text: string }[] }
  | { type: 'message'; id: string; status: 'in_progress' | 'completed'; role: 'assistant'; content: { type: 'output_text'; text: string; annotations: Annotation[]; logprobs: [] }[] }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: 'in_progress' | 'completed' };

const rid = (prefix: string) => `${prefix}_${crypto.randomUUID().replace(/-/g, '')}`;

export function createResponsesEncoder(meta: EncoderMeta): WireEncoder {
  const showReasoning = meta.reasoningOutput !== 'hidden';
  const output: Item[] = [];
  const citations: { url: string; title?: string }[] = [];
  let seq = 0;
  let open: Extract<Item, { type: 'reasoning' | 'message' }> | undefined;
  let reasoningText = '';
  let answerText = '';

  const frame = (type: string, payload: Record<string, unknown>): SseFrame => ({ event: type, data: { type, sequence_number: seq++, ...payload } });

  const usage = () => {
    const reasoning = estimateTokens(reasoningText);
    const out = estimateTokens(answerText) + reasoning + output.filter((o) => o.type === 'function_call').reduce((n, o) => n + estimateTokens((o as { arguments: string }).arguments), 0);
    return { input_tokens: meta.promptTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: out, output_tokens_details: { reasoning_tokens: reasoning }, total_tokens: meta.promptTokens + out };
  };

  const response = (status: 'in_progress' | 'completed' | 'failed', error: { code: string; message: string } | null = null) => ({
    id: meta.id,
    object: 'response',
    created_at: meta.created,
    status,
    model: meta.model,
    output: status === 'in_progress' ? [] : structuredClone(output),
    output_text: answerText,
    error,
    incomplete_details: null,
    instructions: null,
    parallel_tool_calls: meta.request.parallelToolCalls !== false,
    tool_choice: typeof meta.request.toolChoice === 'object' ? { type: 'function', name: meta.request.toolChoice.name } : (meta.request.toolChoice ?? 'auto'),
    tools: (meta.request.tools ?? []).map((t) => ({ type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: false })),
    usage: status === 'in_progress' ? null : usage(),
  });

  /** Where each source's first inline marker sits in the open message's text. */
  let spans = new Map<string, { start: number; end: number }>();
  const annotations = (): Annotation[] =>
    citations.map(({ url, title }) => {
      // Sources never cited inline in this message get an empty span at 0.
      const span = spans.get(url) ?? { start: 0, end: 0 };
      return { type: 'url_citation', url, title: title ?? url, start_index: span.start, end_index: span.end };
    });

  const close = (): SseFrame[] => {
    const item = open;
    if (!item) return [];
    open = undefined;
    const index = output.indexOf(item);
    if (item.type === 'reasoning') {
      const part = item.content[0];
      return [
        frame('response.reasoning_text.done', { item_id: item.id, output_index: index, content_index: 0, text: part.text }),
        frame('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part }),
        frame('response.output_item.done', { output_index: index, item: structuredClone(item) }),
      ];
    }
    item.status = 'completed';
    const part = item.content[0];
    part.annotations = annotations();
    return [
      frame('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text: part.text, logprobs: [] }),
      frame('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part }),
      frame('response.output_item.done', { output_index: index, item: structuredClone(item) }),
    ];
  };

  const ensure = (type: 'reasoning' | 'message'): SseFrame[] => {
    if (open?.type === type) return [];
    const frames = close();
    const item: Item =
      type === 'reasoning'
        ? { type: 'reasoning', id: rid('rs'), summary: [], content: [] }
        : { type: 'message', id: rid('msg'), status: 'in_progress', role: 'assistant', content: [] };
    if (type === 'message') spans = new Map();
    output.push(item);
    open = item;
    const index = output.length - 1;
    frames.push(frame('response.output_item.added', { output_index: index, item: structuredClone(item) }));
    const part = type === 'reasoning' ? { type: 'reasoning_text' as const, text: '' } : { type: 'output_text' as const, text: '', annotations: [], logprobs: [] as [] };
    (item.content as unknown[]).push(part);
    frames.push(frame('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: { ...part } }));
    return frames;
  };

  const text = (delta: string): SseFrame[] => {
    const frames = ensure('message');
    const item = open as Extract<Item, { type: 'message' }>;
    item.content[0].text += delta;
    answerText += delta;
    frames.push(frame('response.output_text.delta', { item_id: item.id, output_index: output.indexOf(item), content_index: 0, delta, logprobs: [] }));
    return frames;
  };

  return {
    start: () => [frame('response.created', { response: response('in_progress') }), frame('response.in_progress', { response: response('in_progress') })],
    event(event: GatewayEvent): SseFrame[] {
      switch (event.type) {
        case 'thinking': {
          if (!showReasoning || answerText) return [];
          const frames = ensure('reasoning');
          const item = open as Extract<Item, { type: 'reasoning' }>;
          item.content[0].text += event.text;
          reasoningText += event.text;
          frames.push(frame('response.reasoning_text.delta', { item_id: item.id, output_index: output.indexOf(item), content_index: 0, delta: event.text }));
          return frames;
        }
        case 'text':
          return text(event.text);
        case 'cite': {
          const marker = inlineMarker(event);
          const frames = text(marker);
          const at = (open as Extract<Item, { type: 'message' }>).content[0].text.length;
          // The span is the `[[n]](url)` marker itself, without its leading space.
          if (!spans.has(event.url)) spans.set(event.url, { start: at - marker.length + 1, end: at });
          return frames;
        }
        case 'citation':
          citations.push({ url: event.url, title: event.title });
          return [];
        case 'tool_call': {
          const frames = close();
          const item: Item = { type: 'function_call', id: rid('fc'), call_id: event.id, name: event.name, arguments: '', status: 'in_progress' };
          output.push(item);
          const index = output.length - 1;
          frames.push(frame('response.output_item.added', { output_index: index, item: structuredClone(item) }));
          frames.push(frame('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: event.arguments }));
          item.arguments = event.arguments;
          frames.push(frame('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: event.name, arguments: event.arguments }));
          item.status = 'completed';
          frames.push(frame('response.output_item.done', { output_index: index, item: structuredClone(item) }));
          return frames;
        }
        default:
          return [];
      }
    },
    finish: () => [...close(), frame('response.completed', { response: response('completed') })],
    body() {
      close();
      return response('completed');
    },
    completionTokens: () => usage().output_tokens,
    get hasOutput() {
      return output.length > 0;
    },
    errorFrame(err: GatewayError): SseFrame {
      return frame('response.failed', { response: response('failed', { code: err.code, message: err.message }) });
    },
  };
}
