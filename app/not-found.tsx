import Link from 'next/link';
import { getI18n } from '@/app/_lib/i18n';
import { Button } from '@/components/ui/button';

export const runtime = 'edge';

export default async function NotFound() {
  const { t } = await getI18n();
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
      <h1 className="text-4xl font-semibold">404</h1>
      <Button asChild variant="outline">
        <Link href="/admin/token">{t.nav.admin}</Link>
      </Button>
    </main>
  );
}
