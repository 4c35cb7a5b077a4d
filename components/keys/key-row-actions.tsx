'use client';

import * as React from 'react';
import { BanIcon, CircleCheckIcon, EllipsisIcon, PencilIcon, TrashIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { fmt } from '@/lib/i18n';
import { KeyFormDialog } from './key-form-dialog';
import type { KeyView, KeyModelOption } from './types';

export function KeyRowActions({ k, models }: { k: KeyView; models: KeyModelOption[] }) {
  const { t } = useI18n();
  const { run } = useMutation();
  const [editing, setEditing] = React.useState(false);
  const [deleting, setDeleting] = React.useState(false);
  const base = `/api/admin/keys/${encodeURIComponent(k.id)}`;
  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={`${t.tokens.rowActions}: ${k.name}`}>
            <EllipsisIcon />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => setEditing(true)}>
            <PencilIcon /> {t.common.edit}
          </DropdownMenuItem>
          {k.status === 'disabled' ? (
            <DropdownMenuItem onSelect={() => run(() => api(base, { method: 'PATCH', body: { status: 'active' } }), t.keys.saved)}>
              <CircleCheckIcon /> {t.common.enable}
            </DropdownMenuItem>
          ) : (
            <DropdownMenuItem onSelect={() => run(() => api(base, { method: 'PATCH', body: { status: 'disabled' } }), t.keys.saved)}>
              <BanIcon /> {t.common.disable}
            </DropdownMenuItem>
          )}
          <DropdownMenuSeparator />
          <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(true)}>
            <TrashIcon /> {t.common.delete}
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <KeyFormDialog open={editing} onOpenChange={setEditing} models={models} existing={k} />
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={fmt(t.keys.deleteTitle, { name: k.name })}
        description={t.keys.deleteText}
        onConfirm={() => run(() => api(base, { method: 'DELETE' }), t.tokens.deleted).then(() => undefined)}
      />
    </>
  );
}
