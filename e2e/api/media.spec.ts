/**
 * Media: video through chat and as async jobs (`/v1/videos`), the signed gateway links (`/images/<ref>?t&exp&sig`),
 * Range requests and the KV media cache with its admin API.
 */
import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import {
  CONVERSATION_PATH,
  FAKE,
  GATEWAY,
  collect,
  fake,
  fakeAsset,
  freshState,
  gateway,
  isGatewayLink,
  isJpeg,
  isMp4,
  mediaLinkFor,
  mediaRefOfPath,
  mediaRefOfUrl,
  parseMediaLink,
  purgeMediaCache,
  rawGet,
  rawPost,
  signMediaRef,
  sleep,
  userMessage,
  type CreatedKey,
  type PoolToken,
} from './helpers';

const VIDEO_POST_ID = 'd00df00d-6666-4f00-9000-000000000040';
const VIDEO_PATH = '/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/c0ffee00-2222-4ccc-9ddd-000000000003/generated_video.mp4';
const POSTER_PATH = '/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/c0ffee00-2222-4ccc-9ddd-000000000003/preview_image.jpg';
const IMAGE_PATHS = [1, 2].map((i) => `/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/a1b2c3d4-1111-4aaa-8bbb-00000000000${i}/image.jpg`);
const BOAT = 'a paper boat drifting on a pond';

let key: CreatedKey;
let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-media' });
  client = key.client;
});

test.beforeEach(async () => {
  pool = await freshState(1);
  await purgeMediaCache();
});

async function get(link: string, headers: Record<string, string> = {}) {
  const res = await rawGet(link, undefined, headers);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function errorOf(link: string) {
  const res = await rawGet(link);
  const body = (await res.json()) as { error: { code: string; type: string; message: string } };
  return { status: res.status, code: body.error.code };
}

/** One generated image link (legacy generation, n=1). */
async function imageLink(): Promise<string> {
  const res = await client.images.generate({ model: 'grok-imagine-1.0', prompt: 'a red fox', n: 1 });
  return res.data![0].url!;
}

/** Waits until the gateway has stored `link` in KV (the copy is written after the response). */
async function untilCached(link: string) {
  await expect.poll(async () => (await rawGet(link)).headers.get('x-cache'), { timeout: 5_000 }).toBe('HIT');
}

test.describe('video through chat', () => {
  test('stream: progress as reasoning, then a <video> tag with gateway links; media post then videoGen conversation upstream', async () => {
    const got = await collect(
      await client.chat.completions.create({
        model: 'grok-imagine-1.0-video',
        messages: userMessage(BOAT),
        stream: true,
        video_config: { aspect_ratio: '16:9', video_length: 10, resolution: 'HD', preset: 'fun' },
      } as ChatCompletionCreateParamsStreaming),
    );
    expect(got.error).toBeUndefined();
    expect(got.reasoning).toContain('Video: 35%');
    const m = /<video src="([^"]+)" poster="([^"]+)" controls="controls" width="500" height="300"><\/video>\n$/.exec(got.content);
    expect(m, got.content).not.toBeNull();
    const [, src, poster] = m!;
    for (const link of [src, poster]) {
      expect(isGatewayLink(link), link).toBe(true);
      expect(parseMediaLink(link).t).toBe(pool[0].id);
    }
    expect(parseMediaLink(src).target).toBe(VIDEO_PATH);
    expect(parseMediaLink(poster).target).toBe(POSTER_PATH);

    const calls = (await fake.calls()).filter((c) => c.path !== '/rest/rate-limits');
    expect(calls.map((c) => c.path)).toEqual(['/rest/media/post/create', CONVERSATION_PATH]);
    expect(calls[0].body).toEqual({ mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: BOAT });
    const conv = calls[1].body;
    expect(conv.message).toBe(`${BOAT} --mode=extremely-crazy`);
    expect(conv.toolOverrides).toEqual({ videoGen: true });
    expect(conv.responseMetadata.modelConfigOverride.modelMap.videoGenModelConfig).toEqual({
      parentPostId: VIDEO_POST_ID,
      aspectRatio: '16:9',
      videoLength: 10,
      videoResolution: 'HD',
    });
    expect(calls[1].headers.referer).toMatch(/\/imagine$/);
    expect(calls.every((c) => c.token === pool[0].raw)).toBe(true);

    const video = await get(src);
    expect(video.res.status).toBe(200);
    expect(video.res.headers.get('content-type')).toBe('video/mp4');
    expect(isMp4(video.bytes)).toBe(true);
    expect(video.bytes.equals(await fakeAsset(VIDEO_PATH, pool[0].raw))).toBe(true);
    const thumb = await get(poster);
    expect(isJpeg(thumb.bytes)).toBe(true);
  });

  test('non-stream with the default video_config; an invalid video_config is a 400 naming the field', async () => {
    const res = await client.chat.completions.create({ model: 'grok-imagine-1.0-video', messages: userMessage(BOAT) });
    expect(res.choices[0].message.content).toMatch(/<video src="[^"]+generated_video|<video src="[^"]+\/images\/p_/);
    const [conv] = await fake.conversations();
    expect(conv.body.responseMetadata.modelConfigOverride.modelMap.videoGenModelConfig).toEqual({
      parentPostId: VIDEO_POST_ID,
      aspectRatio: '3:2',
      videoLength: 6,
      videoResolution: 'SD',
    });
    expect(conv.body.message).toBe(`${BOAT} --mode=normal`);

    await fake.reset();
    const bad = await rawPost('/v1/chat/completions', key.key, { model: 'grok-imagine-1.0-video', messages: userMessage(BOAT), video_config: { video_length: 99 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.param).toBe('video_config.video_length');
    expect(await fake.calls()).toEqual([]);
  });
});

test.describe('video jobs', () => {
  test('POST → queued; polling shows progress rising to completed with a gateway link; /content redirects to it; private to the key', async () => {
    const created = await rawPost('/v1/videos', key.key, { prompt: `${BOAT} #delay:150`, seconds: 10, size: '1280x720' });
    expect(created.status).toBe(200);
    const job = (await created.json()) as any;
    expect(job).toMatchObject({ object: 'video', status: 'queued', progress: 0, model: 'grok-imagine-1.0-video' });
    expect(job.id).toMatch(/^video_[0-9a-f]{32}$/);

    const seen: { status: string; progress: number }[] = [];
    let last: any;
    for (const started = Date.now(); Date.now() - started < 20_000; ) {
      const r = await rawGet(`/v1/videos/${job.id}`, key.key);
      expect(r.status).toBe(200);
      last = await r.json();
      seen.push({ status: last.status, progress: last.progress });
      if (last.status === 'completed' || last.status === 'failed') break;
      await sleep(100);
    }
    expect(last.status, JSON.stringify(last)).toBe('completed');
    const progress = seen.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(seen.some((s) => s.status === 'in_progress' && s.progress > 0 && s.progress < 100)).toBe(true);
    expect(last.progress).toBe(100);
    expect(last.completed_at).toBeGreaterThanOrEqual(last.created_at);
    expect(isGatewayLink(last.url)).toBe(true);
    expect(parseMediaLink(last.url).target).toBe(VIDEO_PATH);
    expect(parseMediaLink(last.thumbnail_url).target).toBe(POSTER_PATH);

    const [conv] = await fake.conversations();
    expect(conv.body.responseMetadata.modelConfigOverride.modelMap.videoGenModelConfig).toMatchObject({ aspectRatio: '16:9', videoLength: 10 });

    const video = await get(last.url);
    expect(video.res.status).toBe(200);
    expect(isMp4(video.bytes)).toBe(true);
    expect(video.bytes.equals(await fakeAsset(VIDEO_PATH, pool[0].raw))).toBe(true);

    const content = await rawGet(`/v1/videos/${job.id}/content`, key.key);
    expect(content.status).toBe(302);
    expect(parseMediaLink(content.headers.get('location')!).target).toBe(VIDEO_PATH);

    const other = await gateway.createKey({ name: 'e2e-media-other' });
    for (const path of [`/v1/videos/${job.id}`, `/v1/videos/${job.id}/content`]) {
      const r = await rawGet(path, other.key);
      expect(r.status).toBe(404);
      expect(((await r.json()) as any).error.code).toBe('not_found');
    }
    expect((await rawGet(`/v1/videos/${job.id}`)).status).toBe(401);

    await expect.poll(async () => (await gateway.logs({ keyId: key.id })).filter((r) => r.endpoint === '/v1/videos').length, { timeout: 5_000 }).toBe(1);
  });

  test('an upstream failure marks the job failed with the error; /content is then a 400 video_not_ready', async () => {
    const created = (await (await rawPost('/v1/videos', key.key, { prompt: `${BOAT} #scenario:fail:500` })).json()) as any;
    let last: any;
    await expect
      .poll(
        async () => {
          last = await (await rawGet(`/v1/videos/${created.id}`, key.key)).json();
          return last.status;
        },
        { timeout: 10_000 },
      )
      .toBe('failed');
    expect(last.error).toMatchObject({ code: 'upstream_error', message: expect.any(String) });
    expect(last.url).toBeUndefined();
    const content = await rawGet(`/v1/videos/${created.id}/content`, key.key);
    expect(content.status).toBe(400);
    expect(((await content.json()) as any).error.code).toBe('video_not_ready');
  });

  test('validation: a non-video model and a bad size are 400s; nothing runs upstream', async () => {
    const model = await rawPost('/v1/videos', key.key, { prompt: BOAT, model: 'grok-4' });
    expect(model.status).toBe(400);
    expect(((await model.json()) as any).error).toMatchObject({ code: 'model_not_supported', param: 'model' });
    const size = await rawPost('/v1/videos', key.key, { prompt: BOAT, size: 'huge' });
    expect(size.status).toBe(400);
    expect(((await size.json()) as any).error.param).toBe('size');
    expect((await rawGet('/v1/videos/video_doesnotexist', key.key)).status).toBe(404);
    await sleep(200);
    expect(await fake.calls()).toEqual([]);
  });
});

test.describe('signed links', () => {
  test('the test signer reproduces the gateway signature (HKDF + HMAC of lib/media/links.ts)', async () => {
    const link = parseMediaLink(await imageLink());
    expect(signMediaRef(link.ref, link.t, link.exp)).toBe(link.sig);
  });

  test('tampering with sig, t, exp or the ref → 403 media_link_bad_signature; no sig → 403 media_link_missing', async () => {
    const link = parseMediaLink(await imageLink());
    const other = IMAGE_PATHS.find((p) => p !== link.target)!;
    const flipped = `${link.sig[0] === 'A' ? 'B' : 'A'}${link.sig.slice(1)}`;
    const cases = [
      mediaLinkFor(link.ref, link.t, link.exp, flipped),
      mediaLinkFor(link.ref, pool[0].id.replace(/.$/, (c) => (c === '0' ? '1' : '0')), link.exp, link.sig),
      mediaLinkFor(link.ref, link.t, link.exp - 1000, link.sig),
      mediaLinkFor(link.ref, link.t, link.exp + 1000, link.sig),
      mediaLinkFor(mediaRefOfPath(other), link.t, link.exp, link.sig),
    ];
    for (const c of cases) expect(await errorOf(c), c).toEqual({ status: 403, code: 'media_link_bad_signature' });
    const missing = `${link.url.origin}${link.url.pathname}?t=${link.t}&exp=${link.exp}`;
    expect(await errorOf(missing)).toEqual({ status: 403, code: 'media_link_missing' });
    // None of these reached the media host.
    expect((await fake.calls()).filter((c) => c.path.startsWith('/users/'))).toEqual([]);
  });

  test('a validly signed but expired link → 403 media_link_expired', async () => {
    const ref = mediaRefOfPath(IMAGE_PATHS[0]);
    const exp = Math.floor(Date.now() / 1000) - 60;
    expect(await errorOf(mediaLinkFor(ref, pool[0].id, exp))).toEqual({ status: 403, code: 'media_link_expired' });
  });

  test('a validly signed link outside the allowed upstream paths/hosts → 400 invalid_media_path (no open relay)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const refs = [
      mediaRefOfPath('/etc/passwd'),
      mediaRefOfPath('/users/../etc/passwd'),
      mediaRefOfPath('/rest/app-chat/conversations/new'),
      mediaRefOfUrl('https://evil.example.com/x.jpg'),
      mediaRefOfUrl(`${FAKE.replace('127.0.0.1', 'localhost')}/users/x/y.jpg`),
      mediaRefOfUrl('ftp://assets.grok.com/x.jpg'),
    ];
    for (const ref of refs) {
      expect(await errorOf(mediaLinkFor(ref, pool[0].id, exp)), Buffer.from(ref.slice(2), 'base64url').toString()).toEqual({
        status: 400,
        code: 'invalid_media_path',
      });
    }
    expect((await fake.calls()).filter((c) => !c.path.startsWith('/__fake'))).toEqual([]);
  });

  test('a link whose account was deleted → 404 media_owner_gone (unless already cached)', async () => {
    const link = await imageLink();
    await gateway.deleteAllTokens();
    expect(await errorOf(link)).toEqual({ status: 404, code: 'media_owner_gone' });
  });

  test('Range on a video: 206 passthrough on a miss (not cached), 206 from the cache after a full fetch', async () => {
    const ref = mediaRefOfPath(VIDEO_PATH);
    const link = mediaLinkFor(ref, pool[0].id, Math.floor(Date.now() / 1000) + 3600);
    const full = await fakeAsset(VIDEO_PATH, pool[0].raw);

    const partialMiss = await get(link, { range: 'bytes=0-99' });
    expect(partialMiss.res.status).toBe(206);
    expect(partialMiss.res.headers.get('x-cache')).toBe('MISS');
    expect(partialMiss.res.headers.get('content-range')).toBe(`bytes 0-99/${full.length}`);
    expect(partialMiss.bytes.equals(full.subarray(0, 100))).toBe(true);
    // The Range header went upstream (the other call to the path is this test's own download).
    const ranged = (await fake.calls()).filter((c) => c.path === VIDEO_PATH && c.headers.range);
    expect(ranged.map((c) => c.headers.range)).toEqual(['bytes=0-99']);
    await sleep(300);
    expect((await get(link)).res.headers.get('x-cache')).toBe('MISS'); // the range answer was not cached

    await untilCached(link);
    const partialHit = await get(link, { range: 'bytes=0-99' });
    expect(partialHit.res.status).toBe(206);
    expect(partialHit.res.headers.get('x-cache')).toBe('HIT');
    expect(partialHit.res.headers.get('content-range')).toBe(`bytes 0-99/${full.length}`);
    expect(partialHit.res.headers.get('content-type')).toBe('video/mp4');
    expect(partialHit.bytes.equals(full.subarray(0, 100))).toBe(true);
    const tail = await get(link, { range: 'bytes=-10' });
    expect(tail.res.status).toBe(206);
    expect(tail.bytes.equals(full.subarray(full.length - 10))).toBe(true);
    expect((await get(link, { range: `bytes=${full.length + 10}-` })).res.status).toBe(416);
  });
});

/** POSTs with headers fetch would not let us choose (Host), straight to the gateway's socket. */
function postWithHost(path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const url = new URL(path, GATEWAY);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test.describe('media links follow the address the client called', () => {
  const generate = async (headers: Record<string, string> = {}) => {
    const r = await postWithHost('/v1/images/generations', { model: 'grok-imagine-1.0', prompt: 'a red fox', n: 1 }, headers);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return new URL(r.json.data[0].url as string);
  };

  test('the Host the client used (127.0.0.1, a LAN address), not the local server’s rewrite', async () => {
    expect((await generate()).origin).toBe(GATEWAY);
    const lan = await generate({ host: `192.168.77.5:${new URL(GATEWAY).port}` });
    expect(lan.origin).toBe(`http://192.168.77.5:${new URL(GATEWAY).port}`);
  });

  test('X-Forwarded-Host/-Proto count only once the operator trusts a proxy', async () => {
    const forwarded = { 'x-forwarded-host': 'grok.example.com', 'x-forwarded-proto': 'https' };
    expect((await generate(forwarded)).origin).toBe(GATEWAY);
    await gateway.setSettings({ trust_proxy_headers: true });
    expect((await generate(forwarded)).origin).toBe('https://grok.example.com');
  });

  test('public_base_url overrides both, and a link on it still verifies on the gateway', async () => {
    await gateway.setSettings({ public_base_url: 'https://cdn.example.com/g2a', trust_proxy_headers: true });
    const link = await generate({ 'x-forwarded-host': 'grok.example.com' });
    expect(link.href.startsWith('https://cdn.example.com/g2a/images/')).toBe(true);
    const onGateway = `${GATEWAY}${link.pathname.replace(/^\/g2a/, '')}${link.search}`;
    const res = await rawGet(onGateway);
    expect(res.status).toBe(200);
    expect(isJpeg(Buffer.from(await res.arrayBuffer()))).toBe(true);
  });

  test('a public_base_url that is not an http(s) URL is refused with the field named', async () => {
    const r = await gateway.call('PUT', '/api/admin/settings', { public_base_url: 'javascript:alert(1)' });
    expect(r.status).toBe(400);
    expect(r.json.fieldErrors).toHaveProperty('public_base_url');
  });
});

test.describe('media cache admin', () => {
  test('GET lists usage and items; preview serves the bytes; DELETE one → next fetch is a MISS; DELETE all → empty', async () => {
    const link = await imageLink();
    const first = await get(link);
    expect(first.res.headers.get('x-cache')).toBe('MISS');
    await untilCached(link);
    const videoLink = mediaLinkFor(mediaRefOfPath(VIDEO_PATH), pool[0].id, Math.floor(Date.now() / 1000) + 3600);
    await get(videoLink);
    await untilCached(videoLink);

    const ref = parseMediaLink(link).ref;
    const listed = await gateway.call('GET', '/api/admin/cache');
    expect(listed.status).toBe(200);
    const video = await fakeAsset(VIDEO_PATH, pool[0].raw);
    expect(listed.json).toMatchObject({
      count: 2,
      bytes: first.bytes.length + video.length,
      byType: { image: { count: 1, bytes: first.bytes.length }, video: { count: 1, bytes: video.length } },
      truncated: false,
      cursor: null,
    });
    const item = listed.json.items.find((i: any) => i.type === 'image');
    expect(item).toMatchObject({ key: `media/image/${ref}`, contentType: 'image/jpeg', size: first.bytes.length, type: 'image' });
    expect(item.cachedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(item.expiration).toBeGreaterThan(Date.now() / 1000);
    expect(item.preview).toBe(`/api/admin/cache/${encodeURIComponent(item.key)}`);

    const onlyVideos = await gateway.call('GET', '/api/admin/cache?type=video');
    expect(onlyVideos.json.items.map((i: any) => i.type)).toEqual(['video']);

    const preview = await gateway.fetch(item.preview);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await preview.arrayBuffer()).equals(first.bytes)).toBe(true);
    expect((await gateway.fetch(item.preview, { auth: false })).status).toBe(401);

    const removed = await gateway.call('DELETE', item.preview);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.json).toEqual({ ok: true });
    expect((await gateway.call('DELETE', item.preview)).status).toBe(404);
    const after = await gateway.call('GET', '/api/admin/cache');
    expect(after.json).toMatchObject({ count: 1, byType: { image: { count: 0, bytes: 0 }, video: { count: 1 } } });
    expect((await get(link)).res.headers.get('x-cache')).toBe('MISS');

    await untilCached(link);
    const purged = await gateway.call('DELETE', '/api/admin/cache');
    expect(purged.status).toBe(200);
    expect(purged.json).toEqual({ ok: true, deleted: 2 });
    const empty = await gateway.call('GET', '/api/admin/cache');
    expect(empty.json).toMatchObject({ count: 0, bytes: 0, items: [] });
    expect((await get(link)).res.headers.get('x-cache')).toBe('MISS');
  });
});
