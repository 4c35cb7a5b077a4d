/**
 * @module gateway/events
 * The events wire encoders consume: upstream events plus what the gateway derives from them (tool calls
 * parsed out of answer text by the emulation).
 */
import type { GrokEvent } from '@/lib/grok/events';
import { createToolCallParser } from '@/lib/tools/parser';

export type ToolCallEvent = { type: 'tool_call'; id: string; name: string; arguments: string };
export type GatewayEvent = GrokEvent | ToolCallEvent;

export const newCallId = () => `call_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;

/** Parses tool-call blocks out of answer text; everything else passes through in order. */
export async function* withToolCalls(events: AsyncIterable<GatewayEvent>, toolNames: readonly string[], parallel: boolean): AsyncGenerator<GatewayEvent> {
  const parser = createToolCallParser(toolNames);
  let calls = 0;
  function* emit(pieces: ReturnType<typeof parser.push>): Generator<GatewayEvent> {
    for (const piece of pieces) {
      if (piece.type === 'text') yield { type: 'text', text: piece.text };
      // Without parallel calls only the first call counts; later blocks are dropped, not shown as text.
      else if (parallel || calls === 0) {
        calls++;
        yield { type: 'tool_call', id: newCallId(), name: piece.name, arguments: piece.arguments };
      }
    }
  }
  for await (const event of events) {
    if (event.type === 'text') yield* emit(parser.push(event.text));
    else if (event.type === 'done') {
      yield* emit(parser.end());
      yield event;
    } else yield event;
  }
}
