'use client';

import { CircleAlertIcon, UserIcon, ZapIcon } from 'lucide-react';
import { CopyButton } from '@/components/copy-button';
import { useI18n } from '@/components/i18n-provider';
import { Markdown } from './markdown';
import { ReasoningBlock } from './reasoning-block';
import { Sources } from './sources';
import { MediaGallery, MediaProgressView } from './media-view';
import { splitThink } from './parse-content';
import type { ChatTurn } from './types';

export function MessageView({ message, streaming }: { message: ChatTurn; streaming: boolean }) {
  const { t } = useI18n();
  if (message.role === 'user') {
    return (
      <div className="flex justify-end gap-3" data-testid="message-user">
        <div className="bg-primary text-primary-foreground max-w-[85%] space-y-2 rounded-2xl rounded-tr-sm px-4 py-2 text-sm whitespace-pre-wrap">
          {message.images?.map((src, i) => (
            // eslint-disable-next-line @next/next/no-img-element
            <img key={i} src={src} alt="" className="max-h-40 rounded-md" />
          ))}
          {message.content}
        </div>
        <span className="bg-muted hidden size-8 shrink-0 items-center justify-center rounded-full sm:flex" aria-label={t.chat.you}>
          <UserIcon className="size-4" />
        </span>
      </div>
    );
  }
  const split = splitThink(message.content);
  const reasoning = [message.reasoning ?? '', split.reasoning].filter(Boolean).join('\n').trim();
  const thinking = streaming && (split.thinking || (!!message.reasoning && !split.answer));
  return (
    <div className="flex gap-3" data-testid="message-assistant">
      <span className="bg-muted hidden size-8 shrink-0 items-center justify-center rounded-full sm:flex" aria-label={t.chat.assistant}>
        <ZapIcon className="size-4" />
      </span>
      <div className="group min-w-0 flex-1 space-y-2">
        {reasoning && <ReasoningBlock text={reasoning} active={thinking} streaming={streaming} />}
        {message.mediaProgress && <MediaProgressView items={message.mediaProgress} streaming={streaming} />}
        {split.answer ? (
          <div data-testid="answer">
            <Markdown text={split.answer} />
          </div>
        ) : streaming && !reasoning && !message.mediaProgress && !message.media ? (
          <div className="flex gap-1 py-2" aria-label={t.common.loading}>
            {[0, 1, 2].map((i) => (
              <span key={i} className="bg-muted-foreground/60 size-1.5 animate-bounce rounded-full" style={{ animationDelay: `${i * 120}ms` }} />
            ))}
          </div>
        ) : null}
        {message.media && <MediaGallery media={message.media} />}
        <Sources citations={message.citations ?? []} />
        {message.error && (
          <p className="text-destructive flex items-center gap-2 text-sm" role="alert" data-testid="message-error">
            <CircleAlertIcon className="size-4 shrink-0" /> {message.error}
          </p>
        )}
        {message.stopped && <p className="text-muted-foreground text-xs">{t.chat.stopped}</p>}
        {!streaming && split.answer && (
          <div className="opacity-100 transition-opacity sm:opacity-0 sm:group-hover:opacity-100 sm:focus-within:opacity-100">
            <CopyButton value={split.answer} label={t.chat.copy} />
          </div>
        )}
      </div>
    </div>
  );
}
