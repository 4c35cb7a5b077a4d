import type { Dict } from '@/lib/i18n';

/** The quality guard's reason code in words; an unknown code is shown as it is. */
export function quarantineReasonLabel(t: Dict, reason: string | null | undefined): string {
  if (!reason) return t.common.unknown;
  const labels: Record<string, string> = t.tokens.quarantineReasons;
  return labels[reason] ?? reason;
}
