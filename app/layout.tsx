import type { Metadata, Viewport } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Grok2API', template: '%s · Grok2API' },
  description: 'OpenAI-compatible gateway for grok.com accounts',
  icons: { icon: '/icon.svg' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/**
 * Static on purpose: next-on-pages needs `/_not-found` to prerender, so the language cookie is read in the
 * route-group layouts (`(dashboard)`, `(public)`), which also set `<html lang>`.
 */
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-dvh antialiased">{children}</body>
    </html>
  );
}
