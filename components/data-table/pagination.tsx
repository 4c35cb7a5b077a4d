'use client';

import { ChevronLeftIcon, ChevronRightIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/components/i18n-provider';
import { fmt } from '@/lib/i18n';

/** Server-side paging: the parent changes `?page=` and the server component loads that page. */
export function DataTablePagination({
  page,
  pageSize,
  total,
  onPage,
  info,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  info?: React.ReactNode;
}) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 px-1 text-sm">
      <div className="text-muted-foreground">{info ?? fmt(t.common.rows, { total })}</div>
      <div className="flex items-center gap-2">
        <span className="text-muted-foreground" data-testid="page-info">
          {fmt(t.common.page, { page, pages })}
        </span>
        <Button variant="outline" size="icon-sm" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label={t.common.previous}>
          <ChevronLeftIcon />
        </Button>
        <Button variant="outline" size="icon-sm" disabled={page >= pages} onClick={() => onPage(page + 1)} aria-label={t.common.next}>
          <ChevronRightIcon />
        </Button>
      </div>
    </div>
  );
}
