'use client';

import { Tooltip, TooltipContent, TooltipTrigger } from '@/components/ui/tooltip';
import { useI18n } from '@/components/i18n-provider';
import { fmt, type Dict, type Lang } from '@/lib/i18n';
import { formatDateTime } from '@/lib/i18n/format';
import { cn } from '@/lib/utils';
import { quarantineReasonLabel } from './quarantine-reason';
import type { OutcomeKind, OutcomeView } from './types';

const CELLS = 20;
const COLOR: Record<OutcomeKind, string> = {
  ok: 'bg-success',
  client_closed: 'bg-muted-foreground/40',
  cooled: 'bg-warning',
  failed: 'bg-destructive',
  quarantined: 'bg-violet-500',
};
const KIND_ORDER: OutcomeKind[] = ['ok', 'client_closed', 'cooled', 'failed', 'quarantined'];

const reasonText = (t: Dict, o: OutcomeView) => (o.kind === 'quarantined' ? quarantineReasonLabel(t, o.reason) : o.reason);

/** What a screen reader hears instead of the cells: the counts per kind, then the latest outcome. */
function outcomesSummary(t: Dict, lang: Lang, outcomes: OutcomeView[]): string {
  if (!outcomes.length) return t.tokens.outcomesNone;
  const counts = KIND_ORDER.map((k) => [k, outcomes.filter((o) => o.kind === k).length] as const).filter(([, n]) => n > 0);
  const last = outcomes[outcomes.length - 1];
  return fmt(t.tokens.outcomesSummary, {
    count: outcomes.length,
    summary: counts.map(([k, n]) => `${n} ${t.tokens.outcomes[k]}`).join(', '),
    latest: `${t.tokens.outcomes[last.kind]} (${reasonText(t, last)}), ${formatDateTime(lang, last.at)}`,
  });
}

/** An account's last outcomes, oldest → newest, one colored cell each; the details on hover. */
export function OutcomeStrip({ outcomes }: { outcomes: OutcomeView[] }) {
  const { t, lang } = useI18n();
  const shown = outcomes.slice(-CELLS);
  return (
    <div role="img" aria-label={outcomesSummary(t, lang, shown)} className="flex h-5 items-center gap-px" data-testid="outcome-strip">
      {Array.from({ length: CELLS - shown.length }, (_, i) => (
        <span key={`empty-${i}`} aria-hidden className="bg-muted h-4 w-1.5 rounded-[2px]" />
      ))}
      {shown.map((o, i) => (
        <Tooltip key={`${o.at}-${i}`}>
          <TooltipTrigger asChild>
            <span aria-hidden data-testid="outcome-cell" data-kind={o.kind} className={cn('h-4 w-1.5 rounded-[2px] transition-transform hover:scale-y-125', COLOR[o.kind])} />
          </TooltipTrigger>
          <TooltipContent>
            <p className="font-medium">{t.tokens.outcomes[o.kind]}</p>
            <p>
              <span className="tabular-nums">{o.status}</span> · <code>{reasonText(t, o)}</code>
            </p>
            <p className="tabular-nums">{formatDateTime(lang, o.at)}</p>
          </TooltipContent>
        </Tooltip>
      ))}
    </div>
  );
}
