import type { loadStats } from '@/lib/admin/logs';
import type { RequestLogRow } from '@/lib/db/schema';

export type Stats = Awaited<ReturnType<typeof loadStats>>;
export type LogRow = RequestLogRow;
export interface LogFilters {
  status?: string;
  model?: string;
  keyId?: string;
  reason?: string;
  from?: number;
  to?: number;
}
