/**
 * @module gateway/events
 * The events wire encoders consume: upstream events plus what the gateway derives from them (tool calls
 * parsed out of answer text by the emulation).
 */
import type { GrokEvent } from '@/lib/grok/events';
import { inlineMarker } from '@/lib/grok/citations';
import { createToolCallParser } from '@/lib/tools/parser';

type ToolCallEvent = { type: 'tool_call'; id: string; name: string; arguments: string };
/** A finished image or video as signed gateway links (the dashboard's typed media protocol). */
export type MediaEvent = { type: 'media'; kind: 'image' | 'video'; url: string; posterUrl?: string };
/**
 * Progress of one image (by index) or of the video; `status` says when an image ended without media.
 * Progress only rises: a repeat or a lower value is not an event.
 */
export type MediaProgressEvent = {
  type: 'media_progress';
  kind: 'image' | 'video';
  index: number;
  progress: number;
  status: 'running' | 'failed' | 'moderated';
};
export type GatewayEvent = Exclude<GrokEvent, UpstreamMediaEvent> | ToolCallEvent | MediaEvent | MediaProgressEvent;
/** The upstream's media events: the media stage turns them into links (never passed on, they hold upstream paths). */
const UPSTREAM_MEDIA = ['image_progress', 'video_progress', 'image', 'video', 'image_failed'] as const satisfies readonly GrokEvent['type'][];
export type UpstreamMediaEvent = Extract<GrokEvent, { type: (typeof UPSTREAM_MEDIA)[number] }>;
export const isUpstreamMedia = (e: GrokEvent): e is UpstreamMediaEvent => (UPSTREAM_MEDIA as readonly string[]).includes(e.type);

const newCallId = () => `call_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;

/** Parses tool-call blocks out of answer text; everything else passes through in order, batch by batch. */
export async function* withToolCalls(
  batches: AsyncIterable<GatewayEvent[]>,
  toolNames: readonly string[],
  parallel: boolean,
): AsyncGenerator<GatewayEvent[]> {
  const parser = createToolCallParser(toolNames);
  let calls = 0;
  const emit = (pieces: ReturnType<typeof parser.push>, out: GatewayEvent[]) => {
    for (const piece of pieces) {
      if (piece.type === 'text') out.push({ type: 'text', text: piece.text });
      // Without parallel calls only the first call counts; later blocks are dropped, not shown as text.
      else if (parallel || calls === 0) {
        calls++;
        out.push({ type: 'tool_call', id: newCallId(), name: piece.name, arguments: piece.arguments });
      }
    }
  };
  for await (const batch of batches) {
    const out: GatewayEvent[] = [];
    for (const event of batch) {
      if (event.type === 'text') emit(parser.push(event.text), out);
      // A citation must not overtake text the parser holds back: then it joins that text as its marker.
      else if (event.type === 'cite' && parser.holding) emit(parser.push(inlineMarker(event)), out);
      else if (event.type === 'done') {
        emit(parser.end(), out);
        out.push(event);
      } else out.push(event);
    }
    if (out.length) yield out;
  }
}

/**
 * Adjacent text (or thinking) events of one batch as one: they arrived together, so they leave as one
 * delta. Returns the batch itself when there is nothing to merge.
 */
export function coalesce(batch: GatewayEvent[]): GatewayEvent[] {
  let merged: GatewayEvent[] | undefined;
  for (let i = 1; i < batch.length; i++) {
    const prev = merged ? merged[merged.length - 1] : batch[i - 1];
    const event = batch[i];
    if ((event.type === 'text' || event.type === 'thinking') && prev.type === event.type) {
      merged ??= batch.slice(0, i);
      merged[merged.length - 1] = { type: event.type, text: (prev as { text: string }).text + event.text };
    } else if (merged) merged.push(event);
  }
  return merged ?? batch;
}
