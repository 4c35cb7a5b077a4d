/**
 * @module anthropic/encoder
 * Internal events → Anthropic Messages: `message_start`, `content_block_start/delta/stop` for thinking,
 * text and tool_use blocks (`thinking_delta`, `text_delta`, `input_json_delta`), `message_delta` with
 * `stop_reason`, `message_stop`; or one `message` object.
 */
import type { EncoderMeta, WireEncoder } from '@/lib/gateway/conversation';
import type { SseFrame } from '@/lib/http/sse';
import type { GatewayEvent } from '@/lib/gateway/events';
import { estimateTokens } from '@/lib/gateway/prompt';
import { inlineMarker } from '@/lib/grok/citations';

type Block =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export function createMessagesEncoder(meta: EncoderMeta & { requestedModel: string; showThinking: boolean }): WireEncoder {
  const content: Block[] = [];
  let open: Block | undefined;
  let outputText = '';

  const frame = (type: string, payload: Record<string, unknown> = {}): SseFrame => ({ event: type, data: { type, ...payload } });
  const outputTokens = () => estimateTokens(outputText);
  const stopReason = () => (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');

  const close = (): SseFrame[] => {
    if (!open) return [];
    const index = content.indexOf(open);
    open = undefined;
    return [frame('content_block_stop', { index })];
  };

  const ensure = (type: 'thinking' | 'text'): SseFrame[] => {
    if (open?.type === type) return [];
    const frames = close();
    const block: Block = type === 'thinking' ? { type, thinking: '', signature: '' } : { type, text: '' };
    content.push(block);
    open = block;
    frames.push(frame('content_block_start', { index: content.length - 1, content_block: { ...block } }));
    return frames;
  };

  const text = (delta: string): SseFrame[] => {
    const frames = ensure('text');
    (open as Extract<Block, { type: 'text' }>).text += delta;
    outputText += delta;
    frames.push(frame('content_block_delta', { index: content.length - 1, delta: { type: 'text_delta', text: delta } }));
    return frames;
  };

  const message = (stop: string | null) => ({
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.requestedModel,
    content: stop ? structuredClone(content) : [],
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: meta.promptTokens, output_tokens: stop ? outputTokens() : 0 },
  });

  return {
    start: () => [frame('message_start', { message: message(null) })],
    event(event: GatewayEvent): SseFrame[] {
      switch (event.type) {
        case 'thinking': {
          if (!meta.showThinking || content.some((b) => b.type !== 'thinking')) return [];
          const frames = ensure('thinking');
          (open as Extract<Block, { type: 'thinking' }>).thinking += event.text;
          outputText += event.text;
          frames.push(frame('content_block_delta', { index: content.length - 1, delta: { type: 'thinking_delta', thinking: event.text } }));
          return frames;
        }
        case 'text':
          return text(event.text);
        case 'cite':
          return text(inlineMarker(event));
        case 'tool_call': {
          const frames = close();
          let input: unknown = {};
          try {
            input = JSON.parse(event.arguments);
          } catch {
            /* the parser only emits valid JSON */
          }
          const id = `toolu_${event.id.replace(/^call_/, '')}`;
          content.push({ type: 'tool_use', id, name: event.name, input });
          outputText += event.arguments;
          const index = content.length - 1;
          frames.push(frame('content_block_start', { index, content_block: { type: 'tool_use', id, name: event.name, input: {} } }));
          frames.push(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: event.arguments } }));
          frames.push(frame('content_block_stop', { index }));
          return frames;
        }
        default:
          return [];
      }
    },
    finish: () => [
      ...close(),
      frame('message_delta', { delta: { stop_reason: stopReason(), stop_sequence: null }, usage: { output_tokens: outputTokens() } }),
      frame('message_stop'),
    ],
    body: () => message(stopReason()),
    completionTokens: outputTokens,
    get hasOutput() {
      return content.length > 0;
    },
  };
}
