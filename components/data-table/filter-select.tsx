'use client';

import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';

/** A labelled filter dropdown; "all" clears the filter. */
export function FilterSelect({
  label,
  value,
  options,
  onChange,
  allLabel,
  testId,
}: {
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  allLabel: string;
  testId?: string;
}) {
  return (
    <Select value={value ?? 'all'} onValueChange={onChange}>
      <SelectTrigger size="sm" aria-label={label} data-testid={testId} className="min-w-28">
        <span className="text-muted-foreground">{label}:</span>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value="all">{allLabel}</SelectItem>
        {options.map((o) => (
          <SelectItem key={o.value} value={o.value}>
            {o.label}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
