/**
 * Card-based images (spec §5.3 `cardAttachment` with `render_generated_image` / `image_chunk`, §5.4
 * `<grok:render>` placeholders, §6.1 "newer" form) through the official `openai` client: in chat (stream and
 * non-stream) and in the legacy image method. The fake's `card-image*` scenarios stream them with
 * `generatedImageUrls: []`, so every image link here can only come from the cards.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import {
  CONVERSATION_PATH,
  FAKE,
  FAKE_USER_ID,
  apiError,
  collect,
  fake,
  fakeAsset,
  freshState,
  gateway,
  isGatewayLink,
  isJpeg,
  parseMediaLink,
  parseSseEvents,
  rawGet,
  rawPost,
  userMessage,
  type CreatedKey,
  type PoolToken,
} from './helpers';

/** The two images of e2e/fake-grok/transcripts/card-image.ndjson, in card order. */
const CARD_IMAGES = [1, 2].map((i) => `/users/${FAKE_USER_ID}/generated/0cafe000-3333-4eee-8fff-00000000000${i}/image.jpg`);
const ANSWER = 'Here are two images.';
const PROMPT = 'a lighthouse at dusk, oil painting';

const LINK = String.raw`http://(?:127\.0\.0\.1|localhost):\d+/images/p_[A-Za-z0-9_-]+\?t=[^&\s)]+&exp=\d+&sig=[A-Za-z0-9_-]+`;
const IMAGE_LINE = new RegExp(`^!\\[Generated Image\\]\\((${LINK})\\)$`, 'gm');
/** `Image N: P%` reasoning lines → [N, P]. */
const progressLines = (reasoning: string) => [...reasoning.matchAll(/^Image (\d+): (\d+)%$/gm)].map((m) => [Number(m[1]), Number(m[2])]);

let key: CreatedKey;
let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-card-images' });
  client = key.client;
});

test.beforeEach(async () => {
  pool = await freshState(1);
});

/** A gateway link owned by the pool's account; returns the upstream path it points at. */
function targetOf(link: string | undefined): string {
  expect(link, 'image link').toBeDefined();
  expect(isGatewayLink(link!), link).toBe(true);
  expect(link).not.toContain(FAKE);
  const parsed = parseMediaLink(link!);
  expect(parsed.t).toBe(pool[0].id);
  return parsed.target;
}

/** Downloads a gateway link: it must be the JPEG the fake serves for `target`. */
async function expectDownloadsAsImage(link: string, target: string) {
  const res = await rawGet(link);
  expect(res.status, link).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/jpeg');
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(isJpeg(bytes)).toBe(true);
  expect(bytes.equals(await fakeAsset(target, pool[0].raw))).toBe(true);
}

/** The markdown image links of a chat answer, checked to be gateway links; returns [link, target] pairs. */
function imageLinks(content: string): [string, string][] {
  return [...content.matchAll(IMAGE_LINE)].map((m) => [m[1], targetOf(m[1])]);
}

test.describe('chat', () => {
  test('non-stream: both card images as gateway links that download as images; no placeholder markup', async () => {
    const res = await client.chat.completions.create({ model: 'grok-4', messages: userMessage(`Paint ${PROMPT} #scenario:card-image`) });
    expect(res.choices[0].finish_reason).toBe('stop');
    const content = res.choices[0].message.content!;
    expect(content.startsWith(ANSWER), JSON.stringify(content)).toBe(true);
    expect(content).not.toContain('grok:render');
    expect(content).not.toContain('<');
    const links = imageLinks(content);
    expect(links.map(([, target]) => target)).toEqual(CARD_IMAGES);
    for (const [link, target] of links) await expectDownloadsAsImage(link, target);
    // Progress is reasoning, never content.
    const reasoning = (res.choices[0].message as { reasoning_content?: string }).reasoning_content ?? '';
    expect(progressLines(reasoning)).toContainEqual([1, 100]);
    expect(progressLines(reasoning)).toContainEqual([2, 100]);
    expect(content).not.toMatch(/Image \d: \d+%/);
    const [call] = await fake.conversations();
    expect(call.scenario).toEqual({ name: 'card-image' });
  });

  test('stream: progress as reasoning first, then one image line per card; no delta carries markup', async () => {
    const got = await collect(
      await client.chat.completions.create({ model: 'grok-4', messages: userMessage(`Paint ${PROMPT} #scenario:card-image`), stream: true }),
    );
    expect(got.error).toBeUndefined();
    const progress = progressLines(got.reasoning);
    for (const n of [1, 2]) {
      const steps = progress.filter(([i]) => i === n).map(([, p]) => p);
      expect(steps[0]).toBe(0);
      expect(steps.at(-1)).toBe(100);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
    }
    expect(got.reasoning).toContain('Image 2: 45%');
    for (const c of got.chunks) expect(c.choices[0]?.delta.content ?? '').not.toContain('grok:');
    expect(got.content.startsWith(ANSWER)).toBe(true);
    const links = imageLinks(got.content);
    expect(links.map(([, target]) => target)).toEqual(CARD_IMAGES);
    await expectDownloadsAsImage(...links[1]);
    const firstReasoning = got.chunks.findIndex((c) => !!(c.choices[0]?.delta as { reasoning_content?: string }).reasoning_content);
    const firstImage = got.chunks.findIndex((c) => (c.choices[0]?.delta.content ?? '').includes('![Generated Image]'));
    expect(firstReasoning).toBeGreaterThanOrEqual(0);
    expect(firstReasoning).toBeLessThan(firstImage);
    expect(got.chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  test('image model in chat: the card images as markdown image lines', async () => {
    const res = await client.chat.completions.create({ model: 'grok-imagine-1.0', messages: userMessage(`${PROMPT} #scenario:card-image`) });
    expect(imageLinks(res.choices[0].message.content!).map(([, target]) => target)).toEqual(CARD_IMAGES);
  });

  test('one card moderated: its image is left out (reported in the reasoning), the other one is linked', async () => {
    const got = await collect(
      await client.chat.completions.create({ model: 'grok-4', messages: userMessage(`Paint #scenario:card-image-moderated:1`), stream: true }),
    );
    expect(got.error).toBeUndefined();
    expect(got.reasoning).toContain('Image 1: moderated');
    expect(progressLines(got.reasoning)).not.toContainEqual([1, 100]);
    expect(imageLinks(got.content).map(([, target]) => target)).toEqual([CARD_IMAGES[1]]);
  });

  test('every card moderated, non-stream → 400 content_policy_violation; the account is not blamed', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'grok-4', messages: userMessage('Paint #scenario:card-image-moderated') }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_policy_violation');
    expect(err.type).toBe('invalid_request_error');
    // Moderation is the request's doing: no retry on another account, no penalty.
    expect(await fake.conversations()).toHaveLength(1);
    const t = await gateway.token(pool[0].id);
    expect(t.status).toBe('active');
    expect(t.failedCount).toBe(0);
  });

  test('every card moderated, stream: progress and "moderated" reasoning, then a content_policy_violation error; no image', async () => {
    const got = await collect(
      await client.chat.completions.create({ model: 'grok-4', messages: userMessage('Paint #scenario:card-image-moderated'), stream: true }),
    );
    expect(got.error).toBeInstanceOf(APIError);
    expect((got.error as APIError).code).toBe('content_policy_violation');
    expect(got.reasoning).toContain('Image 1: moderated');
    expect(got.reasoning).toContain('Image 2: moderated');
    expect(got.content).not.toContain('![');
    expect(got.content).not.toContain('grok:render');
  });

  test('failed cards (systemErrCode rate_limit) → 429 upstream_rate_limited; the account cools', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'grok-4', messages: userMessage('Paint #scenario:card-image-failed') }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_rate_limited');
    expect((await gateway.token(pool[0].id)).status).toBe('cooling');
  });
});

test.describe('legacy image method (default)', () => {
  test('n=2, url: the card images as gateway links that download as images; upstream got the usual request', async () => {
    // The scenario comes from the injection queue, so the upstream message is exactly the legacy one.
    await fake.inject([{ kind: 'scenario', name: 'card-image' }]);
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 2 });
    expect(res.data).toHaveLength(2);
    const targets = res.data!.map((d) => targetOf(d.url));
    expect([...targets].sort()).toEqual([...CARD_IMAGES].sort());
    for (const d of res.data!) await expectDownloadsAsImage(d.url!, parseMediaLink(d.url!).target);
    const calls = await fake.conversations();
    expect(calls).toHaveLength(1);
    expect(calls[0].scenario).toEqual({ name: 'card-image' });
    expect(calls[0].body.message).toBe(`Image Generation: ${PROMPT}`);
    expect(calls[0].body.imageGenerationCount).toBe(2);
  });

  test('n=1, b64_json: the bytes of a card image', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:card-image`, n: 1, response_format: 'b64_json' });
    expect(res.data).toHaveLength(1);
    const bytes = Buffer.from(res.data![0].b64_json!, 'base64');
    expect(isJpeg(bytes)).toBe(true);
    const candidates = await Promise.all(CARD_IMAGES.map((p) => fakeAsset(p, pool[0].raw)));
    expect(candidates.some((c) => c.equals(bytes))).toBe(true);
  });

  test('stream, n=2: partial_image progress per card, then one completed event per card image', async () => {
    const res = await rawPost('/v1/images/generations', key.key, { model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:card-image`, n: 2, stream: true });
    expect(res.status).toBe(200);
    const events = parseSseEvents(await res.text());
    const partial = events.filter((e) => e.event === 'image_generation.partial_image').map((e) => e.json);
    const completed = events.filter((e) => e.event === 'image_generation.completed').map((e) => e.json);
    for (const index of [0, 1]) {
      const progress = partial.filter((p) => p.index === index).map((p) => p.progress as number);
      expect(progress[0]).toBe(0);
      expect(progress.length).toBeGreaterThan(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    }
    expect(completed.map((c) => c.index).sort()).toEqual([0, 1]);
    expect(completed.map((c) => targetOf(c.url)).sort()).toEqual([...CARD_IMAGES].sort());
  });

  test('one card moderated, n=1: the other card image', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:card-image-moderated:1`, n: 1 });
    expect(res.data!.map((d) => targetOf(d.url))).toEqual([CARD_IMAGES[1]]);
  });

  test('every card moderated → 400 content_policy_violation, one upstream call, the account is not blamed', async () => {
    const err = await apiError(client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:card-image-moderated`, n: 2 }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_policy_violation');
    expect(await fake.calls(CONVERSATION_PATH)).toHaveLength(1);
    expect((await gateway.token(pool[0].id)).status).toBe('active');
  });

  test('a key is charged only for the images it got: n=2 with one moderated counts 1 (non-stream and stream)', async () => {
    const k = await gateway.createKey({ name: 'e2e-card-charge', limits: { imagePerDay: 10 } });
    const res = await k.client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:card-image-moderated:1`, n: 2 });
    expect(res.data).toHaveLength(1);
    await expect.poll(async () => (await gateway.key(k.id)).usageToday.image ?? 0, { timeout: 5_000 }).toBe(1);
    const streamed = await rawPost('/v1/images/generations', k.key, { model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:card-image-moderated:1`, n: 2, stream: true });
    expect(parseSseEvents(await streamed.text()).filter((e) => e.event === 'image_generation.completed')).toHaveLength(1);
    await expect.poll(async () => (await gateway.key(k.id)).usageToday.image ?? 0, { timeout: 5_000 }).toBe(2);
  });
});
