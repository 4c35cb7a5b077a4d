import { getI18n } from '@/app/_lib/i18n';
import { Providers } from '@/components/providers';

/** Theme, language, tooltips and toasts for every page (used by the route-group layouts). */
export async function Localized({ children }: { children: React.ReactNode }) {
  const { lang, t } = await getI18n();
  return (
    <Providers lang={lang} t={t}>
      {children}
    </Providers>
  );
}
