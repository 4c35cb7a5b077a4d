'use client';

import * as React from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { parseTags } from './parse-tags';
import { TokenTypeSelect } from './token-type-select';
import type { TokenView } from './types';

export function EditTokenDialog({ token, open, onOpenChange }: { token: TokenView; open: boolean; onOpenChange: (o: boolean) => void }) {
  const { t } = useI18n();
  const { run, pending } = useMutation();
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = { tags: parseTags(String(form.get('tags') ?? '')), note: String(form.get('note') ?? ''), type: String(form.get('type')) };
    const ok = await run(() => api(`/api/admin/tokens/${encodeURIComponent(token.id)}`, { method: 'PATCH', body }), t.tokens.updated);
    if (ok) onOpenChange(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t.common.close}>
        <DialogHeader>
          <DialogTitle>{t.tokens.editTitle}</DialogTitle>
          <DialogDescription className="font-mono">…{token.suffix}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="space-y-4">
          <div className="space-y-2">
            <Label htmlFor="edit-type">{t.tokens.type}</Label>
            <TokenTypeSelect id="edit-type" name="type" defaultValue={token.type} />
          </div>
          <div className="space-y-2">
            <Label htmlFor="edit-tags">{t.tokens.tags}</Label>
            <Input id="edit-tags" name="tags" defaultValue={token.tags.join(', ')} placeholder={t.tokens.tagsHint} />
          </div>
          <div className="space-y-2">
            <Label htmlFor="edit-note">{t.tokens.note}</Label>
            <Textarea id="edit-note" name="note" defaultValue={token.note} maxLength={500} />
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              {t.common.cancel}
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? t.common.saving : t.common.save}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
