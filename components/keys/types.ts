import type { keyView } from '@/lib/admin/keys';

export type KeyView = Awaited<ReturnType<typeof keyView>> & { requestsToday: number };
export interface KeyModelOption {
  id: string;
  name: string;
  kind: string;
}
