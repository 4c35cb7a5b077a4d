import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { loadSettings } from '@/lib/settings/store';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import { PageHeader } from '@/components/shell/page-header';
import { SettingsForm } from '@/components/config/settings-form';
import { SettingsBackup } from '@/components/config/settings-backup';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.config.title };
}

export default async function ConfigPage() {
  const ctx = await requireAdmin();
  const { t } = await getI18n();
  const { settings: values, version } = await loadSettings(ctx.platform.bindings.DB);
  return (
    <>
      <PageHeader title={t.config.title} description={t.config.description}>
        <SettingsBackup values={values} />
      </PageHeader>
      {/* Keyed by the settings version: an import (or any save) re-seeds the form from the stored values. */}
      <SettingsForm key={version} values={values} defaults={DEFAULT_SETTINGS} defaultModels={DEFAULT_MODELS} />
    </>
  );
}
