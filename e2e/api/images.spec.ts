/**
 * Images API (`/v1/images/generations`, `/v1/images/edits`, `/v1/images/method`) through the official `openai`
 * client, both generation methods (legacy chat rounds, Imagine WebSocket), streaming, edits, image models in
 * chat, and per-key image quotas. Media links themselves are covered in media.spec.ts.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import {
  FAKE,
  TINY_PNG,
  UPLOAD_PATH,
  CONVERSATION_PATH,
  apiError,
  collect,
  fake,
  fakeAsset,
  fakeFileId,
  freshState,
  gateway,
  isGatewayLink,
  isJpeg,
  parseMediaLink,
  parseSseEvents,
  purgeMediaCache,
  rawGet,
  rawPost,
  sha256Hex,
  userMessage,
  type CreatedKey,
  type PoolToken,
} from './helpers';

/** A valid 8×8 baseline JPEG (the fake's TINY_JPEG). */
const TINY_JPEG = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/' +
    '2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/' +
    'wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEB' +
    'AQAAAAAAAAAAAAAAAAAABQf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCAAJTX/9k=',
  'base64',
);

/** The two images of the fake's image fixture (07-image-generation.ndjson). */
const FIXTURE_IMAGES = [1, 2].map((i) => `/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/a1b2c3d4-1111-4aaa-8bbb-00000000000${i}/image.jpg`);
const PROMPT = 'a red fox in snow, watercolor';

let key: CreatedKey;
let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-images' });
  client = key.client;
});

/** Fetches a gateway media link. */
async function fetchLink(link: string, headers: Record<string, string> = {}) {
  const res = await rawGet(link, undefined, headers);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Checks a gateway link and returns what it points at (upstream path or URL). */
function expectGatewayLink(link: string | undefined, tokenId: string): string {
  expect(link, 'url result').toBeDefined();
  expect(isGatewayLink(link!), link).toBe(true);
  expect(new URL(link!).pathname.startsWith('/images/'), link).toBe(true);
  expect(link).not.toContain(FAKE);
  const parsed = parseMediaLink(link!);
  expect(parsed.t).toBe(tokenId);
  expect(parsed.exp).toBeGreaterThan(Date.now() / 1000 + 3600);
  expect(parsed.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return parsed.target;
}

// First: the rest of the file (and media.spec.ts after it) runs on default settings, so this order costs one settings change less.
test.describe('imagine_ws method', () => {
  test.beforeEach(async () => {
    pool = await freshState(2, { image_generation_method: 'imagine_ws' });
    await purgeMediaCache();
  });

  test('GET /v1/images/method → imagine_ws; size 1792x1024 → aspect_ratio 16:9 on the WebSocket', async () => {
    const method = await rawGet('/v1/images/method', key.key);
    expect(await method.json()).toEqual({ image_generation_method: 'imagine_ws' });
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 1, size: '1792x1024' });
    expect(res.data).toHaveLength(1);
    const [ws] = await fake.imagine();
    expect(ws.status).toBe(101);
    expect(ws.rounds).toHaveLength(1);
    expect(ws.rounds![0]).toMatchObject({ aspectRatio: '16:9', numGenerations: 1 });
    const request = ws.messages.find((m) => m?.item?.content?.[0]?.type === 'input_text');
    expect(request.item.content[0].text).toBe(PROMPT);
    expect(await fake.conversations()).toEqual([]);
  });

  test('n=2, url: links to the Imagine images, served with the fake bytes', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 2 });
    expect(res.data).toHaveLength(2);
    const [ws] = await fake.imagine();
    const ids = ws.rounds![0].imageIds;
    expect(ws.rounds![0].numGenerations).toBe(2);
    const owner = pool.find((t) => t.raw === ws.token)!;
    const targets = res.data!.map((d) => expectGatewayLink(d.url, owner.id));
    expect(targets.sort()).toEqual(ids.map((id) => `${FAKE}/imagine-public/images/${id}.jpg`).sort());
    for (const d of res.data!) {
      const { res: got, bytes } = await fetchLink(d.url!);
      expect(got.status).toBe(200);
      expect(bytes.equals(await fakeAsset(parseMediaLink(d.url!).target, owner.raw))).toBe(true);
    }
  });

  test('b64_json: the final WebSocket blob (no extra download)', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 2, response_format: 'b64_json' });
    const [ws] = await fake.imagine();
    const expected = await Promise.all(ws.rounds![0].imageIds.map((id) => fakeAsset(`${FAKE}/imagine-public/images/${id}.jpg`, ws.token!)));
    const got = res.data!.map((d) => Buffer.from(d.b64_json!, 'base64'));
    expect(got.map(sha256Hex).sort()).toEqual(expected.map(sha256Hex).sort());
    // The gateway never downloaded them: the only image downloads are this test's own two.
    expect((await fake.calls()).filter((c) => c.path.startsWith('/imagine-public/'))).toHaveLength(2);
  });

  test('n=3: three distinct images from one round', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 3 });
    expect(res.data).toHaveLength(3);
    expect(new Set(res.data!.map((d) => parseMediaLink(d.url!).target)).size).toBe(3);
    const rounds = (await fake.imagine()).flatMap((c) => c.rounds ?? []);
    expect(rounds.map((r) => r.numGenerations)).toEqual([3]);
  });

  test('rate limit on the WebSocket (ws-error): retried on the other account, then 429; no legacy fallback', async () => {
    const err = await apiError(client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:ws-error`, n: 1 }));
    // fallsBack() only falls back on 5xx: a rate limit is reported as such.
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_rate_limited');
    const sessions = await fake.imagine();
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((s) => s.token)).size).toBe(2);
    expect(await fake.conversations()).toEqual([]);
    for (const t of await gateway.tokens()) expect(t.status).toBe('cooling');
  });

  test('upstream 5xx on the WebSocket upgrade: falls back to the legacy method', async () => {
    // The same 500 on a second account ends the WebSocket attempts (not the accounts' fault), then legacy serves.
    pool = await gateway.resetPool(4);
    await fake.inject([
      { endpoint: 'imagine', kind: 'server-error' },
      { endpoint: 'imagine', kind: 'server-error' },
    ]);
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 2 });
    expect(res.data).toHaveLength(2);
    expect(res.data!.map((d) => parseMediaLink(d.url!).target).sort()).toEqual([...FIXTURE_IMAGES].sort());
    const sessions = await fake.imagine();
    expect(sessions.map((s) => s.status)).toEqual([500, 500]);
    for (const t of await gateway.tokens()) expect(t.status).toBe('active');
    const convs = await fake.conversations();
    expect(convs.length).toBeGreaterThan(0);
    expect(convs[0].body.message).toBe(`Image Generation: ${PROMPT}`);
  });

  test('every image moderated → 400 content_policy_violation', async () => {
    const err = await apiError(client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:ws-moderated`, n: 2 }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_policy_violation');
    expect(await fake.conversations()).toEqual([]);
  });

  test('connection dropped before any image (ws-drop) is a transient failure: falls back to legacy, not "moderated"', async () => {
    pool = await gateway.resetPool(4);
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: `${PROMPT} #scenario:ws-drop`, n: 1 });
    expect(res.data).toHaveLength(1);
    expect(FIXTURE_IMAGES).toContain(parseMediaLink(res.data![0].url!).target);
    expect((await fake.imagine()).length).toBeGreaterThan(0);
    expect((await fake.conversations()).length).toBeGreaterThan(0);
  });
});

test.describe('legacy method (default)', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
    await purgeMediaCache();
  });

  test('url: gateway links that serve the upstream bytes (MISS, then HIT with identical bytes)', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 2, response_format: 'url' });
    expect(res.data).toHaveLength(2);
    expect(res.created).toBeGreaterThan(0);
    const targets = res.data!.map((d) => expectGatewayLink(d.url, pool[0].id));
    expect(targets.sort()).toEqual([...FIXTURE_IMAGES].sort());

    const [call] = await fake.conversations();
    expect(call.body.message).toBe(`Image Generation: ${PROMPT}`);
    expect(call.body.imageGenerationCount).toBe(2);
    expect(call.token).toBe(pool[0].raw);

    for (const d of res.data!) {
      const target = parseMediaLink(d.url!).target;
      const upstream = await fakeAsset(target, pool[0].raw);
      const first = await fetchLink(d.url!);
      expect(first.res.status).toBe(200);
      expect(first.res.headers.get('x-cache')).toBe('MISS');
      expect(first.res.headers.get('content-type')).toBe('image/jpeg');
      expect(isJpeg(first.bytes)).toBe(true);
      expect(sha256Hex(first.bytes)).toBe(sha256Hex(upstream));
      // The copy is stored in KV after the response (waitUntil).
      await expect
        .poll(async () => (await fetchLink(d.url!)).res.headers.get('x-cache'), { timeout: 5_000 })
        .toBe('HIT');
      const second = await fetchLink(d.url!);
      expect(second.res.status).toBe(200);
      expect(second.bytes.equals(first.bytes)).toBe(true);
    }
  });

  test('b64_json: the bytes of the generated image', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 1, response_format: 'b64_json' });
    expect(res.data).toHaveLength(1);
    expect(res.data![0].url).toBeUndefined();
    const bytes = Buffer.from(res.data![0].b64_json!, 'base64');
    expect(isJpeg(bytes)).toBe(true);
    const candidates = await Promise.all(FIXTURE_IMAGES.map((p) => fakeAsset(p, pool[0].raw)));
    expect(candidates.some((c) => c.equals(bytes))).toBe(true);
  });

  test('n=3: two rounds in parallel (plus extra rounds for duplicates); never a duplicate result', async () => {
    // The fake's image fixture always returns the same two images, so only two distinct ones exist.
    const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 3 });
    const targets = res.data!.map((d) => expectGatewayLink(d.url, pool[0].id));
    expect(new Set(targets).size).toBe(targets.length);
    expect(targets.sort()).toEqual([...FIXTURE_IMAGES].sort());
    const calls = await fake.conversations();
    // ceil(3/2) = 2 rounds, then one extra round for the missing image that brings nothing new.
    expect(calls).toHaveLength(3);
    for (const c of calls) expect(c.body.message).toBe(`Image Generation: ${PROMPT}`);
  });

  test('GET /v1/images/method returns the active method; an invalid size is a 400 naming size', async () => {
    const method = await rawGet('/v1/images/method', key.key);
    expect(method.status).toBe(200);
    expect(await method.json()).toEqual({ image_generation_method: 'legacy' });
    expect((await rawGet('/v1/images/method')).status).toBe(401);

    const err = await apiError(client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, size: 'huge' as never }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('size');
    expect(await fake.calls()).toEqual([]);
  });

  test('a chat model on the images endpoint → 400 model_not_supported', async () => {
    const err = await apiError(client.images.generate({ model: 'grok-4', prompt: PROMPT }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('model_not_supported');
    expect(err.param).toBe('model');
  });

  test('stream, n=2: partial_image progress events and one completed event per image, no [DONE]', async () => {
    const res = await rawPost('/v1/images/generations', key.key, { model: 'grok-imagine-1.0', prompt: PROMPT, n: 2, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = await res.text();
    expect(body).not.toContain('[DONE]');
    const events = parseSseEvents(body);
    for (const e of events) expect(e.event).toBe(e.json.type);
    const partial = events.filter((e) => e.event === 'image_generation.partial_image').map((e) => e.json);
    const completed = events.filter((e) => e.event === 'image_generation.completed').map((e) => e.json);
    expect(partial.length + completed.length).toBe(events.length);
    for (const index of [0, 1]) {
      const progress = partial.filter((p) => p.index === index).map((p) => p.progress as number);
      expect(progress.length).toBeGreaterThan(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress[0]).toBe(0);
    }
    for (const p of partial) expect(p.url).toBe('');
    expect(completed.map((c) => c.index).sort()).toEqual([0, 1]);
    const targets = completed.map((c) => expectGatewayLink(c.url, pool[0].id));
    expect(targets.sort()).toEqual([...FIXTURE_IMAGES].sort());
    for (const c of completed) expect(c.usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  test('stream, n=1, b64_json: only index 0 and one completed event with the bytes', async () => {
    const res = await rawPost('/v1/images/generations', key.key, { model: 'grok-imagine-1.0', prompt: PROMPT, n: 1, stream: true, response_format: 'b64_json' });
    const events = parseSseEvents(await res.text());
    const partial = events.filter((e) => e.event === 'image_generation.partial_image').map((e) => e.json);
    const completed = events.filter((e) => e.event === 'image_generation.completed').map((e) => e.json);
    expect(partial.length).toBeGreaterThan(0);
    for (const p of partial) {
      expect(p.index).toBe(0);
      expect(p.b64_json).toBe('');
    }
    expect(completed).toHaveLength(1);
    expect(completed[0].index).toBe(0);
    const bytes = Buffer.from(completed[0].b64_json, 'base64');
    const candidates = await Promise.all(FIXTURE_IMAGES.map((p) => fakeAsset(p, pool[0].raw)));
    expect(candidates.some((c) => c.equals(bytes))).toBe(true);
  });

  test('stream with n=3 → 400 naming n', async () => {
    const res = await rawPost('/v1/images/generations', key.key, { model: 'grok-imagine-1.0', prompt: PROMPT, n: 3, stream: true });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.param).toBe('n');
  });
});

test.describe('edits', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  test('two image files: two uploads, then one "Image Edit:" conversation with both attachments', async () => {
    const res = await client.images.edit({
      model: 'grok-imagine-1.0-edit',
      prompt: 'make it snow',
      image: [await toFile(TINY_PNG, 'one.png', { type: 'image/png' }), await toFile(TINY_JPEG, 'two.jpg', { type: 'image/jpeg' })],
    });
    expect(res.data).toHaveLength(1);
    expect(FIXTURE_IMAGES).toContain(expectGatewayLink(res.data![0].url, pool[0].id));

    // (A quota sync to /rest/rate-limits may follow the answer; it is not part of the edit.)
    const calls = (await fake.calls()).filter((c) => c.path === UPLOAD_PATH || c.path === CONVERSATION_PATH);
    expect(calls.map((c) => c.path)).toEqual([UPLOAD_PATH, UPLOAD_PATH, CONVERSATION_PATH]);
    expect(calls[0].body).toMatchObject({ fileMimeType: 'image/png', contentSha256: sha256Hex(TINY_PNG) });
    expect(calls[1].body).toMatchObject({ fileMimeType: 'image/jpeg', contentSha256: sha256Hex(TINY_JPEG) });
    const conv = calls[2].body;
    expect(conv.message).toBe('Image Edit: make it snow');
    expect(conv.fileAttachments).toEqual([fakeFileId(TINY_PNG), fakeFileId(TINY_JPEG)]);
    expect(conv.modelName).toBe('imagine-image-edit');
    for (const c of calls) expect(c.token).toBe(pool[0].raw);
  });

  test('one file: one upload', async () => {
    const res = await client.images.edit({ model: 'grok-imagine-1.0-edit', prompt: 'make it snow', image: await toFile(TINY_PNG, 'one.png', { type: 'image/png' }) });
    expect(res.data).toHaveLength(1);
    expect((await fake.uploads()).length).toBe(1);
    const [conv] = await fake.conversations();
    expect(conv.body.fileAttachments).toEqual([fakeFileId(TINY_PNG)]);
  });

  test('a file that is not an image → 400 invalid_image before any upstream call', async () => {
    const err = await apiError(
      client.images.edit({
        model: 'grok-imagine-1.0-edit',
        prompt: 'make it snow',
        image: await toFile(Buffer.from('this is plain text, not a picture'), 'x.png', { type: 'image/png' }),
      }),
    );
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_image');
    expect(err.param).toBe('image');
    expect(await fake.calls()).toEqual([]);
  });

  test('JSON body with an image_url data URI', async () => {
    const res = await rawPost('/v1/images/edits', key.key, {
      model: 'grok-imagine-1.0-edit',
      prompt: 'make it snow',
      image_url: `data:image/png;base64,${TINY_PNG.toString('base64')}`,
      response_format: 'b64_json',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(1);
    expect(isJpeg(Buffer.from(body.data[0].b64_json, 'base64'))).toBe(true);
    const uploads = await fake.uploads();
    expect(uploads).toHaveLength(1);
    expect(uploads[0].body).toMatchObject({ fileMimeType: 'image/png', contentSha256: sha256Hex(TINY_PNG) });
    const [conv] = await fake.conversations();
    expect(conv.body.message).toBe('Image Edit: make it snow');
    expect(conv.body.fileAttachments).toEqual([fakeFileId(TINY_PNG)]);
  });
});

test.describe('image model in chat', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  const LINK = String.raw`http://(?:127\.0\.0\.1|localhost):\d+/images/p_[A-Za-z0-9_-]+\?t=[^&\s)]+&exp=\d+&sig=[A-Za-z0-9_-]+`;
  const IMAGE_LINE = new RegExp(`^!\\[Generated Image\\]\\((${LINK})\\)$`, 'gm');
  const ANSWER = `I generated images with the prompt: '${PROMPT}'`;

  test('non-stream: the answer text and one markdown image line per image, linking to the gateway', async () => {
    // The chat path sends the flattened text; the fake only recognises image requests by their shape, hence the directive.
    const res = await client.chat.completions.create({ model: 'grok-imagine-1.0', messages: userMessage(`${PROMPT} #scenario:image`) });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0].finish_reason).toBe('stop');
    const content = res.choices[0].message.content!;
    expect(content).toContain(ANSWER);
    // Each image on a line of its own (the answer text must not run into the last image line).
    const links = [...content.matchAll(IMAGE_LINE)].map((m) => m[1]);
    expect(links, JSON.stringify(content)).toHaveLength(2);
    expect(links.map((l) => parseMediaLink(l).target).sort()).toEqual([...FIXTURE_IMAGES].sort());
    const { res: img } = await fetchLink(links[0]);
    expect(img.status).toBe(200);
  });

  test('stream: progress as reasoning first, then the markdown images', async () => {
    const got = await collect(await client.chat.completions.create({ model: 'grok-imagine-1.0', messages: userMessage(`${PROMPT} #scenario:image`), stream: true }));
    expect(got.error).toBeUndefined();
    expect(got.reasoning).toContain('Image 1: 25%');
    expect(got.reasoning).toContain('Image 2: 55%');
    expect([...got.content.matchAll(IMAGE_LINE)], JSON.stringify(got.content)).toHaveLength(2);
    expect(got.content).toContain(ANSWER);
    const firstReasoning = got.chunks.findIndex((c) => !!(c.choices[0]?.delta as { reasoning_content?: string }).reasoning_content);
    const firstImage = got.chunks.findIndex((c) => (c.choices[0]?.delta.content ?? '').includes('![Generated Image]'));
    expect(firstReasoning).toBeGreaterThanOrEqual(0);
    expect(firstReasoning).toBeLessThan(firstImage);
    expect(got.chunks[got.chunks.length - 1].choices[0].finish_reason).toBe('stop');
  });
});

test.describe('quotas and logs', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  test('imagePerDay 2: n=3 → 429 image_quota_exceeded before upstream; n=2 fits, then the quota is spent', async () => {
    const limited = await gateway.createKey({ name: 'e2e-image-quota', limits: { imagePerDay: 2 } });
    const err = await apiError(limited.client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 3 }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('image_quota_exceeded');
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);
    expect(await fake.calls()).toEqual([]);

    const ok = await limited.client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 2 });
    expect(ok.data).toHaveLength(2);
    const again = await apiError(limited.client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 1 }));
    expect(again.status).toBe(429);
    expect(again.code).toBe('image_quota_exceeded');
    expect((await gateway.key(limited.id)).usageToday).toMatchObject({ image: 2 });
    // Chat is a separate bucket.
    const chat = await limited.client.chat.completions.create({ model: 'grok-4', messages: userMessage('hi') });
    expect(chat.choices[0].message.content).toBeTruthy();
  });

  test('image requests leave log rows with endpoint /v1/images/generations', async () => {
    const k = await gateway.createKey({ name: 'e2e-image-logs' });
    await k.client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, n: 1 });
    await apiError(k.client.images.generate({ model: 'grok-imagine-1.0', prompt: PROMPT, size: 'huge' as never }));
    await expect.poll(async () => (await gateway.logs({ keyId: k.id })).length, { timeout: 5_000 }).toBe(2);
    const rows = await gateway.logs({ keyId: k.id });
    for (const r of rows) expect(r).toMatchObject({ endpoint: '/v1/images/generations', model: 'grok-imagine-1.0', keyName: 'e2e-image-logs' });
    expect(rows.map((r) => r.status).sort()).toEqual([200, 400]);
  });
});
