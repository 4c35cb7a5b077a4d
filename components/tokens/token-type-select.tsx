'use client';

import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { useI18n } from '@/components/i18n-provider';

type TokenType = 'sso' | 'ssoSuper';

/** The account tier picker (Basic / Super), as a form field (`name`) or controlled (`value`). */
export function TokenTypeSelect(props: { id: string; name?: string; defaultValue?: string; value?: TokenType; onValueChange?: (v: TokenType) => void }) {
  const { t } = useI18n();
  const { id, onValueChange, ...rest } = props;
  return (
    <Select {...rest} onValueChange={onValueChange ? (v) => onValueChange(v as TokenType) : undefined}>
      <SelectTrigger id={id} className="w-full">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value="sso">{t.tokens.basic}</SelectItem>
        <SelectItem value="ssoSuper">{t.tokens.super}</SelectItem>
      </SelectContent>
    </Select>
  );
}
