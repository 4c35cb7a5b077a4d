import { ActivityIcon, CircleCheckIcon, KeyRoundIcon } from 'lucide-react';
import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { keyView } from '@/lib/admin/keys';
import { listKeys } from '@/lib/db/keys';
import { statsSince } from '@/lib/db/logs';
import { localDay } from '@/lib/gateway/key-limits';
import { formatNumber } from '@/lib/i18n/format';
import { PageHeader } from '@/components/shell/page-header';
import { StatCard } from '@/components/shell/stat-card';
import { KeysTable } from '@/components/keys/keys-table';
import { CreateKeyButton } from '@/components/keys/create-key-button';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.keys.title };
}

export default async function KeysPage() {
  const ctx = await requireAdmin();
  const { t, lang } = await getI18n();
  const now = ctx.now();
  const day = localDay(now, ctx.platform.env.CACHE_RESET_TZ_OFFSET_MINUTES);
  const dayStart = day.endsAt - 86_400_000;
  const [rows, today] = await Promise.all([listKeys(ctx.db), statsSince(ctx.db, dayStart, 86_400_000)]);
  const perKey = new Map(today.byKey.map((k) => [k.keyId, k.n]));
  const items = await Promise.all(rows.map(async (r) => ({ ...(await keyView(ctx, r)), requestsToday: perKey.get(r.id) ?? 0 })));
  const models = ctx.catalog.list.map((m) => ({ id: m.id, name: m.displayName ?? m.id, kind: m.kind }));
  const requestsToday = items.reduce((sum, k) => sum + k.requestsToday, 0);
  return (
    <>
      <PageHeader title={t.keys.title} description={t.keys.description}>
        <CreateKeyButton models={models} />
      </PageHeader>
      <div className="grid gap-4 sm:grid-cols-3">
        <StatCard label={t.keys.total} value={formatNumber(lang, items.length)} icon={KeyRoundIcon} testId="stat-keys-total" />
        <StatCard label={t.keys.active} value={formatNumber(lang, items.filter((k) => k.status === 'active').length)} icon={CircleCheckIcon} testId="stat-keys-active" />
        <StatCard label={t.keys.requestsToday} value={formatNumber(lang, requestsToday)} icon={ActivityIcon} testId="stat-keys-today" />
      </div>
      <KeysTable items={items} models={models} />
    </>
  );
}
