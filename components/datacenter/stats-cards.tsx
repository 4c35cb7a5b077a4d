import { ActivityIcon, CircleCheckIcon, CoinsIcon, GaugeIcon, TimerIcon, UsersIcon } from 'lucide-react';
import { StatCard } from '@/components/shell/stat-card';
import { fmt, type Dict, type Lang } from '@/lib/i18n';
import { formatMs, formatNumber } from '@/lib/i18n/format';
import type { Stats } from './types';

export function StatsCards({ stats, t, lang }: { stats: Stats; t: Dict; lang: Lang }) {
  const pct = stats.successRate === null ? '—' : `${formatNumber(lang, stats.successRate * 100, 1)}%`;
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
      <StatCard label={t.datacenter.requests} value={formatNumber(lang, stats.requests)} icon={ActivityIcon} testId="stat-requests" />
      <StatCard label={t.datacenter.successRate} value={pct} icon={CircleCheckIcon} testId="stat-success" />
      <StatCard label={t.datacenter.latency} value={formatMs(lang, stats.latency.p50)} hint={`p95 ${formatMs(lang, stats.latency.p95)}`} icon={TimerIcon} />
      <StatCard label={t.datacenter.ttft} value={formatMs(lang, stats.ttft.p50)} hint={`p95 ${formatMs(lang, stats.ttft.p95)}`} icon={GaugeIcon} />
      <StatCard
        label={t.datacenter.tokens}
        value={formatNumber(lang, stats.promptTokens + stats.completionTokens)}
        hint={`${formatNumber(lang, stats.promptTokens)} / ${formatNumber(lang, stats.completionTokens)}`}
        icon={CoinsIcon}
      />
      <StatCard
        label={t.datacenter.activeAccounts}
        value={formatNumber(lang, stats.tokens.active)}
        hint={fmt(t.datacenter.ofTotal, { total: stats.tokens.total })}
        icon={UsersIcon}
      />
    </div>
  );
}
