/**
 * @module gateway/media
 * Turns the upstream's media events into what a chat client can show, pointing at signed gateway links
 * (never at upstream hosts, which need the account cookie): typed `media` / `media_progress` events for
 * the gateway's own chat, or, for every other client, progress as reasoning lines and finished images /
 * videos as markdown / HTML in the answer.
 */
import type { GrokEvent } from '@/lib/grok/events';
import { signMediaUrl } from '@/lib/media/links';
import type { GatewayContext } from './context';
import { isUpstreamMedia, type GatewayEvent, type MediaEvent, type MediaProgressEvent, type UpstreamMediaEvent } from './events';

export function mediaLink(ctx: GatewayContext, origin: string, path: string, tokenId: string): Promise<string> {
  return signMediaUrl(path, { origin, secret: ctx.secret, tokenId, ttlSeconds: ctx.settings.media_link_ttl_hours * 3600, now: ctx.now() });
}

/** How media reaches the client: typed events (the dashboard asks for them) or text any chat client renders. */
export type MediaMode = 'events' | 'text';

interface MediaState {
  /** The highest progress reported per image index. */
  imageProgress: Map<number, number>;
  /** Whether media text has been written (the first one starts on its own paragraph). */
  sawMedia: boolean;
}

/** The typed form of one upstream media event (undefined when a progress value is not new). */
async function typed(
  event: UpstreamMediaEvent,
  state: MediaState,
  link: (path: string) => Promise<string>,
): Promise<MediaEvent | MediaProgressEvent | undefined> {
  switch (event.type) {
    case 'image_progress':
      if ((state.imageProgress.get(event.index) ?? -1) >= event.progress) return undefined;
      state.imageProgress.set(event.index, event.progress);
      return { type: 'media_progress', kind: 'image', index: event.index, progress: event.progress, status: 'running' };
    case 'image_failed': {
      const status = event.failure.kind === 'moderated' ? 'moderated' : 'failed';
      return { type: 'media_progress', kind: 'image', index: event.index, progress: state.imageProgress.get(event.index) ?? 0, status };
    }
    case 'video_progress':
      return { type: 'media_progress', kind: 'video', index: 0, progress: event.progress, status: 'running' };
    case 'image':
      return { type: 'media', kind: 'image', url: await link(event.path) };
    case 'video':
      return { type: 'media', kind: 'video', url: await link(event.path), posterUrl: event.thumbnailPath ? await link(event.thumbnailPath) : undefined };
  }
}

/** The text form of a typed media event: progress as a reasoning line, media as markdown / HTML in the answer. */
function asText(event: MediaEvent | MediaProgressEvent, state: MediaState): GatewayEvent {
  if (event.type === 'media_progress') {
    const name = event.kind === 'image' ? `Image ${event.index + 1}` : 'Video';
    return { type: 'thinking', text: `${name}: ${event.status === 'running' ? `${event.progress}%` : event.status}\n` };
  }
  // One line per item; the answer text that may follow starts on its own line.
  const lead = state.sawMedia ? '' : '\n\n';
  state.sawMedia = true;
  if (event.kind === 'image') return { type: 'text', text: `${lead}![Generated Image](${event.url})\n` };
  const poster = event.posterUrl ? ` poster="${event.posterUrl}"` : '';
  return { type: 'text', text: `<video src="${event.url}"${poster} controls="controls" width="500" height="300"></video>\n` };
}

/**
 * Wraps event batches for the chat encoders. Batches without media pass through untouched (the common
 * case costs one scan per batch). `owner` names the account serving the current attempt (its cookie is
 * needed to fetch the media later).
 */
export async function* chatMediaEvents(
  batches: AsyncIterable<GrokEvent[]>,
  ctx: GatewayContext,
  origin: string,
  owner: () => string | undefined,
  mode: MediaMode,
): AsyncGenerator<GatewayEvent[]> {
  const state: MediaState = { imageProgress: new Map(), sawMedia: false };
  const link = (path: string) => mediaLink(ctx, origin, path, owner() ?? '');
  for await (const batch of batches) {
    if (!batch.some(isUpstreamMedia)) {
      yield batch as GatewayEvent[];
      continue;
    }
    const out: GatewayEvent[] = [];
    for (const event of batch) {
      if (!isUpstreamMedia(event)) {
        out.push(event);
        continue;
      }
      const media = await typed(event, state, link);
      if (media) out.push(mode === 'events' ? media : asText(media, state));
    }
    // A batch of progress repeats only says nothing new.
    if (out.length) yield out;
  }
}

