'use client';

import { FilterSelect } from '@/components/data-table/filter-select';
import { SearchInput } from '@/components/data-table/search-input';
import { useI18n } from '@/components/i18n-provider';

export function KeysToolbar({ q, status, onSearch, onStatus }: { q: string; status?: string; onSearch: (q: string) => void; onStatus: (s: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <SearchInput value={q} onSearch={onSearch} placeholder={t.keys.searchPlaceholder} delay={150} />
      <FilterSelect
        label={t.keys.status}
        value={status}
        allLabel={t.common.all}
        onChange={onStatus}
        testId="filter-key-status"
        options={[
          { value: 'active', label: t.keys.statusActive },
          { value: 'disabled', label: t.keys.statusDisabled },
          { value: 'expired', label: t.keys.statusExpired },
        ]}
      />
    </div>
  );
}
