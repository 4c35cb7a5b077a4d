import { describe, expect, it } from 'vitest';
import { TEST_SECRET } from '@/lib/test/fixtures';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { upstreamFailure } from '@/lib/grok/errors';
import type { GrokEvent } from '@/lib/grok/events';
import { decodeMediaRef, verifyMediaLink } from '@/lib/media/links';
import type { GatewayContext } from './context';
import type { GatewayEvent } from './events';
import { chatMediaEvents, type MediaMode } from './media';

const NOW = Date.UTC(2026, 11, 1, 12);
const ORIGIN = 'https://gw.example';
// The stage reads only the secret, the link lifetime and the clock.
const ctx = { secret: TEST_SECRET, settings: { ...DEFAULT_SETTINGS, media_link_ttl_hours: 2 }, now: () => NOW } as unknown as GatewayContext;

async function run(batches: GrokEvent[][], mode: MediaMode, owner: () => string | undefined = () => 'acc-1') {
  async function* source() {
    yield* batches;
  }
  const out: GatewayEvent[][] = [];
  for await (const batch of chatMediaEvents(source(), ctx, ORIGIN, owner, mode)) out.push(batch);
  return out;
}

/** What a gateway link points at and for which account, once its signature checks out. */
async function opened(link: string) {
  const url = new URL(link);
  const ref = url.pathname.replace(/^\/images\//, '');
  expect(url.origin + url.pathname).toBe(`${ORIGIN}/images/${ref}`);
  expect(url.searchParams.get('exp')).toBe(String(NOW / 1000 + 2 * 3600));
  const check = await verifyMediaLink(ref, url.searchParams, TEST_SECRET, NOW);
  return { check, target: decodeMediaRef(ref) };
}
const path = (p: string) => ({ kind: 'path', path: p });

const progress = (index: number, value: number): GrokEvent => ({ type: 'image_progress', index, progress: value });
const IMAGE_A = '/users/u1/generated/a/image.jpg';
const IMAGE_B = '/users/u1/generated/b/image.jpg';
const VIDEO = '/users/u1/generated/v/generated_video.mp4';
const POSTER = '/users/u1/generated/v/preview_image.jpg';
const MODERATED = upstreamFailure('moderated', 'content moderated');

describe('chatMediaEvents', () => {
  for (const mode of ['events', 'text'] as const) {
    it(`${mode}: a batch without media is passed on as the same array`, async () => {
      const batch: GrokEvent[] = [{ type: 'text', text: 'hi' }, { type: 'done' }];
      const [out] = await run([batch], mode);
      expect(out).toBe(batch);
    });
  }

  it('events: image progress only rises per image; repeats and lower values are dropped, across batches too', async () => {
    const out = await run([[progress(0, 10), progress(0, 10), progress(1, 5), progress(0, 5), progress(0, 40)], [progress(0, 30), progress(0, 100)]], 'events');
    expect(out.flat()).toEqual([
      { type: 'media_progress', kind: 'image', index: 0, progress: 10, status: 'running' },
      { type: 'media_progress', kind: 'image', index: 1, progress: 5, status: 'running' },
      { type: 'media_progress', kind: 'image', index: 0, progress: 40, status: 'running' },
      { type: 'media_progress', kind: 'image', index: 0, progress: 100, status: 'running' },
    ]);
  });

  it('events: a failed image keeps its last progress; moderated says so, any other failure is "failed"', async () => {
    const [out] = await run(
      [[progress(0, 60), { type: 'image_failed', index: 0, failure: MODERATED }, { type: 'image_failed', index: 1, failure: upstreamFailure('transient', 'card failed') }]],
      'events',
    );
    expect(out.slice(1)).toEqual([
      { type: 'media_progress', kind: 'image', index: 0, progress: 60, status: 'moderated' },
      { type: 'media_progress', kind: 'image', index: 1, progress: 0, status: 'failed' },
    ]);
  });

  it('events: images and videos become signed gateway links for the account serving at the time; text around them stays in order', async () => {
    let owner = 'acc-1';
    async function* source(): AsyncGenerator<GrokEvent[]> {
      yield [{ type: 'text', text: 'Here:' }, { type: 'image', index: 0, path: IMAGE_A }];
      owner = 'acc-2'; // a retry moved the answer to another account
      yield [{ type: 'video', path: VIDEO, thumbnailPath: POSTER }];
    }
    const out: GatewayEvent[][] = [];
    for await (const batch of chatMediaEvents(source(), ctx, ORIGIN, () => owner, 'events')) out.push(batch);
    expect(out.flat().map((e) => e.type)).toEqual(['text', 'media', 'media']);
    const [image, video] = out.flat().slice(1) as Extract<GatewayEvent, { type: 'media' }>[];
    expect([image.kind, video.kind]).toEqual(['image', 'video']);
    expect(await opened(image.url)).toEqual({ check: { ok: true, tokenId: 'acc-1' }, target: path(IMAGE_A) });
    expect(await opened(video.url)).toEqual({ check: { ok: true, tokenId: 'acc-2' }, target: path(VIDEO) });
    expect(await opened(video.posterUrl!)).toEqual({ check: { ok: true, tokenId: 'acc-2' }, target: path(POSTER) });
  });

  it('events: a link signed with another secret does not verify', async () => {
    const [[media]] = await run([[{ type: 'image', index: 0, path: IMAGE_A }]], 'events');
    const url = new URL((media as Extract<GatewayEvent, { type: 'media' }>).url);
    const check = await verifyMediaLink(url.pathname.replace(/^\/images\//, ''), url.searchParams, 'another-secret-0123456789abcdef', NOW);
    expect(check).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('text: progress and failures as reasoning lines, each progress value once', async () => {
    const [out] = await run([[progress(0, 10), progress(0, 10), progress(1, 50), { type: 'image_failed', index: 1, failure: MODERATED }, { type: 'video_progress', progress: 30 }]], 'text');
    expect(out).toEqual([
      { type: 'thinking', text: 'Image 1: 10%\n' },
      { type: 'thinking', text: 'Image 2: 50%\n' },
      { type: 'thinking', text: 'Image 2: moderated\n' },
      { type: 'thinking', text: 'Video: 30%\n' },
    ]);
  });

  it('text: the first media item starts its own paragraph, later ones a line each; a video is HTML with its poster', async () => {
    const out = await run([[{ type: 'text', text: 'Done.' }, { type: 'image', index: 0, path: IMAGE_A }], [{ type: 'image', index: 1, path: IMAGE_B }, { type: 'video', path: VIDEO, thumbnailPath: POSTER }]], 'text');
    const texts = out.flat().map((e) => (e as { text: string }).text);
    const links = texts.flatMap((s) => [...s.matchAll(/(?:\(|src="|poster=")([^)"]+)/g)].map((m) => m[1]));
    expect(links).toHaveLength(4);
    for (const link of links) expect((await opened(link)).check).toEqual({ ok: true, tokenId: 'acc-1' });
    const [a, b, video, poster] = links;
    expect(texts).toEqual([
      'Done.',
      `\n\n![Generated Image](${a})\n`,
      `![Generated Image](${b})\n`,
      `<video src="${video}" poster="${poster}" controls="controls" width="500" height="300"></video>\n`,
    ]);
    expect((await opened(video)).target).toEqual(path(VIDEO));
  });

  it('text: a video without a thumbnail has no poster attribute', async () => {
    const [[event]] = await run([[{ type: 'video', path: VIDEO }]], 'text');
    expect((event as { text: string }).text).toMatch(/^<video src="https:\/\/gw\.example\/images\/p_[^"]+" controls="controls" width="500" height="300"><\/video>\n$/);
  });
});
