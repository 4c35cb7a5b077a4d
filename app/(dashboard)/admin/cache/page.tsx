import { FilmIcon, HardDriveIcon, ImageIcon } from 'lucide-react';
import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { cacheUsage, listCached } from '@/lib/cache/media-cache';
import { formatBytes, formatNumber } from '@/lib/i18n/format';
import { PageHeader } from '@/components/shell/page-header';
import { StatCard } from '@/components/shell/stat-card';
import { CacheBrowser } from '@/components/cache/cache-browser';
import { PurgeButton } from '@/components/cache/purge-button';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.cache.title };
}

export default async function CachePage() {
  const ctx = await requireAdmin();
  const { t, lang } = await getI18n();
  const kv = ctx.platform.bindings.KV_CACHE;
  const [usage, page] = await Promise.all([cacheUsage(kv), listCached(kv, { limit: 48 })]);
  // Same preview links as GET /api/admin/cache.
  const items = page.entries.map((e) => ({ ...e, preview: `/api/admin/cache/${encodeURIComponent(e.key)}` }));
  return (
    <>
      <PageHeader title={t.cache.title} description={t.cache.description}>
        <PurgeButton disabled={usage.count === 0} />
      </PageHeader>
      <div className="grid gap-4 sm:grid-cols-3">
        <StatCard
          label={t.cache.count}
          value={formatNumber(lang, usage.count)}
          hint={`${formatBytes(lang, usage.bytes)}${usage.truncated ? ` · ${t.cache.truncated}` : ''}`}
          icon={HardDriveIcon}
          testId="stat-cache-count"
        />
        <StatCard label={t.cache.images} value={formatNumber(lang, usage.byType.image.count)} hint={formatBytes(lang, usage.byType.image.bytes)} icon={ImageIcon} />
        <StatCard label={t.cache.videos} value={formatNumber(lang, usage.byType.video.count)} hint={formatBytes(lang, usage.byType.video.bytes)} icon={FilmIcon} />
      </div>
      <CacheBrowser items={items} cursor={page.cursor ?? null} />
    </>
  );
}
