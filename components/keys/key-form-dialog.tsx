'use client';

import * as React from 'react';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { FormError } from '@/components/auth/form-error';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api, ApiError } from '@/components/api-client';
import { keyCreateSchema } from '@/lib/admin/key-schema';
import { CreatedKeyDialog } from './created-key-dialog';
import type { KeyView, KeyModelOption } from './types';

const LIMITS = ['chatPerDay', 'heavyPerDay', 'imagePerDay', 'videoPerDay', 'rpm', 'concurrency'] as const;

/** datetime-local value ↔ epoch ms, in the browser's time zone. */
const toLocalInput = (ms: number | null) => {
  if (!ms) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** Create (then show the key once) or edit a key; validated with the API's own schema. */
export function KeyFormDialog({
  open,
  onOpenChange,
  models,
  existing,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  models: KeyModelOption[];
  existing?: KeyView;
}) {
  const { t } = useI18n();
  const { run, pending } = useMutation();
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [selected, setSelected] = React.useState<string[]>(existing?.models ?? []);
  const [created, setCreated] = React.useState<{ key: string; name: string }>();

  React.useEffect(() => {
    if (open) {
      setErrors({});
      setSelected(existing?.models ?? []);
    }
  }, [open, existing]);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expires = String(form.get('expiresAt') ?? '');
    const limits: Record<string, number> = {};
    for (const f of LIMITS) {
      const v = String(form.get(f) ?? '').trim();
      if (v !== '') limits[f] = Number(v);
    }
    const input = { name: String(form.get('name') ?? ''), expiresAt: expires ? new Date(expires).getTime() : null, models: selected.length ? selected : null, limits };
    const parsed = keyCreateSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path.at(-1) ?? 'form'), i.message])));
      return;
    }
    setErrors({});
    try {
      if (existing) {
        const ok = await run(() => api(`/api/admin/keys/${encodeURIComponent(existing.id)}`, { method: 'PATCH', body: parsed.data }), t.keys.saved);
        if (ok) onOpenChange(false);
      } else {
        const r = await run(async () => {
          try {
            return await api<{ key: string; name: string }>('/api/admin/keys', { body: parsed.data });
          } catch (err) {
            if (err instanceof ApiError && err.param) setErrors({ [err.param.split('.').at(-1)!]: err.message });
            throw err;
          }
        });
        if (r) {
          onOpenChange(false);
          setCreated(r);
        }
      }
    } catch {
      /* toasted */
    }
  };

  const err = (name: string) =>
    errors[name] ? (
      <FormError id={`key-${name}-error`}>{errors[name]}</FormError>
    ) : undefined;

  return (
    <>
      <Dialog open={open} onOpenChange={onOpenChange}>
        <DialogContent className="sm:max-w-2xl" closeLabel={t.common.close}>
          <DialogHeader>
            <DialogTitle>{existing ? t.keys.editTitle : t.keys.createTitle}</DialogTitle>
            <DialogDescription>{existing ? existing.prefix + '…' : t.keys.emptyText}</DialogDescription>
          </DialogHeader>
          <form onSubmit={submit} className="space-y-5" noValidate>
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="space-y-2">
                <Label htmlFor="key-name">{t.keys.name}</Label>
                <Input id="key-name" name="name" defaultValue={existing?.name} required maxLength={100} aria-invalid={!!errors.name} aria-describedby={errors.name ? 'key-name-error' : undefined} />
                {err('name')}
              </div>
              <div className="space-y-2">
                <Label htmlFor="key-expires">{t.keys.expiresAt}</Label>
                <Input id="key-expires" name="expiresAt" type="datetime-local" defaultValue={toLocalInput(existing?.expiresAt ?? null)} aria-invalid={!!errors.expiresAt} />
                <p className="text-muted-foreground text-xs">{t.keys.expiresHint}</p>
                {err('expiresAt')}
              </div>
            </div>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">{t.keys.models}</legend>
              <p className="text-muted-foreground text-xs">{t.keys.modelsHint}</p>
              <div className="grid max-h-40 gap-2 overflow-y-auto rounded-md border p-3 sm:grid-cols-2" aria-invalid={!!errors.models}>
                {models.map((m) => (
                  <label key={m.id} className="flex items-center gap-2 text-sm">
                    <Checkbox
                      checked={selected.includes(m.id)}
                      onCheckedChange={(v) => setSelected((s) => (v ? [...s, m.id] : s.filter((x) => x !== m.id)))}
                    />
                    <span className="truncate">{m.id}</span>
                  </label>
                ))}
              </div>
              {err('models')}
            </fieldset>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">{t.keys.limits}</legend>
              <p className="text-muted-foreground text-xs">{t.keys.limitHint}</p>
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
                {LIMITS.map((f) => (
                  <div key={f} className="space-y-1">
                    <Label htmlFor={`key-${f}`} className="text-xs">
                      {t.keys[f]}
                    </Label>
                    <Input id={`key-${f}`} name={f} type="number" min={0} inputMode="numeric" defaultValue={existing?.limits[f] ?? ''} placeholder="∞" aria-invalid={!!errors[f]} />
                    {err(f)}
                  </div>
                ))}
              </div>
            </fieldset>
            {err('form')}
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
                {t.common.cancel}
              </Button>
              <Button type="submit" disabled={pending}>
                {pending ? t.common.saving : existing ? t.common.save : t.common.create}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      {created && <CreatedKeyDialog apiKey={created.key} name={created.name} onClose={() => setCreated(undefined)} />}
    </>
  );
}
