'use client';

import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from '@/components/ui/collapsible';
import { FormError } from '@/components/auth/form-error';
import { useI18n } from '@/components/i18n-provider';
import type { ModelEntry } from '@/lib/catalog/models';

/** The `models` overrides as JSON, with the default catalog for reference. */
export function ModelsField({ text, error, onChange, defaults }: { text: string; error?: string; onChange: (text: string) => void; defaults: readonly ModelEntry[] }) {
  const { t } = useI18n();
  const meta = t.config.fields.models;
  return (
    <div className="space-y-2 py-4">
      <Label htmlFor="setting-models">{meta.label}</Label>
      <p id="setting-models-help" className="text-muted-foreground text-xs">
        {meta.help} {t.config.modelsHelpJson}: <code>[{'{"id":"grok-3","enabled":false}'}]</code>
      </p>
      <Textarea
        id="setting-models"
        data-testid="setting-models"
        value={text}
        onChange={(e) => onChange(e.target.value)}
        rows={6}
        spellCheck={false}
        className="font-mono text-xs"
        aria-invalid={!!error}
        aria-describedby={`setting-models-help${error ? ' setting-models-error' : ''}`}
      />
      {error && <FormError id="setting-models-error">{error}</FormError>}
      <Collapsible>
        <CollapsibleTrigger className="text-muted-foreground text-xs underline underline-offset-4">{t.config.groups.models} ({defaults.length})</CollapsibleTrigger>
        <CollapsibleContent>
          <ul className="text-muted-foreground mt-2 grid gap-x-4 gap-y-1 font-mono text-xs sm:grid-cols-2 lg:grid-cols-3">
            {defaults.map((m) => (
              <li key={m.id}>
                {m.id} <span className="opacity-60">· {m.kind}{m.tier === 'super' ? ' · super' : ''}</span>
              </li>
            ))}
          </ul>
        </CollapsibleContent>
      </Collapsible>
    </div>
  );
}
