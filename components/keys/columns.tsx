'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTableColumnHeader } from '@/components/data-table/column-header';
import { RelativeTime } from '@/components/relative-time';
import { fmt, type Dict, type Lang } from '@/lib/i18n';
import { formatDateTime } from '@/lib/i18n/format';
import { KeyStatusBadge } from './key-status';
import { LimitsSummary } from './limits-summary';
import { KeyRowActions } from './key-row-actions';
import type { KeyView, KeyModelOption } from './types';

export function keyColumns(t: Dict, lang: Lang, models: KeyModelOption[]): ColumnDef<KeyView>[] {
  return [
    {
      accessorKey: 'name',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.keys.name} />,
      cell: ({ row }) => <span className="font-medium">{row.original.name}</span>,
    },
    {
      accessorKey: 'prefix',
      header: t.keys.prefix,
      enableSorting: false,
      cell: ({ row }) => <code className="text-muted-foreground text-xs">{row.original.prefix}…</code>,
    },
    {
      accessorKey: 'status',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.keys.status} />,
      cell: ({ row }) => <KeyStatusBadge status={row.original.status} />,
    },
    {
      id: 'models',
      header: t.keys.models,
      enableSorting: false,
      cell: ({ row }) => {
        const m = row.original.models;
        if (!m?.length) return <span className="text-muted-foreground">{t.keys.allModels}</span>;
        return <span title={m.join(', ')}>{m.length <= 2 ? m.join(', ') : fmt(t.keys.nModels, { count: m.length })}</span>;
      },
    },
    {
      id: 'limits',
      header: t.keys.limits,
      enableSorting: false,
      cell: ({ row }) => <LimitsSummary k={row.original} />,
    },
    {
      accessorKey: 'requestsToday',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.keys.usageToday} />,
      cell: ({ row }) => <span className="tabular-nums">{row.original.requestsToday}</span>,
    },
    {
      accessorKey: 'expiresAt',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.keys.expires} />,
      sortUndefined: 'last',
      cell: ({ row }) => (row.original.expiresAt ? formatDateTime(lang, row.original.expiresAt) : <span className="text-muted-foreground">{t.common.never}</span>),
    },
    {
      accessorKey: 'lastUsedAt',
      header: ({ column }) => <DataTableColumnHeader column={column} title={t.keys.lastUsed} />,
      cell: ({ row }) => <RelativeTime ms={row.original.lastUsedAt} />,
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">{t.common.actions}</span>,
      enableSorting: false,
      cell: ({ row }) => <KeyRowActions k={row.original} models={models} />,
    },
  ];
}
