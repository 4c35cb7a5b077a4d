'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { SaveIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { useI18n } from '@/components/i18n-provider';
import { api, ApiError, toastError } from '@/components/api-client';
import { validateSettingsPatch, type Settings, type SettingKey } from '@/lib/settings/schema';
import type { ModelEntry } from '@/lib/catalog/models';
import { GROUPS } from './field-meta';
import { SettingField } from './setting-field';
import { ModelsField } from './models-field';

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Every setting, grouped; saves only what changed and shows the API's field errors next to the fields. */
export function SettingsForm({ values, defaults, defaultModels }: { values: Settings; defaults: Settings; defaultModels: readonly ModelEntry[] }) {
  const { t } = useI18n();
  const router = useRouter();
  const [saved, setSaved] = React.useState(values);
  const [draft, setDraft] = React.useState<Record<string, unknown>>(values);
  const [modelsText, setModelsText] = React.useState(json(values.models));
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [pending, setPending] = React.useState(false);

  const changed = React.useMemo(() => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(saved) as SettingKey[]) {
      if (key === 'models') continue;
      if (JSON.stringify(draft[key]) !== JSON.stringify(saved[key])) out[key] = draft[key];
    }
    if (modelsText.trim() !== json(saved.models).trim()) {
      try {
        out.models = JSON.parse(modelsText);
      } catch {
        out.models = Symbol.for('invalid-json');
      }
    }
    return out;
  }, [draft, saved, modelsText]);
  const dirty = Object.keys(changed).length > 0;

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (changed.models === Symbol.for('invalid-json')) {
      setErrors({ models: t.config.modelsInvalidJson });
      toast.error(t.config.invalid);
      return;
    }
    const local = validateSettingsPatch(changed);
    if (!local.ok) {
      setErrors(local.fieldErrors);
      toast.error(t.config.invalid);
      return;
    }
    setPending(true);
    try {
      const r = await api<{ values: Settings }>('/api/admin/settings', { method: 'PUT', body: changed });
      setSaved(r.values);
      setDraft(r.values);
      setModelsText(json(r.values.models));
      setErrors({});
      toast.success(t.config.saved);
      router.refresh();
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors) setErrors(err.fieldErrors);
      toastError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={save} className="space-y-6" noValidate>
      {GROUPS.map((group) => (
        <Card key={group.id} className="gap-0 py-4" data-testid={`settings-group-${group.id}`}>
          <CardHeader className="px-4 md:px-6">
            <CardTitle>{t.config.groups[group.id]}</CardTitle>
          </CardHeader>
          <CardContent className="divide-y px-4 md:px-6">
            {group.fields.map(({ key, control }) =>
              control.kind === 'models' ? (
                <ModelsField key={key} text={modelsText} error={errors.models} onChange={setModelsText} defaults={defaultModels} />
              ) : (
                <SettingField
                  key={key}
                  name={key}
                  control={control}
                  value={draft[key]}
                  defaultValue={defaults[key]}
                  error={errors[key]}
                  onChange={(v) => setDraft((d) => ({ ...d, [key]: v }))}
                />
              ),
            )}
          </CardContent>
        </Card>
      ))}
      <div className="bg-background/95 sticky bottom-0 z-10 -mx-4 flex items-center justify-end gap-3 border-t px-4 py-3 backdrop-blur md:-mx-6 md:px-6">
        {dirty && <span className="text-muted-foreground text-sm">{t.config.unsaved}</span>}
        <Button type="button" variant="outline" disabled={!dirty || pending} onClick={() => (setDraft(saved), setModelsText(json(saved.models)), setErrors({}))}>
          {t.common.reset}
        </Button>
        <Button type="submit" disabled={!dirty || pending} data-testid="settings-save">
          <SaveIcon /> {pending ? t.common.saving : t.common.save}
        </Button>
      </div>
    </form>
  );
}
