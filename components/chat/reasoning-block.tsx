'use client';

import * as React from 'react';
import { BrainIcon, ChevronRightIcon } from 'lucide-react';
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from '@/components/ui/collapsible';
import { useI18n } from '@/components/i18n-provider';
import { cn } from '@/lib/utils';

/** Collapsible reasoning; open while the model is still thinking. */
export function ReasoningBlock({ text, active, streaming }: { text: string; active: boolean; streaming: boolean }) {
  const { t } = useI18n();
  // Open while the answer streams (the user may close it); earlier messages start closed.
  const [open, setOpen] = React.useState(active || streaming);
  React.useEffect(() => {
    if (active) setOpen(true);
  }, [active]);
  return (
    <Collapsible open={open} onOpenChange={setOpen} className="rounded-lg border" data-testid="reasoning">
      <CollapsibleTrigger className="text-muted-foreground hover:text-foreground flex w-full items-center gap-2 px-3 py-2 text-xs font-medium">
        <BrainIcon className={cn('size-3.5', active && 'animate-pulse')} />
        {active ? t.chat.thinking : t.chat.reasoning}
        <ChevronRightIcon className={cn('ml-auto size-3.5 transition-transform', open && 'rotate-90')} />
      </CollapsibleTrigger>
      <CollapsibleContent forceMount className="data-[state=closed]:hidden">
        <div className="text-muted-foreground max-h-72 overflow-y-auto border-t px-3 py-2 text-xs leading-relaxed whitespace-pre-wrap" data-testid="reasoning-text">
          {text}
        </div>
      </CollapsibleContent>
    </Collapsible>
  );
}
