'use client';

import * as React from 'react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useI18n } from '@/components/i18n-provider';
import { api, ApiError } from '@/components/api-client';
import { fmt } from '@/lib/i18n';
import { FormError } from './form-error';

export function LoginForm({ next }: { next: string }) {
  const { t } = useI18n();
  const [error, setError] = React.useState<string>();
  const [lockedUntil, setLockedUntil] = React.useState<number>();
  const [pending, setPending] = React.useState(false);
  const [needsSetupToken, setNeedsSetupToken] = React.useState(false);
  const [now, setNow] = React.useState(() => Date.now());

  React.useEffect(() => {
    if (!lockedUntil) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [lockedUntil]);
  const lockLeft = lockedUntil ? Math.ceil((lockedUntil - now) / 1000) : 0;

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const res = await api<{ mustChangePassword: boolean }>('/api/admin/login', {
        body: {
          username: String(form.get('username') ?? ''),
          password: String(form.get('password') ?? ''),
          ...(form.get('setupToken') ? { setupToken: String(form.get('setupToken')) } : {}),
        },
      });
      window.location.assign(res.mustChangePassword ? `/login?change=1&next=${encodeURIComponent(next)}` : next);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'setup_token_required') setNeedsSetupToken(true);
      if (err instanceof ApiError && err.code === 'login_throttled' && err.retryAfter) {
        setLockedUntil(Date.now() + err.retryAfter * 1000);
        setNow(Date.now());
      }
      setError(err instanceof Error ? err.message : t.login.failed);
      setPending(false);
    }
  };

  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <CardTitle className="text-xl">{t.login.title}</CardTitle>
        <CardDescription>{t.login.subtitle}</CardDescription>
      </CardHeader>
      <form onSubmit={submit} noValidate>
        <CardContent className="space-y-4">
          <div className="space-y-2">
            <Label htmlFor="username">{t.login.username}</Label>
            <Input id="username" name="username" autoComplete="username" required autoFocus aria-invalid={!!error} />
          </div>
          <div className="space-y-2">
            <Label htmlFor="password">{t.login.password}</Label>
            <Input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={!!error} />
          </div>
          {needsSetupToken && (
            <div className="space-y-2">
              <Label htmlFor="setupToken">{t.login.setupToken}</Label>
              <Input id="setupToken" name="setupToken" autoComplete="one-time-code" spellCheck={false} required aria-describedby="setupToken-help" />
              <p id="setupToken-help" className="text-muted-foreground text-xs">
                {t.login.setupHelp}
              </p>
            </div>
          )}
          {lockLeft > 0 ? <FormError>{fmt(t.login.locked, { seconds: lockLeft })}</FormError> : error && <FormError>{error}</FormError>}
        </CardContent>
        <CardFooter className="mt-6 flex-col gap-3">
          <Button type="submit" className="w-full" disabled={pending || lockLeft > 0}>
            {pending ? t.login.submitting : t.login.submit}
          </Button>
          <Link href="/chat" className="text-muted-foreground text-sm underline-offset-4 hover:underline">
            {t.login.publicChat}
          </Link>
        </CardFooter>
      </form>
    </Card>
  );
}
