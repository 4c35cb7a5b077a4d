'use client';

import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useUrlFilters } from '@/components/data-table/use-url-filters';
import { useI18n } from '@/components/i18n-provider';

export function PeriodTabs({ period }: { period: string }) {
  const { t } = useI18n();
  const url = useUrlFilters();
  return (
    <Tabs value={period} onValueChange={(p) => url.set({ period: p === '24h' ? undefined : p, page: url.get('page') })}>
      <TabsList aria-label={t.datacenter.period}>
        <TabsTrigger value="24h">{t.datacenter.period24h}</TabsTrigger>
        <TabsTrigger value="7d">{t.datacenter.period7d}</TabsTrigger>
        <TabsTrigger value="30d">{t.datacenter.period30d}</TabsTrigger>
      </TabsList>
    </Tabs>
  );
}
