'use client';

import { Select, SelectContent, SelectGroup, SelectItem, SelectLabel, SelectTrigger, SelectValue } from '@/components/ui/select';
import { useI18n } from '@/components/i18n-provider';
import type { ChatModelOption } from './types';

const KIND_ORDER = ['chat', 'image', 'image_edit', 'video'];

export function ModelPicker({ models, value, onChange }: { models: ChatModelOption[]; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const kinds = KIND_ORDER.filter((k) => models.some((m) => m.kind === k)).concat([...new Set(models.map((m) => m.kind))].filter((k) => !KIND_ORDER.includes(k)));
  return (
    <Select value={value} onValueChange={onChange}>
      <SelectTrigger size="sm" aria-label={t.chat.model} className="max-w-56" data-testid="model-picker">
        <SelectValue placeholder={t.chat.model} />
      </SelectTrigger>
      <SelectContent>
        {kinds.map((kind) => (
          <SelectGroup key={kind}>
            <SelectLabel>{kind}</SelectLabel>
            {models
              .filter((m) => m.kind === kind)
              .map((m) => (
                <SelectItem key={m.id} value={m.id}>
                  {m.id}
                </SelectItem>
              ))}
          </SelectGroup>
        ))}
      </SelectContent>
    </Select>
  );
}
