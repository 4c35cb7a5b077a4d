'use client';

import * as React from 'react';
import { UploadIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { FormError } from '@/components/auth/form-error';
import { fmt } from '@/lib/i18n';
import { parseTags } from './parse-tags';
import { TokenTypeSelect } from './token-type-select';
import { useOpenEvent } from '@/components/open-event';

export const OPEN_IMPORT = 'g2a:open-import';

interface ImportResult {
  added: number;
  duplicates: number;
  invalid: number;
  invalidSamples: string[];
}

/** Paste lines or upload a .txt; shows added / duplicates / invalid. */
export function ImportDialog() {
  const { t } = useI18n();
  const { run, pending } = useMutation();
  const [open, setOpen] = React.useState(false);
  const [text, setText] = React.useState('');
  const [type, setType] = React.useState<'sso' | 'ssoSuper'>('sso');
  const [tags, setTags] = React.useState('');
  const [error, setError] = React.useState<string>();
  const [result, setResult] = React.useState<ImportResult>();
  useOpenEvent(OPEN_IMPORT, React.useCallback(() => setOpen(true), []));

  const reset = (o: boolean) => {
    setOpen(o);
    if (!o) {
      setText('');
      setTags('');
      setError(undefined);
      setResult(undefined);
    }
  };
  const onFile = async (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) {
      const content = (await file.text()).trim();
      setText((prev) => [prev.trim(), content].filter(Boolean).join('\n'));
    }
    e.target.value = '';
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError(t.tokens.importEmpty);
    setError(undefined);
    const r = await run(
      () => api<ImportResult>('/api/admin/tokens', { body: { tokens: text, type, tags: parseTags(tags) } }),
      (r) => fmt(t.tokens.importResult, { added: r.added, duplicates: r.duplicates, invalid: r.invalid }),
    );
    if (r) {
      setResult(r);
      setText('');
    }
  };

  return (
    <Dialog open={open} onOpenChange={reset}>
      <DialogTrigger asChild>
        <Button>
          <UploadIcon /> {t.tokens.import}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t.common.close}>
        <DialogHeader>
          <DialogTitle>{t.tokens.importTitle}</DialogTitle>
          <DialogDescription>{t.tokens.importText}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="min-w-0 space-y-4">
          <div className="space-y-2">
            <Label htmlFor="import-tokens">{t.tokens.importTokens}</Label>
            <Textarea
              id="import-tokens"
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={6}
              className="max-h-60 font-mono text-xs break-all"
              placeholder="eyJhbGciOi…"
              aria-invalid={!!error}
            />
            {error && <FormError>{error}</FormError>}
          </div>
          <div className="space-y-2">
            <Label htmlFor="import-file">{t.tokens.importFile}</Label>
            <Input id="import-file" type="file" accept=".txt,text/plain" onChange={onFile} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="space-y-2">
              <Label htmlFor="import-type">{t.tokens.importType}</Label>
              <TokenTypeSelect id="import-type" value={type} onValueChange={setType} />
            </div>
            <div className="space-y-2">
              <Label htmlFor="import-tags">{t.tokens.importTags}</Label>
              <Input id="import-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
            </div>
          </div>
          {result && (
            <div className="bg-muted rounded-md p-3 text-sm" role="status" data-testid="import-result">
              {fmt(t.tokens.importResult, { added: result.added, duplicates: result.duplicates, invalid: result.invalid })}
              {result.invalidSamples.length > 0 && (
                <ul className="text-muted-foreground mt-1 font-mono text-xs">
                  {result.invalidSamples.map((s, i) => (
                    <li key={i}>{s}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => reset(false)}>
              {result ? t.common.done : t.common.cancel}
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? t.common.loading : t.tokens.importSubmit}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
