'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { HistoryIcon, MessageSquarePlusIcon, SparklesIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Sheet, SheetContent, SheetHeader, SheetTitle, SheetTrigger } from '@/components/ui/sheet';
import { useI18n } from '@/components/i18n-provider';
import { Composer } from './composer';
import { HistoryList } from './history-list';
import { MessageView } from './message-view';
import { ModelPicker } from './model-picker';
import { useHistory } from './history-store';
import { answerOf } from './parse-content';
import { ChatError, streamChat, toRequestMessages } from './stream-chat';
import type { ChatTurn, Conversation, ChatModelOption } from './types';

/** Ids for messages and conversations (crypto.randomUUID needs a secure context; plain-http LAN access has none). */
const newId = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
const emptyConversation = (model: string): Conversation => ({ id: newId(), title: '', model, messages: [], updatedAt: Date.now() });

/**
 * The chat used by /admin/chat (admin session, pool directly) and /chat (API key from the browser):
 * streaming, reasoning, citations, images, media models, stop, history in localStorage.
 */
export function ChatView({
  endpoint,
  headers,
  models,
  storageKey,
  toolbar,
  disabled,
}: {
  endpoint: string;
  headers?: Record<string, string>;
  models: ChatModelOption[];
  storageKey: string;
  toolbar?: React.ReactNode;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const history = useHistory(storageKey);
  const defaultModel = models.find((m) => m.id === 'grok-4')?.id ?? models[0]?.id ?? '';
  const [conv, setConv] = React.useState<Conversation>(() => emptyConversation(defaultModel));
  const [streamingId, setStreamingId] = React.useState<string>();
  const [historyOpen, setHistoryOpen] = React.useState(false);
  const abortRef = React.useRef<AbortController | null>(null);
  const scrollRef = React.useRef<HTMLDivElement>(null);
  const stickRef = React.useRef(true);

  React.useEffect(() => {
    if (!conv.model && defaultModel) setConv((c) => ({ ...c, model: defaultModel }));
  }, [defaultModel, conv.model]);

  React.useEffect(() => {
    const el = scrollRef.current;
    if (el && stickRef.current) el.scrollTop = el.scrollHeight;
  }, [conv.messages]);

  const persist = (c: Conversation) => {
    if (c.messages.length) history.upsert(c);
  };

  const send = async (text: string, images: string[]) => {
    const user: ChatTurn = { id: newId(), role: 'user', content: text, images: images.length ? images : undefined };
    const assistant: ChatTurn = { id: newId(), role: 'assistant', content: '', model: conv.model };
    const base: Conversation = { ...conv, title: conv.title || text.slice(0, 60) || t.chat.untitled, messages: [...conv.messages, user], updatedAt: Date.now() };
    let current: Conversation = { ...base, messages: [...base.messages, assistant] };
    setConv(current);
    setStreamingId(assistant.id);
    stickRef.current = true;
    const controller = new AbortController();
    abortRef.current = controller;
    const update = (patch: Partial<ChatTurn>) => {
      current = { ...current, messages: current.messages.map((m) => (m.id === assistant.id ? { ...m, ...patch } : m)) };
      setConv(current);
    };
    try {
      await streamChat({
        endpoint,
        headers,
        body: { model: conv.model, messages: toRequestMessages(base.messages, (m) => answerOf(m.content)) },
        signal: controller.signal,
        onUpdate: (u) =>
          update({
            content: u.content,
            reasoning: u.reasoning || undefined,
            citations: u.citations.length ? u.citations : undefined,
            media: u.media.length ? u.media : undefined,
            mediaProgress: u.progress.length ? u.progress : undefined,
          }),
      });
    } catch (e) {
      if (controller.signal.aborted) update({ stopped: true });
      else {
        const message = e instanceof ChatError || e instanceof Error ? e.message : t.common.requestFailed;
        update({ error: message });
        toast.error(message);
      }
    } finally {
      abortRef.current = null;
      setStreamingId(undefined);
      persist(current);
    }
  };

  const stop = () => abortRef.current?.abort();
  const newChat = () => {
    stop();
    setConv(emptyConversation(conv.model || defaultModel));
  };
  const select = (c: Conversation) => {
    stop();
    setConv(c);
    setHistoryOpen(false);
  };
  const streaming = !!streamingId;
  const historyList = (
    <HistoryList
      list={history.list}
      activeId={conv.id}
      onSelect={select}
      onDelete={(id) => {
        history.remove(id);
        if (id === conv.id) newChat();
      }}
    />
  );

  return (
    <div className="flex h-full min-h-0 gap-4">
      <aside className="hidden w-56 shrink-0 flex-col gap-2 lg:flex">
        <div className="text-muted-foreground px-2 text-xs font-medium">{t.chat.history}</div>
        <div className="min-h-0 flex-1 overflow-y-auto">{historyList}</div>
      </aside>
      <div className="flex min-h-0 min-w-0 flex-1 flex-col gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <ModelPicker models={models} value={conv.model} onChange={(model) => setConv((c) => ({ ...c, model }))} />
          <Button variant="outline" size="sm" onClick={newChat} data-testid="new-chat">
            <MessageSquarePlusIcon /> <span className="hidden sm:inline">{t.chat.newChat}</span>
          </Button>
          <Sheet open={historyOpen} onOpenChange={setHistoryOpen}>
            <SheetTrigger asChild>
              <Button variant="outline" size="sm" className="lg:hidden" aria-label={t.chat.history}>
                <HistoryIcon />
              </Button>
            </SheetTrigger>
            <SheetContent side="left" className="w-72" closeLabel={t.common.close}>
              <SheetHeader>
                <SheetTitle>{t.chat.history}</SheetTitle>
              </SheetHeader>
              <div className="overflow-y-auto px-2">{historyList}</div>
            </SheetContent>
          </Sheet>
          <div className="ml-auto flex items-center gap-2">{toolbar}</div>
        </div>
        <div
          ref={scrollRef}
          onScroll={(e) => {
            const el = e.currentTarget;
            stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          }}
          className="min-h-0 flex-1 overflow-y-auto rounded-xl border p-3 sm:p-4"
          data-testid="chat-messages"
          aria-live="polite"
        >
          {conv.messages.length ? (
            <div className="mx-auto max-w-3xl space-y-6">
              {conv.messages.map((m) => (
                <MessageView key={m.id} message={m} streaming={m.id === streamingId} />
              ))}
            </div>
          ) : (
            <div className="text-muted-foreground flex h-full flex-col items-center justify-center gap-3 text-center text-sm">
              <SparklesIcon className="size-8 opacity-60" />
              <p className="max-w-sm">{t.chat.empty}</p>
            </div>
          )}
        </div>
        <div className="mx-auto w-full max-w-3xl">
          <Composer streaming={streaming} disabled={disabled || !conv.model} onSend={send} onStop={stop} />
        </div>
      </div>
    </div>
  );
}
