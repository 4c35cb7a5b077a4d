'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/badge';
import type { Dict, Lang } from '@/lib/i18n';
import { formatDateTime, formatMs } from '@/lib/i18n/format';
import type { LogRow } from './types';

export function logColumns(t: Dict, lang: Lang): ColumnDef<LogRow>[] {
  return [
    { accessorKey: 'createdAt', header: t.datacenter.time, cell: ({ row }) => <span className="tabular-nums">{formatDateTime(lang, row.original.createdAt)}</span> },
    {
      accessorKey: 'status',
      header: t.datacenter.statusCol,
      cell: ({ row }) => <Badge variant={row.original.status < 400 ? 'success' : 'destructive'}>{row.original.status}</Badge>,
    },
    { accessorKey: 'model', header: t.datacenter.model, cell: ({ row }) => row.original.model ?? '—' },
    { accessorKey: 'keyName', header: t.datacenter.key, cell: ({ row }) => row.original.keyName ?? t.datacenter.noKey },
    {
      accessorKey: 'reason',
      header: t.datacenter.reason,
      cell: ({ row }) => (
        <span className="flex flex-col">
          <code className="text-xs">{row.original.reason}</code>
          {row.original.error && (
            <span className="text-muted-foreground max-w-64 truncate text-xs" title={row.original.error}>
              {row.original.error}
            </span>
          )}
        </span>
      ),
    },
    { accessorKey: 'durationMs', header: t.datacenter.duration, cell: ({ row }) => <span className="tabular-nums">{formatMs(lang, row.original.durationMs)}</span> },
    { accessorKey: 'ttftMs', header: t.datacenter.ttftCol, cell: ({ row }) => <span className="tabular-nums">{formatMs(lang, row.original.ttftMs)}</span> },
    {
      id: 'tokens',
      header: t.datacenter.tokensCol,
      cell: ({ row }) => <span className="tabular-nums">{`${row.original.promptTokens} / ${row.original.completionTokens}`}</span>,
    },
    {
      accessorKey: 'tokenSuffix',
      header: t.datacenter.account,
      cell: ({ row }) => (row.original.tokenSuffix ? <code className="text-xs">…{row.original.tokenSuffix}</code> : '—'),
    },
    { accessorKey: 'attempts', header: t.datacenter.attempts },
  ];
}
