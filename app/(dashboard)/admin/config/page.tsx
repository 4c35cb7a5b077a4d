import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { getSettings } from '@/lib/settings/store';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import { PageHeader } from '@/components/shell/page-header';
import { SettingsForm } from '@/components/config/settings-form';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.config.title };
}

export default async function ConfigPage() {
  const ctx = await requireAdmin();
  const { t } = await getI18n();
  const values = await getSettings(ctx.platform.bindings.DB);
  return (
    <>
      <PageHeader title={t.config.title} description={t.config.description} />
      <SettingsForm values={values} defaults={DEFAULT_SETTINGS} defaultModels={DEFAULT_MODELS} />
    </>
  );
}
