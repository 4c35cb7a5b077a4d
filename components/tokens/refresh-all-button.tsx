'use client';

import { RefreshCwIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { fmt } from '@/lib/i18n';

/** Refreshes the quotas of the least recently synced accounts. */
export function RefreshAllButton() {
  const { t } = useI18n();
  const { run, pending } = useMutation();
  return (
    <Button
      variant="outline"
      disabled={pending}
      onClick={() =>
        run(
          () => api<{ refreshed: number; failed: number }>('/api/admin/tokens/refresh', { body: {} }),
          (r) => fmt(t.tokens.refreshed, { ok: r.refreshed, failed: r.failed }),
        )
      }
    >
      <RefreshCwIcon className={pending ? 'animate-spin' : undefined} /> {t.tokens.refreshAll}
    </Button>
  );
}
