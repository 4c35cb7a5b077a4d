'use client';

import { useRouter } from 'next/navigation';
import { LanguagesIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { useI18n } from '@/components/i18n-provider';
import { LANG_COOKIE, type Lang } from '@/lib/i18n';

const NAMES: Record<Lang, string> = { zh: '简体中文', en: 'English' };

export function LangSwitch() {
  const { lang, t } = useI18n();
  const router = useRouter();
  const choose = (next: Lang) => {
    document.cookie = `${LANG_COOKIE}=${next}; Path=/; Max-Age=31536000; SameSite=Lax`;
    router.refresh();
  };
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={t.common.language} data-testid="lang-switch">
          <LanguagesIcon />
          <span className="hidden sm:inline">{NAMES[lang]}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        {(Object.keys(NAMES) as Lang[]).map((l) => (
          <DropdownMenuItem key={l} onSelect={() => choose(l)} aria-checked={l === lang} role="menuitemradio">
            {NAMES[l]}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
