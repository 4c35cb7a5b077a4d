'use client';

import * as React from 'react';
import { CheckIcon, CopyIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/components/i18n-provider';

export function CopyButton({ value, label, size = 'icon-sm', variant = 'ghost' }: { value: string; label?: string; size?: 'icon-sm' | 'sm' | 'default'; variant?: 'ghost' | 'outline' | 'default' }) {
  const { t } = useI18n();
  const [copied, setCopied] = React.useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard API unavailable (http origins): fall back to a hidden textarea.
      const el = document.createElement('textarea');
      el.value = value;
      document.body.appendChild(el);
      el.select();
      document.execCommand('copy');
      el.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <Button type="button" variant={variant} size={size} onClick={copy} aria-label={label ?? t.common.copy}>
      {copied ? <CheckIcon /> : <CopyIcon />}
      {size !== 'icon-sm' && (copied ? t.common.copied : (label ?? t.common.copy))}
    </Button>
  );
}
