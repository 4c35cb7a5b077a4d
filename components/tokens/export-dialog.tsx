'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { DownloadIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useI18n } from '@/components/i18n-provider';
import { toApiError } from '@/components/api-client';
import { FormError } from '@/components/auth/form-error';

/** Raw tokens leave the server only after the admin password is re-entered. */
export function ExportDialog() {
  const { t } = useI18n();
  const [open, setOpen] = React.useState(false);
  const [error, setError] = React.useState<string>();
  const [pending, setPending] = React.useState(false);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    setPending(true);
    setError(undefined);
    try {
      const res = await fetch('/api/admin/tokens/export', { headers: { 'x-confirm-password': password } });
      if (!res.ok) throw await toApiError(res);
      const blob = await res.blob();
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'grok2api-tokens.txt';
      const url = URL.createObjectURL(blob);
      const a = Object.assign(document.createElement('a'), { href: url, download: name });
      document.body.appendChild(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
      toast.success(t.tokens.exported);
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : t.common.requestFailed);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={(o) => (setOpen(o), setError(undefined))}>
      <DialogTrigger asChild>
        <Button variant="outline">
          <DownloadIcon /> {t.tokens.export}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t.common.close}>
        <DialogHeader>
          <DialogTitle>{t.tokens.exportTitle}</DialogTitle>
          <DialogDescription>{t.tokens.exportText}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="space-y-4">
          <div className="space-y-2">
            <Label htmlFor="export-password">{t.login.password}</Label>
            <Input id="export-password" name="password" type="password" autoComplete="current-password" required aria-invalid={!!error} />
            {error && <FormError>{error}</FormError>}
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              {t.common.cancel}
            </Button>
            <Button type="submit" disabled={pending}>
              {t.tokens.exportSubmit}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
