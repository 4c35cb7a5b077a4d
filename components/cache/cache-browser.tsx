'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { ImageIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/shell/empty-state';
import { useI18n } from '@/components/i18n-provider';
import { api, toastError } from '@/components/api-client';
import { CacheItemCard } from './cache-item-card';
import type { CacheItem } from './types';

/** The cached files, 48 at a time ("load more" follows the KV cursor). */
export function CacheBrowser({ items: initial, cursor: initialCursor }: { items: CacheItem[]; cursor: string | null }) {
  const { t } = useI18n();
  const router = useRouter();
  const [items, setItems] = React.useState(initial);
  const [cursor, setCursor] = React.useState(initialCursor);
  const [loading, setLoading] = React.useState(false);
  React.useEffect(() => {
    setItems(initial);
    setCursor(initialCursor);
  }, [initial, initialCursor]);

  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const r = await api<{ items: CacheItem[]; cursor: string | null }>(`/api/admin/cache?limit=48&cursor=${encodeURIComponent(cursor)}`);
      setItems((s) => [...s, ...r.items]);
      setCursor(r.cursor);
    } catch (e) {
      toastError(e);
    } finally {
      setLoading(false);
    }
  };
  const remove = async (item: CacheItem) => {
    try {
      await api(item.preview, { method: 'DELETE' });
      setItems((s) => s.filter((i) => i.key !== item.key));
      toast.success(t.cache.deleted);
      router.refresh();
    } catch (e) {
      toastError(e);
    }
  };

  if (!items.length) {
    return (
      <EmptyState icon={ImageIcon} title={t.cache.emptyTitle} text={t.cache.emptyText}>
        <Button asChild variant="outline">
          <Link href="/admin/chat">{t.cache.openChat}</Link>
        </Button>
      </EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
        {items.map((item) => (
          <CacheItemCard key={item.key} item={item} onDelete={remove} />
        ))}
      </div>
      {cursor && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={more} disabled={loading}>
            {loading ? t.common.loading : t.cache.loadMore}
          </Button>
        </div>
      )}
    </div>
  );
}
