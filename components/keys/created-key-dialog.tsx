'use client';

import { KeyRoundIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { CopyButton } from '@/components/copy-button';
import { useI18n } from '@/components/i18n-provider';

/** The plaintext key, shown once. */
export function CreatedKeyDialog({ apiKey, name, onClose }: { apiKey: string; name: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent closeLabel={t.common.close}>
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            <KeyRoundIcon className="size-5" /> {t.keys.createdTitle}
          </DialogTitle>
          <DialogDescription>
            {name} — {t.keys.createdText}
          </DialogDescription>
        </DialogHeader>
        <div className="bg-muted flex items-center gap-2 rounded-md p-3">
          <code className="min-w-0 flex-1 text-sm break-all" data-testid="created-key">
            {apiKey}
          </code>
          <CopyButton value={apiKey} />
        </div>
        <DialogFooter>
          <Button onClick={onClose}>{t.common.done}</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
