'use client';

import { XIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { FilterSelect } from '@/components/data-table/filter-select';
import { SearchInput } from '@/components/data-table/search-input';
import { useI18n } from '@/components/i18n-provider';
import type { TokenCounts, TokenFilters } from './types';

export function TokensToolbar({
  filters,
  tags,
  counts,
  onChange,
}: {
  filters: TokenFilters;
  tags: string[];
  counts: TokenCounts;
  onChange: (changes: Partial<TokenFilters>) => void;
}) {
  const { t } = useI18n();
  const active = Object.values(filters).some(Boolean);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <SearchInput value={filters.q} onSearch={(q) => onChange({ q })} placeholder={t.tokens.searchPlaceholder} />
      <FilterSelect
        label={t.tokens.status}
        testId="filter-status"
        value={filters.status}
        allLabel={`${t.common.all} (${counts.total})`}
        onChange={(status) => onChange({ status })}
        options={(['active', 'cooling', 'quarantined', 'invalid', 'disabled'] as const).map((s) => ({ value: s, label: `${t.tokens[s]} (${counts[s]})` }))}
      />
      <FilterSelect
        label={t.tokens.type}
        testId="filter-type"
        value={filters.type}
        allLabel={t.common.all}
        onChange={(type) => onChange({ type })}
        options={[
          { value: 'sso', label: t.tokens.basic },
          { value: 'ssoSuper', label: t.tokens.super },
        ]}
      />
      {tags.length > 0 && (
        <FilterSelect
          label={t.tokens.tagFilter}
          testId="filter-tag"
          value={filters.tag}
          allLabel={t.common.all}
          onChange={(tag) => onChange({ tag })}
          options={tags.map((tag) => ({ value: tag, label: tag }))}
        />
      )}
      {active && (
        <Button variant="ghost" size="sm" onClick={() => onChange({ q: undefined, status: undefined, type: undefined, tag: undefined })}>
          {t.common.clearFilters} <XIcon />
        </Button>
      )}
    </div>
  );
}
