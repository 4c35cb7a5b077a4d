import type { CacheEntry } from '@/lib/cache/media-cache';

export type CacheItem = CacheEntry & { preview: string };
