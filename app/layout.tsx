import type { Metadata, Viewport } from 'next';
import './globals.css';
import { Providers } from '@/components/providers';
import { getI18n } from '@/app/_lib/i18n';

/** Every page reads the language cookie, so every route is dynamic and must run on the edge (next-on-pages). */
export const runtime = 'edge';

export const metadata: Metadata = {
  title: { default: 'Grok2API', template: '%s · Grok2API' },
  description: 'OpenAI-compatible gateway for grok.com accounts',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const { lang, t } = await getI18n();
  return (
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'} suppressHydrationWarning>
      <body className="min-h-dvh antialiased">
        <Providers lang={lang} t={t}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
