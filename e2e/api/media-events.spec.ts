/**
 * The gateway's own chat protocol: with `X-Grok2API-Media: events`, generated media arrive as typed delta
 * fields (`media`, `media_progress`) and as `message.media` — never as markdown / HTML in the answer or
 * progress lines in the reasoning. Without the header (every other client) nothing changes: the specs of
 * media.spec.ts and card-images.spec.ts hold that side.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { FAKE_USER_ID, collect, freshState, gateway, isGatewayLink, parseMediaLink, rawGet, userMessage, type CreatedKey, type PoolToken } from './helpers';

const TYPED = { headers: { 'X-Grok2API-Media': 'events' } };
const CARD_IMAGES = [1, 2].map((i) => `/users/${FAKE_USER_ID}/generated/0cafe000-3333-4eee-8fff-00000000000${i}/image.jpg`);
const VIDEO_PATH = '/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/c0ffee00-2222-4ccc-9ddd-000000000003/generated_video.mp4';
const POSTER_PATH = '/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/c0ffee00-2222-4ccc-9ddd-000000000003/preview_image.jpg';

interface Media {
  type: 'image' | 'video';
  url: string;
  poster_url?: string;
}
interface Progress {
  type: 'image' | 'video';
  index: number;
  progress: number;
  status: string;
}
type TypedDelta = { media?: Media[]; media_progress?: Progress[] };

let key: CreatedKey;
let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-media-events' });
  client = key.client;
});

test.beforeEach(async () => {
  pool = await freshState(1);
});

const typedOf = (chunks: ChatCompletionChunk[]) => chunks.map((c) => (c.choices[0]?.delta ?? {}) as TypedDelta);
const mediaOf = (chunks: ChatCompletionChunk[]) => typedOf(chunks).flatMap((d) => d.media ?? []);
const progressOf = (chunks: ChatCompletionChunk[]) => typedOf(chunks).flatMap((d) => d.media_progress ?? []);

/** A gateway link signed for the pool's account; returns the upstream path it points at. */
function targetOf(link: string | undefined): string {
  expect(link && isGatewayLink(link), link).toBe(true);
  const parsed = parseMediaLink(link!);
  expect(parsed.t).toBe(pool[0].id);
  return parsed.target;
}

test('card images, stream: rising progress per image, then one media item per image; the answer text carries no markup', async () => {
  const got = await collect(
    await client.chat.completions.create({ model: 'grok-4', messages: userMessage('Paint #scenario:card-image'), stream: true }, TYPED),
  );
  expect(got.error).toBeUndefined();
  expect(got.content.trim()).toBe('Here are two images.');
  expect(got.reasoning).not.toMatch(/Image \d/);
  const progress = progressOf(got.chunks);
  for (const index of [0, 1]) {
    const steps = progress.filter((p) => p.type === 'image' && p.index === index);
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.every((p) => p.status === 'running')).toBe(true);
    expect(steps[0].progress).toBe(0);
    expect(steps.at(-1)!.progress).toBe(100);
    expect(steps.map((p) => p.progress)).toEqual([...steps.map((p) => p.progress)].sort((a, b) => a - b));
  }
  const media = mediaOf(got.chunks);
  expect(media.map((m) => m.type)).toEqual(['image', 'image']);
  expect(media.map((m) => targetOf(m.url))).toEqual(CARD_IMAGES);
  const res = await rawGet(media[0].url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/jpeg');
  // Progress comes before the item it belongs to.
  const firstProgress = got.chunks.findIndex((c) => (c.choices[0]?.delta as TypedDelta).media_progress);
  const firstMedia = got.chunks.findIndex((c) => (c.choices[0]?.delta as TypedDelta).media);
  expect(firstProgress).toBeGreaterThanOrEqual(0);
  expect(firstProgress).toBeLessThan(firstMedia);
});

test('a moderated card image is a media_progress with status moderated, and no media item', async () => {
  const got = await collect(
    await client.chat.completions.create({ model: 'grok-4', messages: userMessage('Paint #scenario:card-image-moderated:1'), stream: true }, TYPED),
  );
  expect(got.error).toBeUndefined();
  const ended = progressOf(got.chunks).filter((p) => p.status !== 'running');
  expect(ended).toEqual([expect.objectContaining({ type: 'image', index: 0, status: 'moderated' })]);
  expect(mediaOf(got.chunks).map((m) => targetOf(m.url))).toEqual([CARD_IMAGES[1]]);
});

test('video, stream: video progress, then one video item with its poster; non-stream lists it in message.media', async () => {
  const got = await collect(
    await client.chat.completions.create({ model: 'grok-imagine-1.0-video', messages: userMessage('a paper boat'), stream: true }, TYPED),
  );
  expect(got.error).toBeUndefined();
  expect(got.content).not.toContain('<video');
  expect(got.reasoning).not.toContain('Video:');
  const progress = progressOf(got.chunks);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.every((p) => p.type === 'video' && p.index === 0 && p.status === 'running')).toBe(true);
  expect(progress.map((p) => p.progress)).toContain(35);
  const [video, ...rest] = mediaOf(got.chunks);
  expect(rest).toEqual([]);
  expect(video.type).toBe('video');
  expect(targetOf(video.url)).toBe(VIDEO_PATH);
  expect(targetOf(video.poster_url)).toBe(POSTER_PATH);

  const res = await client.chat.completions.create({ model: 'grok-imagine-1.0-video', messages: userMessage('a paper boat') }, TYPED);
  const message = res.choices[0].message as typeof res.choices[0]['message'] & { media?: Media[] };
  expect(message.content ?? '').not.toContain('<video');
  expect(message.media?.map((m) => [m.type, targetOf(m.url), targetOf(m.poster_url)])).toEqual([['video', VIDEO_PATH, POSTER_PATH]]);
});

test('only the exact header value switches the protocol: another value keeps markdown for any client', async () => {
  const res = await client.chat.completions.create(
    { model: 'grok-imagine-1.0', messages: userMessage('a lighthouse #scenario:card-image') },
    { headers: { 'X-Grok2API-Media': 'markdown' } },
  );
  const message = res.choices[0].message as typeof res.choices[0]['message'] & { media?: Media[] };
  expect(message.media).toBeUndefined();
  expect(message.content).toContain('![Generated Image](');
});
