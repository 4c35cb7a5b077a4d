'use client';

import * as React from 'react';
import { ThemeProvider } from 'next-themes';
import type { Dict, Lang } from '@/lib/i18n';
import { I18nProvider } from '@/components/i18n-provider';
import { TooltipProvider } from '@/components/ui/tooltip';
import { Toaster } from '@/components/ui/sonner';

export function Providers({ lang, t, children }: { lang: Lang; t: Dict; children: React.ReactNode }) {
  React.useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <I18nProvider lang={lang} t={t}>
        <TooltipProvider>
          {children}
          <Toaster richColors closeButton position="top-center" />
        </TooltipProvider>
      </I18nProvider>
    </ThemeProvider>
  );
}
