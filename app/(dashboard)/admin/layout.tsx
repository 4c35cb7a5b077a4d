import { requireAdmin } from '@/app/_lib/admin';
import { Sidebar } from '@/components/shell/sidebar';
import { SiteHeader } from '@/components/shell/site-header';

export const runtime = 'edge';

/** Every /admin page: session required (else /login), password change first when it is due. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await requireAdmin();
  return (
    <div className="flex min-h-dvh">
      <Sidebar />
      <div className="flex min-w-0 flex-1 flex-col">
        <SiteHeader username={admin.user.username} />
        <main className="mx-auto w-full max-w-7xl min-w-0 flex-1 space-y-6 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
