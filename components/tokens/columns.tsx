'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/badge';
import { Checkbox } from '@/components/ui/checkbox';
import { DataTableColumnHeader } from '@/components/data-table/column-header';
import { RelativeTime } from '@/components/relative-time';
import type { Dict } from '@/lib/i18n';
import { TokenStatusBadge } from './token-status';
import { TokenTypeBadge } from './token-type';
import { TokenRowActions } from './token-row-actions';
import { OutcomeStrip } from './outcome-strip';
import type { TokenOutcomes, TokenView } from './types';

const quota = (n: number) => (n < 0 ? '—' : String(n));
const STATUS_ORDER = { active: 0, cooling: 1, quarantined: 2, disabled: 3, invalid: 4 } as const;

export function tokenColumns(t: Dict, outcomes: TokenOutcomes): ColumnDef<TokenView>[] {
  return [
    {
      id: 'select',
      header: ({ table }) => (
        <Checkbox
          checked={table.getIsAllPageRowsSelected() || (table.getIsSomePageRowsSelected() && 'indeterminate')}
          onCheckedChange={(v) => table.toggleAllPageRowsSelected(!!v)}
          aria-label={t.tokens.selectAll}
        />
      ),
      cell: ({ row }) => (
        <Checkbox checked={row.getIsSelected()} onCheckedChange={(v) => row.toggleSelected(!!v)} aria-label={`${t.tokens.selectRow} …${row.original.suffix}`} />
      ),
      enableSorting: false,
    },
    {
      accessorKey: 'suffix',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.token} />,
      cell: ({ row }) => <span className="font-mono text-xs">…{row.original.suffix}</span>,
    },
    {
      accessorKey: 'type',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.type} />,
      cell: ({ row }) => <TokenTypeBadge type={row.original.type} />,
    },
    {
      accessorKey: 'status',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.status} />,
      sortingFn: (a, b) => STATUS_ORDER[a.original.status] - STATUS_ORDER[b.original.status],
      cell: ({ row }) => <TokenStatusBadge token={row.original} />,
    },
    {
      id: 'outcomes',
      header: t.tokens.recent,
      enableSorting: false,
      cell: ({ row }) => <OutcomeStrip outcomes={outcomes[row.original.id] ?? []} />,
    },
    {
      id: 'quota',
      accessorFn: (r) => r.remainingQueries,
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.quota} />,
      cell: ({ row }) => (
        <div className="flex flex-col text-xs tabular-nums">
          <span>
            <span className="text-muted-foreground">{t.tokens.quotaDefault}</span> {quota(row.original.remainingQueries)}
          </span>
          {row.original.type === 'ssoSuper' && (
            <span>
              <span className="text-muted-foreground">{t.tokens.quotaHeavy}</span> {quota(row.original.heavyRemainingQueries)}
            </span>
          )}
        </div>
      ),
    },
    {
      accessorKey: 'lastUsedAt',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.lastUsed} />,
      sortUndefined: 'last',
      cell: ({ row }) => <RelativeTime ms={row.original.lastUsedAt} />,
    },
    {
      accessorKey: 'failedCount',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.failures} />,
      cell: ({ row }) => <span className={row.original.failedCount ? 'text-destructive tabular-nums' : 'tabular-nums'}>{row.original.failedCount}</span>,
    },
    {
      accessorKey: 'useCount',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.tokens.uses} />,
      cell: ({ row }) => <span className="tabular-nums">{row.original.useCount}</span>,
    },
    {
      id: 'tags',
      header: t.tokens.tags,
      enableSorting: false,
      cell: ({ row }) => (
        <div className="flex max-w-48 flex-wrap gap-1">
          {row.original.tags.map((tag) => (
            <Badge key={tag} variant="outline">
              {tag}
            </Badge>
          ))}
        </div>
      ),
    },
    {
      accessorKey: 'note',
      header: t.tokens.note,
      enableSorting: false,
      cell: ({ row }) => <span className="text-muted-foreground block max-w-48 truncate" title={row.original.note}>{row.original.note}</span>,
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">{t.common.actions}</span>,
      cell: ({ row }) => <TokenRowActions token={row.original} />,
      enableSorting: false,
    },
  ];
}
