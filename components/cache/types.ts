import type { CacheEntry } from '@/lib/cache/media-cache';

export type CacheItem = CacheEntry & { preview: string };
export interface CacheUsage {
  count: number;
  bytes: number;
  byType: Record<'image' | 'video', { count: number; bytes: number }>;
  truncated: boolean;
}
