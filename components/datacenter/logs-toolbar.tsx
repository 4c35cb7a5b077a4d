'use client';

import * as React from 'react';
import { XIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { FilterSelect } from '@/components/data-table/filter-select';
import { useI18n } from '@/components/i18n-provider';
import type { LogFilters } from './types';

const toLocal = (ms?: number) => (ms ? new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');
const fromLocal = (v: string) => (v ? String(new Date(v).getTime()) : undefined);

export function LogsToolbar({
  filters,
  models,
  keys,
  reasons,
  onChange,
}: {
  filters: LogFilters;
  models: string[];
  keys: { id: string; name: string }[];
  reasons: string[];
  onChange: (c: Record<string, string | undefined>) => void;
}) {
  const { t } = useI18n();
  const active = Object.values(filters).some((v) => v !== undefined);
  return (
    <div className="flex flex-wrap items-end gap-2">
      <FilterSelect
        label={t.datacenter.statusCol}
        value={filters.status}
        allLabel={t.datacenter.anyStatus}
        onChange={(status) => onChange({ status })}
        testId="log-filter-status"
        options={[
          { value: 'ok', label: t.datacenter.statusOk },
          { value: 'error', label: t.datacenter.statusError },
        ]}
      />
      <FilterSelect label={t.datacenter.model} value={filters.model} allLabel={t.datacenter.anyModel} onChange={(model) => onChange({ model })} options={models.map((m) => ({ value: m, label: m }))} />
      <FilterSelect label={t.datacenter.key} value={filters.keyId} allLabel={t.datacenter.anyKey} onChange={(keyId) => onChange({ keyId })} options={keys.map((k) => ({ value: k.id, label: k.name }))} />
      <FilterSelect label={t.datacenter.reason} value={filters.reason} allLabel={t.datacenter.anyReason} onChange={(reason) => onChange({ reason })} options={reasons.map((r) => ({ value: r, label: r }))} />
      <div className="flex items-center gap-1">
        <Label htmlFor="log-from" className="text-muted-foreground text-xs">
          {t.datacenter.from}
        </Label>
        <Input key={`from-${filters.from ?? ""}`} id="log-from" type="datetime-local" className="h-8 w-auto" defaultValue={toLocal(filters.from)} onChange={(e) => onChange({ from: fromLocal(e.target.value) })} />
      </div>
      <div className="flex items-center gap-1">
        <Label htmlFor="log-to" className="text-muted-foreground text-xs">
          {t.datacenter.to}
        </Label>
        <Input key={`to-${filters.to ?? ""}`} id="log-to" type="datetime-local" className="h-8 w-auto" defaultValue={toLocal(filters.to)} onChange={(e) => onChange({ to: fromLocal(e.target.value) })} />
      </div>
      {active && (
        <Button variant="ghost" size="sm" onClick={() => onChange({ status: undefined, model: undefined, keyId: undefined, reason: undefined, from: undefined, to: undefined })}>
          {t.common.clearFilters} <XIcon />
        </Button>
      )}
    </div>
  );
}
