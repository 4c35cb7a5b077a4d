'use client';

import * as React from 'react';
import type { Dict, Lang } from '@/lib/i18n';

const I18nContext = React.createContext<{ lang: Lang; t: Dict } | null>(null);

export function I18nProvider({ lang, t, children }: { lang: Lang; t: Dict; children: React.ReactNode }) {
  const value = React.useMemo(() => ({ lang, t }), [lang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The page language and its dictionary, in client components. */
export function useI18n() {
  const ctx = React.useContext(I18nContext);
  if (!ctx) throw new Error('useI18n must be used inside <I18nProvider>');
  return ctx;
}
