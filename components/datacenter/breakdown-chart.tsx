'use client';

import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from 'recharts';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from '@/components/ui/chart';
import { useI18n } from '@/components/i18n-provider';

/** Horizontal bars: requests (and errors) per model, key or reason. */
export function BreakdownChart({ title, data, testId }: { title: string; data: { name: string; n: number; errors?: number }[]; testId?: string }) {
  const { t } = useI18n();
  const config = {
    ok: { label: t.datacenter.statusOk, color: 'var(--chart-2)' },
    errors: { label: t.datacenter.errors, color: 'var(--destructive)' },
  } satisfies ChartConfig;
  const rows = data.slice(0, 8).map((d) => ({ name: d.name, ok: d.n - (d.errors ?? 0), errors: d.errors ?? 0 }));
  return (
    <Card className="gap-2" data-testid={testId}>
      <CardHeader>
        <CardTitle className="text-base">{title}</CardTitle>
      </CardHeader>
      <CardContent className="px-2 sm:px-6">
        {rows.length ? (
          <ChartContainer config={config} className="aspect-auto w-full" style={{ height: Math.max(120, rows.length * 36 + 24) }}>
            <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
              <CartesianGrid horizontal={false} />
              <XAxis type="number" allowDecimals={false} tickLine={false} axisLine={false} />
              <YAxis type="category" dataKey="name" tickLine={false} axisLine={false} width={120} tickFormatter={(v: string) => (v.length > 18 ? `${v.slice(0, 17)}…` : v)} />
              <ChartTooltip cursor={false} content={<ChartTooltipContent indicator="dot" />} />
              <Bar dataKey="ok" stackId="a" isAnimationActive={false} fill="var(--color-ok)" radius={[4, 0, 0, 4]} />
              <Bar dataKey="errors" stackId="a" isAnimationActive={false} fill="var(--color-errors)" radius={[0, 4, 4, 0]} />
            </BarChart>
          </ChartContainer>
        ) : (
          <p className="text-muted-foreground py-8 text-center text-sm">{t.datacenter.noData}</p>
        )}
      </CardContent>
    </Card>
  );
}
