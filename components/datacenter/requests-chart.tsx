'use client';

import { Area, AreaChart, CartesianGrid, XAxis, YAxis } from 'recharts';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ChartContainer, ChartLegend, ChartLegendContent, ChartTooltip, ChartTooltipContent, type ChartConfig } from '@/components/ui/chart';
import { useI18n } from '@/components/i18n-provider';
import type { Stats } from './types';

/** Requests and errors per bucket; empty buckets are filled with zeros so the time axis is even. */
export function RequestsChart({ stats, now }: { stats: Stats; now: number }) {
  const { t, lang } = useI18n();
  const config = {
    requests: { label: t.datacenter.requests, color: 'var(--chart-2)' },
    errors: { label: t.datacenter.errors, color: 'var(--destructive)' },
  } satisfies ChartConfig;
  const span = { '24h': 24, '7d': 28, '30d': 30 }[stats.period];
  const end = Math.floor(now / stats.bucketMs) * stats.bucketMs;
  // Re-bucket on the client: the database's bucket arithmetic may come back unfloored.
  const byAt = new Map<number, { requests: number; errors: number }>();
  for (const p of stats.series) {
    const at = Math.floor(Number(p.at) / stats.bucketMs) * stats.bucketMs;
    const cur = byAt.get(at) ?? { requests: 0, errors: 0 };
    byAt.set(at, { requests: cur.requests + Number(p.requests), errors: cur.errors + Number(p.errors) });
  }
  const data = Array.from({ length: span }, (_, i) => {
    const at = end - (span - 1 - i) * stats.bucketMs;
    const p = byAt.get(at);
    return { at, requests: p?.requests ?? 0, errors: p?.errors ?? 0 };
  });
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  const tick = (at: number) =>
    new Intl.DateTimeFormat(locale, stats.period === '24h' ? { hour: '2-digit', minute: '2-digit' } : { month: 'numeric', day: 'numeric' }).format(new Date(at));
  return (
    <Card className="gap-2">
      <CardHeader>
        <CardTitle className="text-base">{t.datacenter.overTime}</CardTitle>
      </CardHeader>
      <CardContent className="px-2 sm:px-6">
        <ChartContainer config={config} className="aspect-auto h-64 w-full">
          <AreaChart data={data} margin={{ left: 0, right: 8 }}>
            <CartesianGrid vertical={false} />
            <XAxis dataKey="at" tickLine={false} axisLine={false} tickMargin={8} minTickGap={32} tickFormatter={tick} />
            <YAxis allowDecimals={false} tickLine={false} axisLine={false} width={32} />
            <ChartTooltip cursor={false} content={<ChartTooltipContent indicator="dot" labelFormatter={(_, p) => tick(Number(p[0]?.payload?.at))} />} />
            <Area dataKey="requests" type="monotone" isAnimationActive={false} fill="var(--color-requests)" fillOpacity={0.25} stroke="var(--color-requests)" />
            <Area dataKey="errors" type="monotone" isAnimationActive={false} fill="var(--color-errors)" fillOpacity={0.3} stroke="var(--color-errors)" />
            <ChartLegend content={<ChartLegendContent />} />
          </AreaChart>
        </ChartContainer>
      </CardContent>
    </Card>
  );
}
