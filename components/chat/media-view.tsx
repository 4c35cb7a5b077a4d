'use client';

import { Progress } from '@/components/ui/progress';
import { useI18n } from '@/components/i18n-provider';
import { fmt } from '@/lib/i18n';
import type { ChatMedia, ChatMediaProgress } from '@/lib/openai/media-extension';
import { mediaSrc } from './media';

/** Generated images and videos of one answer; links that are not this gateway's are not loaded. */
export function MediaGallery({ media }: { media: ChatMedia[] }) {
  return (
    <div className="flex flex-wrap gap-2">
      {media.map((item, i) => {
        const src = mediaSrc(item.url);
        if (!src) return null;
        return item.type === 'video' ? (
          <video
            key={i}
            src={src}
            poster={mediaSrc(item.poster_url)}
            controls
            preload="metadata"
            className="max-h-96 w-full max-w-xl rounded-lg border"
            data-testid="chat-video"
          />
        ) : (
          <a key={i} href={src} target="_blank" rel="noopener noreferrer">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={src} alt="" loading="lazy" className="max-h-96 rounded-lg border" data-testid="chat-image" />
          </a>
        );
      })}
    </div>
  );
}

/** One bar per item still generating while the answer streams; an item that failed says so for good. */
export function MediaProgressView({ items, streaming }: { items: ChatMediaProgress[]; streaming: boolean }) {
  const { t } = useI18n();
  const name = (p: ChatMediaProgress) => (p.type === 'video' ? t.chat.video : fmt(t.chat.imageN, { n: p.index + 1 }));
  const running = streaming ? items.filter((p) => p.status === 'running' && p.progress < 100) : [];
  const failed = items.filter((p) => p.status !== 'running');
  if (!running.length && !failed.length) return null;
  return (
    <div className="space-y-2" data-testid="media-progress">
      {running.map((p) => (
        <div key={`${p.type}${p.index}`} className="space-y-1">
          <div className="text-muted-foreground text-xs">
            {name(p)} · {fmt(t.chat.progress, { percent: p.progress })}
          </div>
          <Progress value={p.progress} className="h-1.5" />
        </div>
      ))}
      {failed.map((p) => (
        <p key={`${p.type}${p.index}`} className="text-muted-foreground text-xs" data-testid="media-failed">
          {fmt(p.status === 'moderated' ? t.chat.mediaModerated : t.chat.mediaFailed, { name: name(p) })}
        </p>
      ))}
    </div>
  );
}
