/**
 * The model catalog through the official `openai` client: the newest reference's ids (spec §4.5) beside the
 * original project's, what each one asks upstream for under every profile, the ssoSuper tier and heavy bucket,
 * and the media ids on the image, edit and video paths of their grok-imagine-1.0 equivalents.
 *
 * Groups run A, C, then the default profile B, so the file ends on default settings like the next spec starts.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import {
  FAKE,
  PLAIN_TEXT,
  TINY_PNG,
  UPLOAD_PATH,
  CONVERSATION_PATH,
  apiError,
  collect,
  fake,
  fakeFileId,
  freshState,
  gateway,
  parseMediaLink,
  userMessage,
  type PoolToken,
} from './helpers';

/** The new chat ids (spec §4.5) and what the catalog maps them to (lib/catalog/models.ts). */
const CHAT_IDS = [
  { id: 'grok-chat-fast', mode: 'fast', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_FAST'], tier: 'basic' },
  { id: 'grok-chat-auto', mode: 'auto', a: ['grok-4', 'MODEL_MODE_AUTO'], tier: 'super' },
  { id: 'grok-chat-expert', mode: 'expert', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_EXPERT'], tier: 'super' },
  { id: 'grok-chat-heavy', mode: 'heavy', a: ['grok-4', 'MODEL_MODE_HEAVY'], tier: 'super' },
] as const;
const NEW_MEDIA_IDS = {
  'grok-imagine-image-lite': 'image',
  'grok-imagine-image': 'image',
  'grok-imagine-image-2.0': 'image',
  'grok-imagine-image-edit': 'image_edit',
  'grok-imagine-video': 'video',
} as const;
/** The ids the original project offered (README table, spec §4.1/§4.6). */
const ORIGINAL_IDS = [
  'grok-3',
  'grok-3-fast',
  'grok-3-mini',
  'grok-3-thinking',
  'grok-4',
  'grok-4-mini',
  'grok-4-fast',
  'grok-4-thinking',
  'grok-4-expert',
  'grok-4-heavy',
  'grok-4.1',
  'grok-4.1-mini',
  'grok-4.1-fast',
  'grok-4.1-expert',
  'grok-4.1-thinking',
  'grok-4.20-beta',
  'grok-imagine-1.0',
  'grok-imagine-1.0-edit',
  'grok-imagine-1.0-video',
];
const FIXTURE_IMAGES = [1, 2].map((i) => `/users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/a1b2c3d4-1111-4aaa-8bbb-00000000000${i}/image.jpg`);
const PROMPT = 'a red fox in snow, watercolor';

let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  client = (await gateway.createKey({ name: 'e2e-catalog' })).client;
});

/** An ssoSuper-only pool: it serves every tier (basic models fall back to ssoSuper). */
async function superPool(settings: Record<string, unknown> = {}): Promise<PoolToken[]> {
  await freshState(1, settings);
  return gateway.resetPool(1, 'ssoSuper');
}

test.describe('profile A: the new chat ids send their modelName + modelMode', () => {
  test.beforeAll(async () => {
    pool = await superPool({ upstream_profile: 'A' });
  });
  test.beforeEach(async () => {
    await fake.reset();
  });

  for (const m of CHAT_IDS) {
    test(`${m.id} → ${m.a.join(' / ')}`, async () => {
      const got = await collect(await client.chat.completions.create({ model: m.id, messages: userMessage('Say hello in French.'), stream: true }));
      expect(got.error).toBeUndefined();
      expect(got.content).toBe(PLAIN_TEXT);
      const [call] = await fake.conversations();
      expect(call.token).toBe(pool[0].raw);
      expect(call.body).toMatchObject({ modelName: m.a[0], modelMode: m.a[1], responseMetadata: { requestModelDetails: { modelId: m.a[0] } } });
      expect(call.body).not.toHaveProperty('modeId');
    });
  }
});

test.describe('profile C: the new chat ids open a chat-gateway session with their mode', () => {
  test.beforeAll(async () => {
    pool = await superPool({ upstream_profile: 'C' });
  });
  test.beforeEach(async () => {
    await fake.reset();
  });

  for (const m of CHAT_IDS) {
    test(`${m.id} → session model ${m.mode}`, async () => {
      const got = await collect(await client.chat.completions.create({ model: m.id, messages: userMessage('Say hello in French.'), stream: true }));
      expect(got.error).toBeUndefined();
      expect(got.content).toBe(PLAIN_TEXT);
      const [session] = await fake.mgw();
      expect(session.status).toBe(101);
      expect(session.model).toBe(m.mode);
      expect(session.messages[0].event).toMatchObject({ type: 'session.create', session: { model: m.mode } });
      expect(session.responses).toHaveLength(1);
      expect(session.responses![0]).toMatchObject({ model: m.mode, quota: 'ok' });
      expect(await fake.conversations()).toEqual([]);
    });
  }

  test('grok-imagine-video stays on REST under profile C, like grok-imagine-1.0-video', async () => {
    const got = await collect(await client.chat.completions.create({ model: 'grok-imagine-video', messages: userMessage('a paper boat'), stream: true }));
    expect(got.error).toBeUndefined();
    expect(got.content).toMatch(/<video src="[^"]+"/);
    expect(await fake.mgw()).toEqual([]);
    expect(await fake.conversations()).toHaveLength(1);
  });
});

// Default settings (profile B) from here on.
test.describe('models list', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  test('models.list() has every original id and every new one, each once, with its kind and tier', async () => {
    const page = await client.models.list();
    const byId = new Map(page.data.map((m) => [m.id, m as typeof m & { capability?: string; tier?: string }]));
    expect(byId.size).toBe(page.data.length);
    for (const id of ORIGINAL_IDS) expect(byId.has(id), id).toBe(true);
    for (const m of CHAT_IDS) expect(byId.get(m.id), m.id).toMatchObject({ object: 'model', owned_by: 'x-ai', capability: 'chat', tier: m.tier });
    for (const [id, kind] of Object.entries(NEW_MEDIA_IDS)) expect(byId.get(id), id).toMatchObject({ object: 'model', capability: kind, tier: 'basic' });
    expect(byId.get('grok-4-heavy')).toMatchObject({ capability: 'chat', tier: 'super' });
  });

  test('a key limited to new ids lists and uses only those', async () => {
    const limited = await gateway.createKey({ name: 'e2e-catalog-limited', models: ['grok-chat-fast', 'grok-imagine-image'] });
    const ids = (await limited.client.models.list()).data.map((m) => m.id);
    expect(ids.sort()).toEqual(['grok-chat-fast', 'grok-imagine-image']);
    const res = await limited.client.chat.completions.create({ model: 'grok-chat-fast', messages: userMessage('Say hello in French.') });
    expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
    const err = await apiError(limited.client.chat.completions.create({ model: 'grok-4', messages: userMessage('hi') }));
    expect(err.status).toBe(403);
  });
});

test.describe('profile B (default): the new chat ids send their modeId', () => {
  test.beforeAll(async () => {
    pool = await superPool();
  });
  test.beforeEach(async () => {
    await fake.reset();
  });

  for (const m of CHAT_IDS) {
    test(`${m.id} streams an answer; upstream gets modeId ${m.mode} and no Profile A fields`, async () => {
      const got = await collect(await client.chat.completions.create({ model: m.id, messages: userMessage('Say hello in French.'), stream: true }));
      expect(got.error).toBeUndefined();
      expect(got.chunks[0].choices[0].delta.role).toBe('assistant');
      expect(got.content).toBe(PLAIN_TEXT);
      expect(got.chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
      for (const c of got.chunks) expect(c.model).toBe(m.id);
      const calls = await fake.conversations();
      expect(calls).toHaveLength(1);
      expect(calls[0].token).toBe(pool[0].raw);
      expect(calls[0].body.modeId).toBe(m.mode);
      for (const key of ['modelName', 'modelMode']) expect(calls[0].body, key).not.toHaveProperty(key);
    });
  }
});

test.describe('tiers', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  test('grok-chat-fast (basic) is served by a plain sso account', async () => {
    const res = await client.chat.completions.create({ model: 'grok-chat-fast', messages: userMessage('Say hello in French.') });
    expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
    const [call] = await fake.conversations();
    expect(call.token).toBe(pool[0].raw);
  });

  test('auto, expert and heavy need an ssoSuper account: refused exactly like grok-4-heavy, nothing sent upstream', async () => {
    const reference = await apiError(client.chat.completions.create({ model: 'grok-4-heavy', messages: userMessage('hi') }));
    expect(reference.status).toBe(503);
    expect(reference.code).toBe('no_available_token');
    expect(reference.message).toContain('ssoSuper');
    for (const id of ['grok-chat-auto', 'grok-chat-expert', 'grok-chat-heavy']) {
      const err = await apiError(client.chat.completions.create({ model: id, messages: userMessage('hi'), stream: true }));
      expect({ status: err.status, code: err.code, type: err.type, message: err.message }, id).toEqual({
        status: reference.status,
        code: reference.code,
        type: reference.type,
        message: reference.message,
      });
    }
    expect(await fake.calls()).toEqual([]);
  });

  for (const id of ['grok-4-heavy', 'grok-chat-heavy']) {
    test(`${id} on an ssoSuper account draws from the heavy bucket (mode heavy, 4 units upstream)`, async () => {
      pool = await gateway.resetPool(1, 'ssoSuper');
      const res = await client.chat.completions.create({ model: id, messages: userMessage('Say hello in French.') });
      expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
      const [call] = await fake.conversations();
      expect(call.body.modeId).toBe('heavy');
      // The background quota sync after the answer reads the heavy counter into the heavy bucket only
      // (the fake's default window is 80; a heavy call costs 4).
      await expect.poll(async () => (await gateway.token(pool[0].id)).heavyRemainingQueries, { timeout: 5_000 }).toBe(76);
      expect((await gateway.token(pool[0].id)).remainingQueries).toBe(-1);
      const sync = (await fake.calls('/rest/rate-limits')).map((c) => c.body);
      expect(sync).toEqual([{ modelName: 'heavy' }]);
    });
  }
});

test.describe('media ids', () => {
  test.beforeEach(async () => {
    pool = await freshState(2);
  });

  test('grok-imagine-image-lite: images from a chat conversation ("Image Generation:", mode fast), never the WebSocket', async () => {
    const res = await client.images.generate({ model: 'grok-imagine-image-lite', prompt: PROMPT, n: 2 });
    expect(res.data).toHaveLength(2);
    expect(res.data!.map((d) => parseMediaLink(d.url!).target).sort()).toEqual([...FIXTURE_IMAGES].sort());
    const [conv] = await fake.conversations();
    expect(conv.body).toMatchObject({ message: `Image Generation: ${PROMPT}`, modeId: 'fast', imageGenerationCount: 2 });
    expect(await fake.imagine()).toEqual([]);
  });

  for (const [id, pro] of [
    ['grok-imagine-image', false],
    ['grok-imagine-image-2.0', true],
  ] as const) {
    test(`${id}: images from the Imagine WebSocket with enable_pro ${pro} (whatever image_generation_method says)`, async () => {
      const res = await client.images.generate({ model: id, prompt: PROMPT, n: 2, size: '1024x1024' });
      expect(res.data).toHaveLength(2);
      const [ws] = await fake.imagine();
      expect(ws.status).toBe(101);
      expect(ws.rounds).toHaveLength(1);
      expect(ws.rounds![0]).toMatchObject({ aspectRatio: '1:1', numGenerations: 2 });
      const request = ws.messages.find((m) => m?.item?.content?.[0]?.type === 'input_text');
      expect(request.item.content[0].text).toBe(PROMPT);
      expect(request.item.content[0].properties.enable_pro).toBe(pro);
      const targets = res.data!.map((d) => parseMediaLink(d.url!).target).sort();
      expect(targets).toEqual(ws.rounds![0].imageIds.map((i) => `${FAKE}/imagine-public/images/${i}.jpg`).sort());
      expect(await fake.conversations()).toEqual([]);
    });
  }

  test('grok-imagine-image-edit: the edits path of grok-imagine-1.0-edit (upload, then an "Image Edit:" conversation)', async () => {
    const res = await client.images.edit({ model: 'grok-imagine-image-edit', prompt: 'make it snow', image: await toFile(TINY_PNG, 'one.png', { type: 'image/png' }) });
    expect(res.data).toHaveLength(1);
    expect(FIXTURE_IMAGES).toContain(parseMediaLink(res.data![0].url!).target);
    const calls = (await fake.calls()).filter((c) => c.path === UPLOAD_PATH || c.path === CONVERSATION_PATH);
    expect(calls.map((c) => c.path)).toEqual([UPLOAD_PATH, CONVERSATION_PATH]);
    expect(calls[1].body).toMatchObject({ message: 'Image Edit: make it snow', modelName: 'imagine-image-edit', fileAttachments: [fakeFileId(TINY_PNG)] });
  });

  test('grok-imagine-video: a video through chat completions (media post, then the imagine-video-gen conversation)', async () => {
    const got = await collect(await client.chat.completions.create({ model: 'grok-imagine-video', messages: userMessage('a paper boat'), stream: true }));
    expect(got.error).toBeUndefined();
    expect(got.content).toMatch(/<video src="[^"]+"/);
    expect(await fake.calls('/rest/media/post/create')).toHaveLength(1);
    const [conv] = await fake.conversations();
    expect(conv.body).toMatchObject({ modelName: 'imagine-video-gen', toolOverrides: { videoGen: true } });
  });

  test('the new media ids are refused on the other endpoints, like the old ones', async () => {
    const onChatImages = await apiError(client.images.generate({ model: 'grok-imagine-video', prompt: PROMPT }));
    expect(onChatImages.status).toBe(400);
    expect(onChatImages.code).toBe('model_not_supported');
    const editInChat = await apiError(client.chat.completions.create({ model: 'grok-imagine-image-edit', messages: userMessage('hi') }));
    expect(editInChat.status).toBe(400);
    expect(editInChat.code).toBe('model_not_supported');
    expect(await fake.calls()).toEqual([]);
  });
});
