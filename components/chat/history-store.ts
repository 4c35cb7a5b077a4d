'use client';

import * as React from 'react';
import type { Conversation } from './types';

const MAX_CONVERSATIONS = 50;

function load(key: string): Conversation[] {
  try {
    const raw = localStorage.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as Conversation[]) : [];
  } catch {
    return [];
  }
}

/** Writes the history; when the browser's quota is hit, attached images are dropped from storage first. */
function save(key: string, list: Conversation[]) {
  const trimmed = list.slice(0, MAX_CONVERSATIONS);
  try {
    localStorage.setItem(key, JSON.stringify(trimmed));
  } catch {
    try {
      const lean = trimmed.map((c) => ({ ...c, messages: c.messages.map(({ images: _images, ...m }) => m) }));
      localStorage.setItem(key, JSON.stringify(lean));
    } catch {
      /* storage full or disabled: history is best-effort */
    }
  }
}

/** Conversations kept in this browser only (localStorage), newest first. */
export function useHistory(storageKey: string) {
  const [list, setList] = React.useState<Conversation[]>([]);
  const [ready, setReady] = React.useState(false);
  React.useEffect(() => {
    setList(load(storageKey));
    setReady(true);
  }, [storageKey]);

  const upsert = React.useCallback(
    (conv: Conversation) => {
      setList((prev) => {
        const next = [conv, ...prev.filter((c) => c.id !== conv.id)];
        save(storageKey, next);
        return next;
      });
    },
    [storageKey],
  );
  const remove = React.useCallback(
    (id: string) => {
      setList((prev) => {
        const next = prev.filter((c) => c.id !== id);
        save(storageKey, next);
        return next;
      });
    },
    [storageKey],
  );
  return { list, ready, upsert, remove };
}
