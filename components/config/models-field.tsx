'use client';

import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from '@/components/ui/collapsible';
import { FormError } from '@/components/auth/form-error';
import { useI18n } from '@/components/i18n-provider';
import type { ModelEntry } from '@/lib/catalog/models';
import { ModelTable } from './model-table';

/** The `models` overrides as JSON, with the default catalog (upstream mode and tier per id) for reference. */
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
        <CollapsibleTrigger data-testid="model-table-toggle" className="text-muted-foreground text-xs underline underline-offset-4">{t.config.groups.models} ({defaults.length})</CollapsibleTrigger>
        <CollapsibleContent>
          <div className="mt-2">
            <ModelTable models={defaults} />
          </div>
        </CollapsibleContent>
      </Collapsible>
    </div>
  );
}
