import type { tokenView } from '@/lib/admin/tokens';
import type { OutcomeView } from '@/lib/admin/outcomes';

export type TokenView = ReturnType<typeof tokenView>;
export type { OutcomeView };
export type OutcomeKind = OutcomeView['kind'];
/** The last outcomes of each listed account, oldest first (accounts without requests are absent). */
export type TokenOutcomes = Record<string, OutcomeView[]>;
export interface TokenCounts {
  total: number;
  active: number;
  cooling: number;
  quarantined: number;
  invalid: number;
  disabled: number;
}
export interface TokenFilters {
  status?: string;
  type?: string;
  tag?: string;
  q?: string;
}
