'use client';

import type { Column } from '@tanstack/react-table';
import { ArrowDownIcon, ArrowUpIcon, ChevronsUpDownIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';

/** A sortable column title (sorts the rows on screen). */
export function DataTableColumnHeader<T, V>({ column, title, className }: { column: Column<T, V>; title: string; className?: string }) {
  if (!column.getCanSort()) return <div className={className}>{title}</div>;
  const sorted = column.getIsSorted();
  return (
    <Button
      variant="ghost"
      size="sm"
      className={cn('-ml-3 h-8', className)}
      onClick={() => column.toggleSorting(sorted === 'asc')}
      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
    >
      {title}
      {sorted === 'desc' ? <ArrowDownIcon /> : sorted === 'asc' ? <ArrowUpIcon /> : <ChevronsUpDownIcon className="opacity-50" />}
    </Button>
  );
}
