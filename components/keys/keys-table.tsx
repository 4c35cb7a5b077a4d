'use client';

import * as React from 'react';
import {
  getCoreRowModel,
  getFilteredRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnFiltersState,
  type SortingState,
} from '@tanstack/react-table';
import { KeyRoundIcon } from 'lucide-react';
import { DataTable } from '@/components/data-table/data-table';
import { DataTablePagination } from '@/components/data-table/pagination';
import { EmptyState } from '@/components/shell/empty-state';
import { useI18n } from '@/components/i18n-provider';
import { keyColumns } from './columns';
import { KeysToolbar } from './keys-toolbar';
import { OPEN_CREATE_KEY } from './create-key-button';
import { OpenEventButton } from '@/components/open-event';
import { PlusIcon } from 'lucide-react';
import type { KeyView, KeyModelOption } from './types';

/** All keys are loaded by the page; search, status filter, sorting and paging happen here. */
export function KeysTable({ items, models }: { items: KeyView[]; models: KeyModelOption[] }) {
  const { t, lang } = useI18n();
  const [sorting, setSorting] = React.useState<SortingState>([]);
  const [globalFilter, setGlobalFilter] = React.useState('');
  const [columnFilters, setColumnFilters] = React.useState<ColumnFiltersState>([]);
  const [pagination, setPagination] = React.useState({ pageIndex: 0, pageSize: 20 });
  const columns = React.useMemo(() => keyColumns(t, lang, models), [t, lang, models]);
  const table = useReactTable({
    data: items,
    columns,
    getRowId: (r) => r.id,
    state: { sorting, globalFilter, columnFilters, pagination },
    onSortingChange: setSorting,
    onGlobalFilterChange: setGlobalFilter,
    onColumnFiltersChange: setColumnFilters,
    onPaginationChange: setPagination,
    globalFilterFn: (row, _col, value: string) => {
      const q = value.toLowerCase();
      return row.original.name.toLowerCase().includes(q) || row.original.prefix.toLowerCase().includes(q);
    },
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getPaginationRowModel: getPaginationRowModel(),
  });

  if (!items.length) {
    return (
      <EmptyState icon={KeyRoundIcon} title={t.keys.emptyTitle} text={t.keys.emptyText}>
        <OpenEventButton event={OPEN_CREATE_KEY}>
          <PlusIcon /> {t.keys.create}
        </OpenEventButton>
      </EmptyState>
    );
  }
  const status = columnFilters.find((f) => f.id === 'status')?.value as string | undefined;
  return (
    <div className="space-y-3">
      <KeysToolbar
        q={globalFilter}
        status={status}
        onSearch={setGlobalFilter}
        onStatus={(s) => table.getColumn('status')?.setFilterValue(s === 'all' ? undefined : s)}
      />
      <DataTable table={table} testId="keys-table" empty={t.common.noResults} />
      <DataTablePagination
        page={pagination.pageIndex + 1}
        pageSize={pagination.pageSize}
        total={table.getFilteredRowModel().rows.length}
        onPage={(p) => table.setPageIndex(p - 1)}
      />
    </div>
  );
}
