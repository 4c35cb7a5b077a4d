'use client';

import { useI18n } from '@/components/i18n-provider';
import { useNow } from '@/components/use-now';
import { formatDateTime, formatRelative } from '@/lib/i18n/format';

/** "3 minutes ago", with the exact time on hover. */
export function RelativeTime({ ms }: { ms: number | null | undefined }) {
  const { lang, t } = useI18n();
  const now = useNow(30_000);
  if (!ms) return <span className="text-muted-foreground">{t.common.never}</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(lang, ms)} suppressHydrationWarning>
      {formatRelative(lang, ms, now)}
    </time>
  );
}
