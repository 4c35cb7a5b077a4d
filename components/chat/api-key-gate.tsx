'use client';

import * as React from 'react';
import { KeyRoundIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useI18n } from '@/components/i18n-provider';

/** Asks for the API key; it is stored in this browser only. */
export function ApiKeyForm({ onSave }: { onSave: (key: string) => void }) {
  const { t } = useI18n();
  return (
    <Card className="mx-auto w-full max-w-md">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <KeyRoundIcon className="size-5" /> {t.chat.apiKey}
        </CardTitle>
        <CardDescription>
          {t.chat.apiKeyMissing} {t.chat.apiKeyHint}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="flex flex-col gap-3 sm:flex-row sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            const key = String(new FormData(e.currentTarget).get('key') ?? '').trim();
            if (key) onSave(key);
          }}
        >
          <div className="flex-1 space-y-2">
            <Label htmlFor="api-key" className="sr-only">
              {t.chat.apiKey}
            </Label>
            <Input id="api-key" name="key" type="password" autoComplete="off" placeholder="sk-g2a-…" required data-testid="api-key-input" />
          </div>
          <Button type="submit">{t.chat.apiKeySave}</Button>
        </form>
      </CardContent>
    </Card>
  );
}
