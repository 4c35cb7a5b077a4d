import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors';
import type { AdminContext } from './guard';
import { preview } from './cache';

function ctxWith(entries: Record<string, { body: string; metadata: unknown }>): AdminContext {
  const KV_CACHE = {
    async getWithMetadata(key: string) {
      const hit = entries[key];
      return { value: hit ? new Response(hit.body).body : null, metadata: hit?.metadata ?? null };
    },
  };
  return { platform: { bindings: { KV_CACHE } } } as unknown as AdminContext;
}

describe('preview', () => {
  it.each([
    ['media/image/p_a', { contentType: 'text/html', type: 'image' }, 'image/jpeg'],
    ['media/image/p_b', { contentType: 'image/svg+xml', type: 'image' }, 'image/jpeg'],
    ['media/video/p_c', { contentType: 'text/html', type: 'video' }, 'video/mp4'],
    ['media/video/p_d', null, 'video/mp4'],
    ['media/image/p_e', { contentType: 'image/webp', type: 'image' }, 'image/webp'],
  ])('serves %s as a media type only, with nosniff', async (key, metadata, type) => {
    const res = await preview(ctxWith({ [key]: { body: 'x', metadata } }), key);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves nothing outside the media prefix', async () => {
    await expect(preview(ctxWith({ 'settings/x': { body: 'x', metadata: null } }), 'settings/x')).rejects.toBeInstanceOf(GatewayError);
  });
});
