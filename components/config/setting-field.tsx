'use client';

import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/auth/form-error';
import { useI18n } from '@/components/i18n-provider';
import { fmt } from '@/lib/i18n';
import type { SettingKey } from '@/lib/settings/schema';
import type { Control } from './field-meta';
import { AliasesField } from './aliases-field';

const show = (v: unknown) => (typeof v === 'string' ? (v === '' ? '""' : v.length > 40 ? `${v.slice(0, 40)}…` : v) : JSON.stringify(v));

/** Label, control, help text, default and the field's error (form triad: the API's `fieldErrors`). */
export function SettingField({
  name,
  control,
  value,
  defaultValue,
  error,
  onChange,
}: {
  name: SettingKey;
  control: Exclude<Control, { kind: 'models' }>;
  value: unknown;
  defaultValue: unknown;
  error?: string;
  onChange: (v: unknown) => void;
}) {
  const { t } = useI18n();
  const meta = t.config.fields[name];
  const id = `setting-${name}`;
  const describedBy = `${id}-help${error ? ` ${id}-error` : ''}`;
  const common = { id, 'aria-invalid': !!error, 'aria-describedby': describedBy, 'data-testid': id };
  let input: React.ReactNode;
  switch (control.kind) {
    case 'select':
      input = (
        <Select value={String(value)} onValueChange={onChange}>
          <SelectTrigger {...common} className="w-full sm:w-64">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {control.options.map((o) => (
              <SelectItem key={o} value={o}>
                {o}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      );
      break;
    case 'switch':
      input = <Switch {...common} checked={value === true} onCheckedChange={onChange} />;
      break;
    case 'number':
      input = (
        <Input
          {...common}
          type="number"
          inputMode="numeric"
          min={control.min}
          max={control.max}
          className="w-full sm:w-40"
          value={typeof value === 'number' && Number.isFinite(value) ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
        />
      );
      break;
    case 'aliases':
      input = <AliasesField id={id} value={value} onChange={onChange} invalid={!!error} describedBy={describedBy} />;
      break;
    case 'text':
      input = control.multiline ? (
        <Textarea {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} rows={3} className="font-mono text-xs" />
      ) : (
        <Input {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
      );
  }
  return (
    <div className="grid gap-2 py-4 md:grid-cols-[minmax(0,16rem)_1fr] md:gap-6">
      <div className="space-y-1">
        <Label htmlFor={id}>{meta.label}</Label>
        <code className="text-muted-foreground block text-xs">{name}</code>
      </div>
      <div className="min-w-0 space-y-1.5">
        {input}
        <p id={`${id}-help`} className="text-muted-foreground text-xs">
          {meta.help} <span className="opacity-80">{fmt(t.config.defaultValue, { value: show(defaultValue) })}</span>
        </p>
        {error && <FormError id={`${id}-error`}>{error}</FormError>}
      </div>
    </div>
  );
}
