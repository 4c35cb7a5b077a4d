'use client';

import { Badge } from '@/components/ui/badge';
import { useI18n } from '@/components/i18n-provider';
import type { KeyView } from './types';

export function KeyStatusBadge({ status }: { status: KeyView['status'] }) {
  const { t } = useI18n();
  if (status === 'active') return <Badge variant="success">{t.keys.statusActive}</Badge>;
  if (status === 'expired') return <Badge variant="warning">{t.keys.statusExpired}</Badge>;
  return <Badge variant="secondary">{t.keys.statusDisabled}</Badge>;
}
