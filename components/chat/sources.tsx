'use client';

import { LinkIcon } from 'lucide-react';
import { useI18n } from '@/components/i18n-provider';
import type { Citation } from './types';

export function Sources({ citations }: { citations: Citation[] }) {
  const { t } = useI18n();
  if (!citations.length) return null;
  return (
    <div className="space-y-1" data-testid="citations">
      <div className="text-muted-foreground text-xs font-medium">{t.chat.sources}</div>
      <ol className="flex flex-wrap gap-2">
        {citations.map((c, i) => (
          <li key={c.url}>
            <a href={c.url} target="_blank" rel="noopener noreferrer nofollow" className="bg-muted hover:bg-accent flex max-w-64 items-center gap-1.5 rounded-md px-2 py-1 text-xs">
              <span className="text-muted-foreground">{i + 1}</span>
              <LinkIcon className="size-3 shrink-0" />
              <span className="truncate">{c.title}</span>
            </a>
          </li>
        ))}
      </ol>
    </div>
  );
}
