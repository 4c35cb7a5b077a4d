'use client';

import { MessageSquareIcon, TrashIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/components/i18n-provider';
import { cn } from '@/lib/utils';
import type { Conversation } from './types';

export function HistoryList({ list, activeId, onSelect, onDelete }: { list: Conversation[]; activeId?: string; onSelect: (c: Conversation) => void; onDelete: (id: string) => void }) {
  const { t } = useI18n();
  if (!list.length) return <p className="text-muted-foreground px-2 py-4 text-center text-xs">{t.chat.noHistory}</p>;
  return (
    <ul className="space-y-0.5" aria-label={t.chat.history} data-testid="chat-history">
      {list.map((c) => (
        <li key={c.id} className="group flex items-center">
          <button
            type="button"
            onClick={() => onSelect(c)}
            aria-current={c.id === activeId ? 'true' : undefined}
            className={cn(
              'hover:bg-accent flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm',
              c.id === activeId && 'bg-accent font-medium',
            )}
          >
            <MessageSquareIcon className="text-muted-foreground size-3.5 shrink-0" />
            <span className="truncate">{c.title || t.chat.untitled}</span>
          </button>
          <Button variant="ghost" size="icon-sm" className="shrink-0 opacity-60 hover:opacity-100" onClick={() => onDelete(c.id)} aria-label={t.chat.deleteChat}>
            <TrashIcon />
          </Button>
        </li>
      ))}
    </ul>
  );
}
