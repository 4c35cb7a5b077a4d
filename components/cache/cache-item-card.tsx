'use client';

import * as React from 'react';
import { TrashIcon } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { RelativeTime } from '@/components/relative-time';
import { useI18n } from '@/components/i18n-provider';
import { formatBytes } from '@/lib/i18n/format';
import type { CacheItem } from './types';

/** A cached file: image preview or video player, size, age, delete. */
export function CacheItemCard({ item, onDelete }: { item: CacheItem; onDelete: (item: CacheItem) => Promise<void> }) {
  const { t, lang } = useI18n();
  const [confirm, setConfirm] = React.useState(false);
  return (
    <Card className="gap-0 overflow-hidden py-0" data-testid="cache-item">
      <div className="bg-muted flex aspect-video items-center justify-center overflow-hidden">
        {item.type === 'video' ? (
          <video src={item.preview} controls preload="metadata" className="h-full w-full object-contain" />
        ) : (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={item.preview} alt={item.key} loading="lazy" className="h-full w-full object-cover" />
        )}
      </div>
      <div className="flex items-center gap-2 p-3 text-xs">
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex items-center gap-2">
            <Badge variant="outline">{item.type === 'video' ? t.cache.videos : t.cache.images}</Badge>
            <span className="whitespace-nowrap tabular-nums">{formatBytes(lang, item.size)}</span>
          </div>
          <div className="text-muted-foreground truncate">
            <RelativeTime ms={item.cachedAt} />
          </div>
        </div>
        <Button variant="ghost" size="icon-sm" aria-label={t.cache.deleteOne} onClick={() => setConfirm(true)}>
          <TrashIcon />
        </Button>
      </div>
      <ConfirmDialog open={confirm} onOpenChange={setConfirm} title={t.cache.deleteOne} description={item.key} onConfirm={() => onDelete(item)} />
    </Card>
  );
}
