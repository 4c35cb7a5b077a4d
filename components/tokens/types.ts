import type { tokenView } from '@/lib/admin/tokens';

export type TokenView = ReturnType<typeof tokenView>;
export type TokenStatus = TokenView['status'];
export interface TokenCounts {
  total: number;
  active: number;
  cooling: number;
  invalid: number;
  disabled: number;
}
export interface TokenFilters {
  status?: string;
  type?: string;
  tag?: string;
  q?: string;
}
