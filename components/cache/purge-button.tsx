'use client';

import * as React from 'react';
import { Trash2Icon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { fmt } from '@/lib/i18n';

export function PurgeButton({ disabled }: { disabled?: boolean }) {
  const { t } = useI18n();
  const { run } = useMutation();
  const [open, setOpen] = React.useState(false);
  return (
    <>
      <Button variant="destructive" disabled={disabled} onClick={() => setOpen(true)}>
        <Trash2Icon /> {t.cache.purge}
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={t.cache.purgeTitle}
        description={t.cache.purgeText}
        confirmLabel={t.cache.purge}
        onConfirm={() =>
          run(
            () => api<{ deleted: number }>('/api/admin/cache', { method: 'DELETE' }),
            (r) => fmt(t.cache.purged, { count: r.deleted }),
          ).then(() => undefined)
        }
      />
    </>
  );
}
