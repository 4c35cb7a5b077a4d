'use client';

import { useI18n } from '@/components/i18n-provider';
import type { KeyView } from './types';

const FIELDS = ['chatPerDay', 'heavyPerDay', 'imagePerDay', 'videoPerDay', 'rpm', 'concurrency'] as const;
const USAGE: Partial<Record<(typeof FIELDS)[number], string>> = { chatPerDay: 'chat', heavyPerDay: 'heavy', imagePerDay: 'image', videoPerDay: 'video' };

/** "Chat / day 3/100 · RPM 60" — only the limits that are set. */
export function LimitsSummary({ k }: { k: KeyView }) {
  const { t } = useI18n();
  const set = FIELDS.filter((f) => k.limits[f] !== undefined);
  if (!set.length) return <span className="text-muted-foreground">{t.common.unlimited}</span>;
  return (
    <div className="flex flex-col text-xs tabular-nums">
      {set.map((f) => {
        const used = USAGE[f] ? (k.usageToday[USAGE[f]!] ?? 0) : f === 'concurrency' ? k.inFlight : undefined;
        return (
          <span key={f}>
            <span className="text-muted-foreground">{t.keys[f]}</span> {used !== undefined ? `${used}/` : ''}
            {k.limits[f]}
          </span>
        );
      })}
    </div>
  );
}
