'use client';

import { Badge } from '@/components/ui/badge';
import { useI18n } from '@/components/i18n-provider';

export function TokenTypeBadge({ type }: { type: 'sso' | 'ssoSuper' }) {
  const { t } = useI18n();
  return type === 'ssoSuper' ? <Badge>{t.tokens.super}</Badge> : <Badge variant="outline">{t.tokens.basic}</Badge>;
}
