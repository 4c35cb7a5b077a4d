'use client';

import { Badge } from '@/components/ui/badge';
import { Tooltip, TooltipContent, TooltipTrigger } from '@/components/ui/tooltip';
import { useI18n } from '@/components/i18n-provider';
import { useNow } from '@/components/use-now';
import { formatCountdown } from '@/lib/i18n/format';
import type { TokenView } from './types';

/** Active / cooling with a live countdown / invalid with the reason / disabled. */
export function TokenStatusBadge({ token }: { token: TokenView }) {
  const { t } = useI18n();
  const now = useNow();
  switch (token.status) {
    case 'active':
      return <Badge variant="success">{t.tokens.active}</Badge>;
    case 'disabled':
      return <Badge variant="secondary">{t.tokens.disabled}</Badge>;
    case 'cooling': {
      const left = (token.cooldownUntil ?? now) - now;
      return (
        <Badge variant="warning" title={token.lastFailureReason ?? undefined}>
          {left > 0 ? `${t.tokens.cooling} ${formatCountdown(left)}` : t.tokens.active}
        </Badge>
      );
    }
    case 'quarantined': {
      const left = (token.quarantinedUntil ?? now) - now;
      return (
        <Badge variant="warning" title={token.quarantineReason ?? undefined} data-testid="quarantined-badge">
          {t.tokens.quarantined}
          {left > 0 ? ` ${formatCountdown(left)}` : ''}
        </Badge>
      );
    }
    case 'invalid':
      return (
        <Tooltip>
          <TooltipTrigger asChild>
            <span className="inline-flex flex-col gap-0.5">
              <Badge variant="destructive">{t.tokens.invalid}</Badge>
              {token.lastFailureReason && <span className="text-muted-foreground max-w-40 truncate text-xs">{token.lastFailureReason}</span>}
            </span>
          </TooltipTrigger>
          <TooltipContent>{token.lastFailureReason ?? t.common.unknown}</TooltipContent>
        </Tooltip>
      );
  }
}
