/**
 * @module gateway/video-generation
 * Video generation (spec §6.5): an Imagine media post (E6) — from the prompt, or from the first image once
 * uploaded — then a conversation (E1) with `videoGen` and the video config; progress frames until the
 * video URL arrives.
 */
import { z } from 'zod';
import { createMediaPost, openConversation } from '@/lib/grok/client';
import { buildChatPayload } from '@/lib/grok/payload';
import type { ModelEntry } from '@/lib/catalog/models';
import type { Transport } from './upstream';

export const videoConfigSchema = z.object({
  aspect_ratio: z.enum(['2:3', '3:2', '1:1', '9:16', '16:9']).default('3:2'),
  video_length: z.number().int().min(5).max(15).default(6),
  resolution: z.enum(['SD', 'HD']).default('SD'),
  preset: z.enum(['fun', 'normal', 'spicy', 'custom']).default('normal'),
});
export type VideoConfig = z.infer<typeof videoConfigSchema>;

const MODE_FLAGS: Record<VideoConfig['preset'], string> = {
  fun: '--mode=extremely-crazy',
  normal: '--mode=normal',
  spicy: '--mode=extremely-spicy-or-crazy',
  custom: '--mode=custom',
};

export function videoTransport(model: ModelEntry, prompt: string, config: VideoConfig): Transport {
  return async ({ ctx, raw, uploads, signal }) => {
    const image = uploads[0];
    const assets = ctx.platform.env.GROK_ASSETS_URL.replace(/\/$/, '');
    const post = await createMediaPost(
      ctx.grok,
      raw,
      image?.fileUri ? { mediaType: 'MEDIA_POST_TYPE_IMAGE', mediaUrl: `${assets}/${image.fileUri}` } : { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt },
      signal,
    );
    if (!post.ok) return post;
    return openConversation(ctx.grok, {
      token: raw,
      payload: buildChatPayload({
        profile: ctx.settings.upstream_profile,
        model,
        message: `${prompt} ${MODE_FLAGS[config.preset]}`.trim(),
        temporary: true,
        toolOverrides: { videoGen: true },
        modelConfigOverride: {
          modelMap: {
            videoGenModelConfig: {
              parentPostId: post.value.postId,
              aspectRatio: config.aspect_ratio,
              videoLength: config.video_length,
              videoResolution: config.resolution,
            },
          },
        },
      }),
      referer: '/imagine',
      signal,
      firstFrameTimeoutMs: ctx.settings.first_frame_timeout_seconds * 1000,
      // Video progress frames can be far apart.
      idleTimeoutMs: Math.max(ctx.settings.idle_timeout_seconds, 120) * 1000,
    });
  };
}
