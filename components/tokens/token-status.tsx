'use client';

import { Badge } from '@/components/ui/badge';
import { Tooltip, TooltipContent, TooltipTrigger } from '@/components/ui/tooltip';
import { useI18n } from '@/components/i18n-provider';
import { useNow } from '@/components/use-now';
import { fmt } from '@/lib/i18n';
import { formatCountdown, formatDateTime } from '@/lib/i18n/format';
import { quarantineReasonLabel } from './quarantine-reason';
import type { TokenView } from './types';

const QUARANTINE_BADGE_CLASS = 'border-transparent bg-violet-500/15 text-violet-700 dark:text-violet-300';

/**
 * Active / cooling with a live countdown and when it is back / quarantined with the quality guard's reason and
 * the countdown to its probe / invalid with the reason / disabled.
 */
export function TokenStatusBadge({ token }: { token: TokenView }) {
  const { t, lang } = useI18n();
  const now = useNow();
  switch (token.status) {
    case 'active':
      return <Badge variant="success">{t.tokens.active}</Badge>;
    case 'disabled':
      return <Badge variant="secondary">{t.tokens.disabled}</Badge>;
    case 'cooling': {
      const left = (token.cooldownUntil ?? now) - now;
      if (left <= 0) return <Badge variant="success">{t.tokens.active}</Badge>;
      return (
        <Tooltip>
          <TooltipTrigger asChild>
            <span className="inline-flex flex-col gap-0.5" data-testid="cooling-status">
              <Badge variant="warning">{`${t.tokens.cooling} ${formatCountdown(left)}`}</Badge>
              {token.lastFailureReason && <span className="text-muted-foreground max-w-40 truncate text-xs">{token.lastFailureReason}</span>}
            </span>
          </TooltipTrigger>
          <TooltipContent>
            <p>{fmt(t.tokens.backAt, { time: formatDateTime(lang, token.cooldownUntil) })}</p>
            {token.lastFailureReason && <p>{token.lastFailureReason}</p>}
          </TooltipContent>
        </Tooltip>
      );
    }
    case 'quarantined': {
      const left = (token.quarantinedUntil ?? now) - now;
      const reason = quarantineReasonLabel(t, token.quarantineReason);
      const probe = left > 0 ? fmt(t.tokens.probeIn, { time: formatCountdown(left) }) : t.tokens.probeDue;
      return (
        <Tooltip>
          <TooltipTrigger asChild>
            <span className="inline-flex flex-col gap-0.5" data-testid="quarantined-status">
              <Badge variant="outline" className={QUARANTINE_BADGE_CLASS} data-testid="quarantined-badge">
                {left > 0 ? `${t.tokens.quarantined} ${formatCountdown(left)}` : `${t.tokens.quarantined} · ${probe}`}
              </Badge>
              <span className="text-muted-foreground max-w-40 truncate text-xs">{reason}</span>
            </span>
          </TooltipTrigger>
          <TooltipContent className="max-w-72">
            <p className="font-medium">{reason}</p>
            <p>
              {probe}
              {token.quarantinedUntil ? ` (${formatDateTime(lang, token.quarantinedUntil)})` : ''}
            </p>
            {token.quarantineCount > 0 && <p>{fmt(t.tokens.quarantineCount, { count: token.quarantineCount })}</p>}
          </TooltipContent>
        </Tooltip>
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
