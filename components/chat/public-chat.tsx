'use client';

import * as React from 'react';
import { KeyRoundIcon } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/components/i18n-provider';
import { ChatView } from './chat-view';
import { ApiKeyForm } from './api-key-gate';
import type { ChatModelOption } from './types';

const KEY_STORAGE = 'g2a_public_api_key';

/** /chat: the API key lives in localStorage; models come from GET /v1/models with that key. */
export function PublicChat() {
  const { t } = useI18n();
  const [apiKey, setApiKey] = React.useState<string | null>();
  const [models, setModels] = React.useState<ChatModelOption[]>([]);

  React.useEffect(() => setApiKey(localStorage.getItem(KEY_STORAGE)), []);
  React.useEffect(() => {
    if (!apiKey) return;
    let cancelled = false;
    fetch('/v1/models', { headers: { authorization: `Bearer ${apiKey}` } })
      .then(async (res) => {
        const body = (await res.json()) as { data?: { id: string; display_name?: string; capability?: string }[]; error?: { message?: string } };
        if (!res.ok) throw new Error(body.error?.message ?? t.chat.loadModelsFailed);
        if (!cancelled) setModels((body.data ?? []).map((m) => ({ id: m.id, name: m.display_name ?? m.id, kind: m.capability ?? 'chat' })));
      })
      .catch((e: Error) => {
        if (cancelled) return;
        toast.error(e.message || t.chat.loadModelsFailed);
        localStorage.removeItem(KEY_STORAGE);
        setApiKey(null);
      });
    return () => {
      cancelled = true;
    };
  }, [apiKey, t]);

  if (apiKey === undefined) return null;
  if (!apiKey) {
    return (
      <div className="flex h-full items-center justify-center">
        <ApiKeyForm
          onSave={(key) => {
            localStorage.setItem(KEY_STORAGE, key);
            setApiKey(key);
          }}
        />
      </div>
    );
  }
  return (
    <ChatView
      endpoint="/v1/chat/completions"
      headers={{ authorization: `Bearer ${apiKey}` }}
      models={models}
      storageKey="g2a_chat_public"
      disabled={!models.length}
      toolbar={
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            localStorage.removeItem(KEY_STORAGE);
            setApiKey(null);
            setModels([]);
          }}
        >
          <KeyRoundIcon /> <span className="hidden sm:inline">{t.chat.apiKeyChange}</span>
        </Button>
      }
    />
  );
}
