'use client';

import { Area, AreaChart, CartesianGrid, XAxis, YAxis } from 'recharts';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ChartContainer, ChartLegend, ChartLegendContent, ChartTooltip, ChartTooltipContent, type ChartConfig } from '@/components/ui/chart';
import { useI18n } from '@/components/i18n-provider';
import type { Stats } from './types';

const SERIES = ['available', 'cooling', 'quarantined', 'invalid', 'disabled'] as const;

/** The pool's accounts per state over the period, stacked (snapshots, the current counts last). */
export function CapacityChart({ stats }: { stats: Stats }) {
  const { t, lang } = useI18n();
  const config = {
    available: { label: t.datacenter.capacityAvailable, color: 'var(--success)' },
    cooling: { label: t.datacenter.capacityCooling, color: 'var(--warning)' },
    quarantined: { label: t.datacenter.capacityQuarantined, color: 'var(--color-violet-500, oklch(0.606 0.25 292.717))' },
    invalid: { label: t.datacenter.capacityInvalid, color: 'var(--destructive)' },
    disabled: { label: t.datacenter.capacityDisabled, color: 'var(--muted-foreground)' },
  } satisfies ChartConfig;
  const data = stats.capacity.points;
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  const tick = (at: number) =>
    new Intl.DateTimeFormat(locale, stats.period === '24h' ? { hour: '2-digit', minute: '2-digit' } : { month: 'numeric', day: 'numeric', hour: '2-digit' }).format(new Date(at));
  // A lone point (a fresh install) has no area to fill: show it as dots.
  const dot = data.length < 2;
  return (
    <Card className="gap-2" data-testid="chart-capacity">
      <CardHeader>
        <CardTitle className="text-base">{t.datacenter.capacity}</CardTitle>
      </CardHeader>
      <CardContent className="px-2 sm:px-6">
        {data.length ? (
          <ChartContainer config={config} className="aspect-auto h-56 w-full">
            <AreaChart data={data} margin={{ left: 0, right: 8 }} accessibilityLayer>
              <CartesianGrid vertical={false} />
              <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickLine={false} axisLine={false} tickMargin={8} minTickGap={32} tickFormatter={tick} />
              <YAxis allowDecimals={false} tickLine={false} axisLine={false} width={32} />
              <ChartTooltip cursor={false} content={<ChartTooltipContent indicator="dot" labelFormatter={(_, p) => tick(Number(p[0]?.payload?.at))} />} />
              {SERIES.map((key) => (
                <Area
                  key={key}
                  dataKey={key}
                  stackId="pool"
                  type="linear"
                  isAnimationActive={false}
                  dot={dot}
                  fill={`var(--color-${key})`}
                  fillOpacity={0.35}
                  stroke={`var(--color-${key})`}
                />
              ))}
              <ChartLegend content={<ChartLegendContent />} />
            </AreaChart>
          </ChartContainer>
        ) : (
          <p className="text-muted-foreground py-8 text-center text-sm" data-testid="capacity-empty">
            {t.datacenter.capacityEmpty}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
