'use client';

import * as React from 'react';
import { getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { DataTable } from '@/components/data-table/data-table';
import { DataTablePagination } from '@/components/data-table/pagination';
import { useUrlFilters } from '@/components/data-table/use-url-filters';
import { useI18n } from '@/components/i18n-provider';
import { logColumns } from './log-columns';
import { LogsToolbar } from './logs-toolbar';
import type { LogFilters, LogRow } from './types';

/** The request log, filtered and paged on the server through the URL. */
export function LogsTable(props: {
  items: LogRow[];
  total: number;
  page: number;
  pageSize: number;
  filters: LogFilters;
  models: string[];
  keys: { id: string; name: string }[];
  reasons: string[];
}) {
  const { t, lang } = useI18n();
  const url = useUrlFilters();
  const columns = React.useMemo(() => logColumns(t, lang), [t, lang]);
  const table = useReactTable({ data: props.items, columns, getRowId: (r) => r.id, getCoreRowModel: getCoreRowModel() });
  return (
    <Card className="gap-4">
      <CardHeader>
        <CardTitle className="text-base">{t.datacenter.logs}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        <LogsToolbar filters={props.filters} models={props.models} keys={props.keys} reasons={props.reasons} onChange={(c) => url.set(c)} />
        <DataTable table={table} pending={url.pending} testId="logs-table" empty={t.datacenter.noLogs} />
        <DataTablePagination page={props.page} pageSize={props.pageSize} total={props.total} onPage={(page) => url.set({ page })} />
      </CardContent>
    </Card>
  );
}
