'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useI18n } from '@/components/i18n-provider';
import { api, ApiError } from '@/components/api-client';
import { FormError } from './form-error';

type Field = 'current' | 'next' | 'repeat';

/** The forced first-login password change (also usable later). */
export function ChangePasswordForm({ next }: { next: string }) {
  const { t } = useI18n();
  const [errors, setErrors] = React.useState<Partial<Record<Field | 'form', string>>>({});
  const [pending, setPending] = React.useState(false);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const current = String(form.get('current') ?? '');
    const nextPw = String(form.get('next') ?? '');
    const repeat = String(form.get('repeat') ?? '');
    const local: typeof errors = {};
    if (nextPw.length < 8) local.next = t.login.tooShort;
    if (nextPw !== repeat) local.repeat = t.login.mismatch;
    setErrors(local);
    if (Object.keys(local).length) return;
    setPending(true);
    try {
      await api('/api/admin/password', { body: { current, next: nextPw } });
      toast.success(t.login.changed);
      window.location.assign(next);
    } catch (err) {
      const field = err instanceof ApiError && (err.param === 'current' || err.param === 'next') ? err.param : 'form';
      setErrors({ [field]: err instanceof Error ? err.message : t.common.requestFailed });
      setPending(false);
    }
  };

  const field = (name: Field, label: string, autoComplete: string) => (
    <div className="space-y-2">
      <Label htmlFor={`pw-${name}`}>{label}</Label>
      <Input
        id={`pw-${name}`}
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        aria-invalid={!!errors[name]}
        aria-describedby={errors[name] ? `pw-${name}-error` : undefined}
      />
      {errors[name] && <FormError id={`pw-${name}-error`}>{errors[name]}</FormError>}
    </div>
  );

  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <CardTitle className="text-xl">{t.login.changeTitle}</CardTitle>
        <CardDescription>{t.login.changeSubtitle}</CardDescription>
      </CardHeader>
      <form onSubmit={submit} noValidate>
        <CardContent className="space-y-4">
          {field('current', t.login.current, 'current-password')}
          {field('next', t.login.newPassword, 'new-password')}
          {field('repeat', t.login.repeat, 'new-password')}
          {errors.form && <FormError>{errors.form}</FormError>}
        </CardContent>
        <CardFooter className="mt-6 flex-col gap-2">
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? t.common.saving : t.login.changeSubmit}
          </Button>
          <Button
            type="button"
            variant="ghost"
            size="sm"
            onClick={async () => {
              await api('/api/admin/logout', { method: 'POST', body: {} }).catch(() => undefined);
              window.location.assign('/login');
            }}
          >
            {t.common.logout}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
