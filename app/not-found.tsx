import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-4xl font-semibold">404</h1>
      <p className="text-muted-foreground">页面不存在 · Page not found</p>
      <Link href="/admin/token" className="text-sm underline underline-offset-4">
        Grok2API
      </Link>
    </main>
  );
}
