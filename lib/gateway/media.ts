/**
 * @module gateway/media
 * Turns media events into what a chat client can show: progress as reasoning lines and finished images
 * / videos as markdown / HTML pointing at signed gateway links (never at upstream hosts, which need the
 * account cookie).
 */
import type { GrokEvent } from '@/lib/grok/events';
import { signMediaUrl } from '@/lib/media/links';
import type { GatewayContext } from './context';

export function mediaLink(ctx: GatewayContext, origin: string, path: string, tokenId: string): Promise<string> {
  return signMediaUrl(path, { origin, secret: ctx.secret, tokenId, ttlSeconds: ctx.settings.media_link_ttl_hours * 3600, now: ctx.now() });
}

const isMedia = (e: GrokEvent) =>
  e.type === 'image_progress' || e.type === 'video_progress' || e.type === 'image' || e.type === 'video' || e.type === 'image_failed';

/**
 * Wraps event batches for the chat encoders: `image`/`video` become text, progress (and an image that will
 * not come) becomes thinking.
 * Batches without media pass through untouched (the common case costs one scan per batch).
 * `owner` names the account serving the current attempt (its cookie is needed to fetch the media later).
 */
export async function* chatMediaEvents(
  batches: AsyncIterable<GrokEvent[]>,
  ctx: GatewayContext,
  origin: string,
  owner: () => string | undefined,
): AsyncGenerator<GrokEvent[]> {
  const imageProgress = new Map<number, number>();
  let sawMedia = false;
  for await (const batch of batches) {
    if (!batch.some(isMedia)) {
      yield batch;
      continue;
    }
    const out: GrokEvent[] = [];
    for (const event of batch) {
      switch (event.type) {
        case 'image_progress': {
          if ((imageProgress.get(event.index) ?? -1) >= event.progress) break;
          imageProgress.set(event.index, event.progress);
          out.push({ type: 'thinking', text: `Image ${event.index + 1}: ${event.progress}%\n` });
          break;
        }
        case 'image_failed':
          out.push({ type: 'thinking', text: `Image ${event.index + 1}: ${event.failure.kind === 'moderated' ? 'moderated' : 'failed'}\n` });
          break;
        case 'video_progress':
          out.push({ type: 'thinking', text: `Video: ${event.progress}%\n` });
          break;
        case 'image': {
          const url = await mediaLink(ctx, origin, event.path, owner() ?? '');
          // One line per image; the answer text that may follow starts on its own line.
          out.push({ type: 'text', text: `${sawMedia ? '' : '\n\n'}![Generated Image](${url})\n` });
          sawMedia = true;
          break;
        }
        case 'video': {
          const url = await mediaLink(ctx, origin, event.path, owner() ?? '');
          const poster = event.thumbnailPath ? ` poster="${await mediaLink(ctx, origin, event.thumbnailPath, owner() ?? '')}"` : '';
          out.push({ type: 'text', text: `<video src="${url}"${poster} controls="controls" width="500" height="300"></video>\n` });
          sawMedia = true;
          break;
        }
        default:
          out.push(event);
      }
    }
    yield out;
  }
}
