'use client';

import * as React from 'react';
import { BanIcon, CircleCheckIcon, RotateCcwIcon, TagIcon, TrashIcon, XIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { fmt } from '@/lib/i18n';

type Action = 'enable' | 'disable' | 'delete' | 'reset' | 'add_tag' | 'remove_tag';

/** Actions on the selected rows. */
export function TokensBatchBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { t } = useI18n();
  const { run, pending } = useMutation();
  const [confirmDelete, setConfirmDelete] = React.useState(false);
  const [tag, setTag] = React.useState('');
  if (!ids.length) return null;

  const batch = async (action: Action, extra: Record<string, string> = {}) => {
    const r = await run(
      () => api<{ affected: number }>('/api/admin/tokens/batch', { body: { ids, action, ...extra } }),
      (r) => fmt(t.tokens.batchDone, { count: r.affected }),
    );
    if (r) onDone();
  };

  return (
    <div className="bg-muted/60 flex flex-wrap items-center gap-2 rounded-lg border px-3 py-2" role="toolbar" aria-label={fmt(t.common.selected, { count: ids.length })} data-testid="batch-bar">
      <span className="text-sm font-medium">{fmt(t.common.selected, { count: ids.length })}</span>
      <Button size="sm" variant="outline" disabled={pending} onClick={() => batch('enable')}>
        <CircleCheckIcon /> {t.tokens.batchEnable}
      </Button>
      <Button size="sm" variant="outline" disabled={pending} onClick={() => batch('disable')}>
        <BanIcon /> {t.tokens.batchDisable}
      </Button>
      <Button size="sm" variant="outline" disabled={pending} onClick={() => batch('reset')}>
        <RotateCcwIcon /> {t.tokens.batchReset}
      </Button>
      <div className="flex items-center gap-1">
        <Input value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t.tokens.tagPrompt} aria-label={t.tokens.tagPrompt} className="h-8 w-28" />
        <Button size="sm" variant="outline" disabled={pending || !tag.trim()} onClick={() => batch('add_tag', { tag: tag.trim() })}>
          <TagIcon /> {t.tokens.batchAddTag}
        </Button>
        <Button size="sm" variant="ghost" disabled={pending || !tag.trim()} onClick={() => batch('remove_tag', { tag: tag.trim() })}>
          {t.tokens.batchRemoveTag}
        </Button>
      </div>
      <Button size="sm" variant="destructive" disabled={pending} onClick={() => setConfirmDelete(true)}>
        <TrashIcon /> {t.tokens.batchDelete}
      </Button>
      <Button size="icon-sm" variant="ghost" className="ml-auto" onClick={onDone} aria-label={t.common.cancel}>
        <XIcon />
      </Button>
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={fmt(t.tokens.batchDeleteTitle, { count: ids.length })}
        description={t.tokens.batchDeleteText}
        onConfirm={() => batch('delete')}
      />
    </div>
  );
}
