import { DownloadIcon, TriangleAlertIcon } from 'lucide-react';
import { z } from 'zod';
import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { loadStats } from '@/lib/admin/logs';
import { listLogs } from '@/lib/db/logs';
import { listKeys } from '@/lib/db/keys';
import { fmt } from '@/lib/i18n';
import { formatDateTime } from '@/lib/i18n/format';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/shell/page-header';
import { PeriodTabs } from '@/components/datacenter/period-tabs';
import { StatsCards } from '@/components/datacenter/stats-cards';
import { RequestsChart } from '@/components/datacenter/requests-chart';
import { CapacityChart } from '@/components/datacenter/capacity-chart';
import { BreakdownChart } from '@/components/datacenter/breakdown-chart';
import { LogsTable } from '@/components/datacenter/logs-table';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.datacenter.title };
}

const optionalText = z.string().max(100).optional().catch(undefined);
const querySchema = z.object({
  period: z.enum(['24h', '7d', '30d']).catch('24h').default('24h'),
  status: z.enum(['ok', 'error']).optional().catch(undefined),
  model: optionalText,
  keyId: optionalText,
  reason: optionalText,
  from: z.coerce.number().int().optional().catch(undefined),
  to: z.coerce.number().int().optional().catch(undefined),
  page: z.coerce.number().int().min(1).catch(1).default(1),
});
const PAGE_SIZE = 25;

export default async function DatacenterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const ctx = await requireAdmin();
  const { t, lang } = await getI18n();
  const q = querySchema.parse(await searchParams);
  const { period, page, ...filters } = q;
  const [stats, logs, keys] = await Promise.all([loadStats(ctx, period), listLogs(ctx.db, { ...filters, page, pageSize: PAGE_SIZE }), listKeys(ctx.db)]);
  const challenge = stats.egress.lastChallenge as { at?: number } | null;
  const keyName = (id: string | null, name: string | null) => name ?? (id ? id.slice(0, 8) : t.datacenter.noKey);
  return (
    <>
      <PageHeader title={t.datacenter.title} description={t.datacenter.description}>
        <PeriodTabs period={period} />
        <Button variant="outline" asChild>
          <a href={`/api/admin/stats/export?period=${period}`} download>
            <DownloadIcon /> {t.datacenter.exportCsv}
          </a>
        </Button>
      </PageHeader>
      {challenge?.at && Date.now() - challenge.at < 86_400_000 && (
        <p className="bg-warning/15 flex items-center gap-2 rounded-md px-3 py-2 text-sm">
          <TriangleAlertIcon className="text-warning size-4" /> {fmt(t.datacenter.challenge, { time: formatDateTime(lang, challenge.at) })}
        </p>
      )}
      <StatsCards stats={stats} t={t} lang={lang} />
      <RequestsChart stats={stats} now={ctx.now()} />
      <CapacityChart stats={stats} />
      <div className="grid gap-4 lg:grid-cols-3">
        <BreakdownChart title={t.datacenter.byModel} testId="chart-by-model" data={stats.byModel.map((m) => ({ name: m.model ?? '—', n: m.n, errors: m.errors }))} />
        <BreakdownChart title={t.datacenter.byKey} testId="chart-by-key" data={stats.byKey.map((k) => ({ name: keyName(k.keyId, k.keyName), n: k.n, errors: k.errors }))} />
        <BreakdownChart title={t.datacenter.byReason} testId="chart-by-reason" data={stats.byReason.map((r) => ({ name: r.reason, n: r.n, errors: r.reason === 'ok' ? 0 : r.n }))} />
      </div>
      <LogsTable
        items={logs.rows}
        total={logs.total}
        page={page}
        pageSize={PAGE_SIZE}
        filters={filters}
        models={ctx.catalog.list.map((m) => m.id)}
        keys={keys.map((k) => ({ id: k.id, name: k.name }))}
        reasons={[...new Set([...stats.byReason.map((r) => r.reason), 'ok'])]}
      />
    </>
  );
}
