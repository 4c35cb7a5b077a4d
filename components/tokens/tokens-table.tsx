'use client';

import * as React from 'react';
import { getCoreRowModel, getSortedRowModel, useReactTable, type RowSelectionState, type SortingState } from '@tanstack/react-table';
import { UsersIcon } from 'lucide-react';
import { DataTable } from '@/components/data-table/data-table';
import { DataTablePagination } from '@/components/data-table/pagination';
import { useUrlFilters } from '@/components/data-table/use-url-filters';
import { EmptyState } from '@/components/shell/empty-state';
import { useI18n } from '@/components/i18n-provider';
import { tokenColumns } from './columns';
import { TokensToolbar } from './tokens-toolbar';
import { TokensBatchBar } from './tokens-batch-bar';
import { OPEN_IMPORT } from './import-dialog';
import { OpenEventButton } from '@/components/open-event';
import { UploadIcon } from 'lucide-react';
import type { TokenCounts, TokenFilters, TokenOutcomes, TokenView } from './types';

export function TokensTable({
  items,
  total,
  page,
  pageSize,
  filters,
  tags,
  counts,
  outcomes,
}: {
  items: TokenView[];
  /** The last outcomes of the listed accounts (GET /api/admin/tokens `outcomes`). */
  outcomes: TokenOutcomes;
  total: number;
  page: number;
  pageSize: number;
  filters: TokenFilters;
  tags: string[];
  counts: TokenCounts;
}) {
  const { t } = useI18n();
  const url = useUrlFilters();
  const [sorting, setSorting] = React.useState<SortingState>([]);
  const [rowSelection, setRowSelection] = React.useState<RowSelectionState>({});
  const columns = React.useMemo(() => tokenColumns(t, outcomes), [t, outcomes]);

  // A new page of data (filters, paging, refresh) keeps only selections that are still on screen.
  React.useEffect(() => {
    setRowSelection((sel) => Object.fromEntries(Object.entries(sel).filter(([id]) => items.some((i) => i.id === id))));
  }, [items]);

  const table = useReactTable({
    data: items,
    columns,
    getRowId: (row) => row.id,
    state: { sorting, rowSelection },
    onSortingChange: setSorting,
    onRowSelectionChange: setRowSelection,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    enableRowSelection: true,
  });

  if (counts.total === 0) {
    return (
      <EmptyState icon={UsersIcon} title={t.tokens.emptyTitle} text={t.tokens.emptyText}>
        <OpenEventButton event={OPEN_IMPORT}>
          <UploadIcon /> {t.tokens.import}
        </OpenEventButton>
      </EmptyState>
    );
  }

  const selected = Object.keys(rowSelection).filter((id) => rowSelection[id]);
  return (
    <div className="space-y-3">
      <TokensToolbar filters={filters} tags={tags} counts={counts} onChange={(c) => url.set(c)} />
      <TokensBatchBar ids={selected} onDone={() => setRowSelection({})} />
      <DataTable table={table} pending={url.pending} testId="tokens-table" empty={t.common.noResults} />
      <DataTablePagination page={page} pageSize={pageSize} total={total} onPage={(p) => url.set({ page: p })} />
    </div>
  );
}
