import { redirect } from 'next/navigation';
import { getAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { SiteHeader } from '@/components/shell/site-header';
import { LoginForm } from '@/components/auth/login-form';
import { ChangePasswordForm } from '@/components/auth/change-password-form';

export const runtime = 'edge';

export async function generateMetadata() {
  const { t } = await getI18n();
  return { title: t.login.submit };
}

/** Login; with a session that must change its password, only the change form. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const admin = await getAdmin();
  const { next } = await searchParams;
  const target = next?.startsWith('/admin') ? next : '/admin/token';
  if (admin && !admin.user.mustChangePassword) redirect(target);
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader />
      <main className="flex flex-1 items-center justify-center p-4">
        {admin ? <ChangePasswordForm next={target} /> : <LoginForm next={target} />}
      </main>
    </div>
  );
}
