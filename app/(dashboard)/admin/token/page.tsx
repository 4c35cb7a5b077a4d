import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { parseListQueryLenient, tokenView } from '@/lib/admin/tokens';
import { loadOutcomes } from '@/lib/admin/outcomes';
import { countTokensByState, listTokens, listTokenTags } from '@/lib/db/tokens';
import { PageHeader } from '@/components/shell/page-header';
import { TokensTable } from '@/components/tokens/tokens-table';
import { ImportDialog } from '@/components/tokens/import-dialog';
import { ExportDialog } from '@/components/tokens/export-dialog';
import { RefreshAllButton } from '@/components/tokens/refresh-all-button';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.tokens.title };
}

export default async function TokenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const ctx = await requireAdmin();
  const { t } = await getI18n();
  const query = parseListQueryLenient(await searchParams);
  const now = ctx.now();
  const [{ rows, total }, counts, tags] = await Promise.all([
    listTokens(ctx.db, { ...query, now }),
    countTokensByState(ctx.db, now),
    listTokenTags(ctx.db),
  ]);
  const outcomes = await loadOutcomes(ctx.db, rows);
  return (
    <>
      <PageHeader title={t.tokens.title} description={t.tokens.description}>
        {counts.total > 0 && <RefreshAllButton />}
        {counts.total > 0 && <ExportDialog />}
        <ImportDialog />
      </PageHeader>
      <TokensTable
        items={rows.map((r) => tokenView(r, now))}
        total={total}
        page={query.page}
        pageSize={query.pageSize}
        filters={{ status: query.status, type: query.type, q: query.q, tag: query.tag }}
        tags={tags}
        counts={counts}
        outcomes={outcomes}
      />
    </>
  );
}
