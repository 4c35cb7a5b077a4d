/**
 * Chat completions through the official `openai` client: text, thinking, usage, citations, images, upstream bodies.
 *
 * The behaviour specs run once per upstream profile (A, B: REST conversation; C: chat-gateway WebSocket) with
 * the same expectations. Profile-specific upstream bodies are checked separately ("upstream request").
 * Tests are grouped so that the settings change as rarely as possible: each change costs a wait for the
 * gateway's settings cache (see `gateway.setSettings`).
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import {
  PLAIN_TEXT,
  THINKING_ANSWER,
  THINKING_LATE_TOKEN,
  TINY_PNG,
  apiError,
  collect,
  echoed,
  fake,
  fakeFileId,
  freshState,
  gateway,
  sha256Hex,
  thinkingReasoning,
  tokenOfCall,
  userMessage,
  type PoolToken,
  type Profile,
} from './helpers';

let client: OpenAI;
let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
  client = (await gateway.createKey({ name: 'e2e-chat' })).client;
});

// First: its settings (profile A) are those of the first profile group below.
test.describe('upstream request, profile A', () => {
  test.beforeEach(async () => {
    pool = await freshState(1, { upstream_profile: 'A' });
  });

  const echoAsk = { model: 'grok-4.1-thinking', messages: userMessage('Which model? #scenario:echo') };

  test('profile A selects the model with modelName + modelMode', async () => {
    const res = await client.chat.completions.create(echoAsk);
    const [call] = await fake.conversations();
    expect(call.body.modelName).toBe('grok-4-1-thinking-1129');
    expect(call.body.modelMode).toBe('MODEL_MODE_GROK_4_1_THINKING');
    expect(call.body).not.toHaveProperty('modeId');
    const echoed = JSON.parse(res.choices[0].message.content!);
    expect(echoed).toMatchObject({ modelName: 'grok-4-1-thinking-1129', modelMode: 'MODEL_MODE_GROK_4_1_THINKING' });
    expect(echoed).not.toHaveProperty('modeId');
  });
});

// Every profile (PROFILES), ordered A, C, B so that the file ends on the default profile like the next spec starts.
for (const profile of ['A', 'C', 'B'] as const satisfies readonly Profile[]) {
  const THINKING_REASONING = thinkingReasoning(profile);
  const thinkingAsk = { model: 'grok-4.1-thinking', messages: userMessage('What is the sum of 1 to 10? #scenario:thinking') };

  test.describe(`profile ${profile}`, () => {
    const defaultSettings = () => {
      test.describe('default settings', () => {
        test.beforeEach(async () => {
          pool = await freshState(1, { upstream_profile: profile });
        });

        test.describe('plain text', () => {
          test('non-stream answer', async () => {
            const res = await client.chat.completions.create({ model: 'grok-4', messages: userMessage('Say hello in French. #scenario:plain') });
            expect(res.object).toBe('chat.completion');
            expect(res.model).toBe('grok-4');
            expect(res.id).toMatch(/^chatcmpl-/);
            expect(res.choices).toHaveLength(1);
            expect(res.choices[0].message.role).toBe('assistant');
            expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
            expect(res.choices[0].finish_reason).toBe('stop');
            expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
            expect(res.usage!.completion_tokens).toBeGreaterThan(0);
            expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
            const chats = await fake.chats();
            expect(chats).toHaveLength(1);
            expect(chats[0].token).toBe(pool[0].raw);
            expect(chats[0].via).toBe(profile === 'C' ? 'mgw' : 'rest');
          });

          test('stream answer: role first, deltas concatenate to the text, stop last, no usage', async () => {
            const stream = await client.chat.completions.create({ model: 'grok-4', messages: userMessage('Say hello in French.'), stream: true });
            const got = await collect(stream);
            expect(got.error).toBeUndefined();
            expect(got.chunks.length).toBeGreaterThan(2);
            expect(got.chunks[0].choices[0].delta.role).toBe('assistant');
            expect(got.content).toBe(PLAIN_TEXT);
            const last = got.chunks[got.chunks.length - 1];
            expect(last.choices[0].finish_reason).toBe('stop');
            for (const c of got.chunks.slice(0, -1)) expect(c.choices[0].finish_reason).toBeNull();
            for (const c of got.chunks) {
              expect(c.object).toBe('chat.completion.chunk');
              expect(c.id).toBe(got.chunks[0].id);
              expect(c.model).toBe('grok-4');
              expect(c.usage ?? undefined).toBeUndefined();
            }
          });

          test('chat.completions.stream(...).finalChatCompletion()', async () => {
            const runner = client.chat.completions.stream({ model: 'grok-4', messages: userMessage('Say hello in French. #scenario:plain') });
            const deltas: string[] = [];
            runner.on('content', (delta) => deltas.push(delta));
            const final = await runner.finalChatCompletion();
            expect(final.choices[0].message.content).toBe(PLAIN_TEXT);
            expect(final.choices[0].finish_reason).toBe('stop');
            expect(deltas.join('')).toBe(PLAIN_TEXT);
          });

          test('stream_options.include_usage adds a final usage-only chunk', async () => {
            const stream = await client.chat.completions.create({
              model: 'grok-4',
              messages: userMessage('Say hello in French. #scenario:plain'),
              stream: true,
              stream_options: { include_usage: true },
            });
            const got = await collect(stream);
            expect(got.error).toBeUndefined();
            expect(got.content).toBe(PLAIN_TEXT);
            const last = got.chunks[got.chunks.length - 1];
            expect(last.choices).toEqual([]);
            expect(last.usage!.prompt_tokens).toBeGreaterThan(0);
            expect(last.usage!.completion_tokens).toBeGreaterThan(0);
            expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
            // Only the last chunk carries usage; the one before it ends the choice.
            for (const c of got.chunks.slice(0, -1)) expect(c.usage ?? undefined).toBeUndefined();
            expect(got.chunks[got.chunks.length - 2].choices[0].finish_reason).toBe('stop');
          });
        });

        test.describe('thinking', () => {
          test('reasoning_content (default): reasoning in its own field, stream and non-stream', async () => {
            const stream = await client.chat.completions.create({ ...thinkingAsk, stream: true });
            const got = await collect(stream);
            expect(got.error).toBeUndefined();
            expect(got.reasoning).toBe(THINKING_REASONING);
            expect(got.content).toBe(THINKING_ANSWER);
            expect(got.chunks[got.chunks.length - 1].choices[0].finish_reason).toBe('stop');
            expect(JSON.stringify(got.chunks)).not.toContain(THINKING_LATE_TOKEN);
            // Reasoning comes before any answer content.
            const firstContent = got.chunks.findIndex((c) => !!c.choices[0]?.delta.content);
            const lastReasoning = got.chunks.map((c) => !!(c.choices[0]?.delta as { reasoning_content?: string }).reasoning_content).lastIndexOf(true);
            expect(lastReasoning).toBeLessThan(firstContent);

            const res = await client.chat.completions.create(thinkingAsk);
            const message = res.choices[0].message as typeof res.choices[0]['message'] & { reasoning_content?: string };
            expect(message.content).toBe(THINKING_ANSWER);
            expect(message.reasoning_content).toBe(THINKING_REASONING);
            expect(JSON.stringify(res)).not.toContain(THINKING_LATE_TOKEN);
            expect(res.usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
          });
        });

        test.describe('citations', () => {
          const ask = { model: 'grok-4', messages: userMessage('Does Grok have an API? #scenario:search') };
          const EXPECTED = 'Grok has an API [[1]](https://example.com/a).';
          const citation = (url: string) => expect.objectContaining({ type: 'url_citation', url_citation: expect.objectContaining({ url }) });

          test('non-stream: inline link, url_citation annotations, no raw markup', async () => {
            const res = await client.chat.completions.create(ask);
            const message = res.choices[0].message;
            expect(message.content).toContain(' [[1]](https://example.com/a)');
            expect(message.content).toBe(EXPECTED);
            const raw = JSON.stringify(res);
            expect(raw).not.toContain('<grok:render');
            expect(raw).not.toContain('xai:tool_usage_card');
            expect(message.annotations).toEqual(expect.arrayContaining([citation('https://example.com/a'), citation('https://example.org/b')]));
            expect(message.annotations).toHaveLength(2);
          });

          test('stream: the finish chunk carries the annotations', async () => {
            const got = await collect(await client.chat.completions.create({ ...ask, stream: true }));
            expect(got.error).toBeUndefined();
            expect(got.content).toBe(EXPECTED);
            const raw = JSON.stringify(got.chunks);
            expect(raw).not.toContain('<grok:render');
            expect(raw).not.toContain('xai:tool_usage_card');
            const finish = got.chunks.find((c) => c.choices[0]?.finish_reason === 'stop');
            const annotations = (finish!.choices[0].delta as { annotations?: unknown[] }).annotations;
            expect(annotations).toEqual(expect.arrayContaining([citation('https://example.com/a'), citation('https://example.org/b')]));
          });
        });

        test.describe('image input', () => {
          test('a data URI image is uploaded once and attached to the conversation', async () => {
            const res = await client.chat.completions.create({
              model: 'grok-4',
              messages: [
                {
                  role: 'user',
                  content: [
                    { type: 'text', text: 'describe #scenario:echo' },
                    { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG.toString('base64')}` } },
                  ],
                },
              ],
            });
            const uploads = await fake.uploads();
            expect(uploads).toHaveLength(1);
            expect(uploads[0].status).toBe(200);
            expect(uploads[0].body).toMatchObject({ fileMimeType: 'image/png', contentBytes: TINY_PNG.length, contentSha256: sha256Hex(TINY_PNG) });
            const chats = await fake.chats();
            expect(chats).toHaveLength(1);
            expect(chats[0].fileAttachments).toEqual([fakeFileId(TINY_PNG)]);
            expect(chats[0].message).toBe('describe #scenario:echo');
            expect(uploads[0].token).toBe(chats[0].token);
            expect(tokenOfCall(pool, uploads[0]).id).toBe(pool[0].id);

            const answer = echoed(res.choices[0].message.content);
            expect(answer.fileAttachments).toEqual([fakeFileId(TINY_PNG)]);
            expect(answer.message).toBe('describe #scenario:echo');
          });

          test('an invalid data URI is a 400 invalid_request and reaches no upstream', async () => {
            const err = await apiError(
              client.chat.completions.create({
                model: 'grok-4',
                messages: [
                  {
                    role: 'user',
                    content: [
                      { type: 'text', text: 'describe #scenario:echo' },
                      { type: 'image_url', image_url: { url: 'data:image/png;base64,@@@' } },
                    ],
                  },
                ],
              }),
            );
            expect(err.status).toBe(400);
            expect(err.code).toBe('invalid_request');
            expect(err.param).toBe('messages');
            expect(await fake.calls()).toEqual([]);
          });
        });
      });
    };

    const thinkTags = () => {
      test.describe('thinking, reasoning_output think_tags', () => {
        test.beforeEach(async () => {
          pool = await freshState(1, { upstream_profile: profile, reasoning_output: 'think_tags' });
        });

        test('think_tags: reasoning inline in <think>…</think>', async () => {
          const expected = `<think>\n${THINKING_REASONING}\n</think>\n${THINKING_ANSWER}`;
          const got = await collect(await client.chat.completions.create({ ...thinkingAsk, stream: true }));
          expect(got.error).toBeUndefined();
          expect(got.content).toBe(expected);
          expect(got.reasoning).toBe('');
          expect(JSON.stringify(got.chunks)).not.toContain(THINKING_LATE_TOKEN);
          expect(JSON.stringify(got.chunks)).not.toContain('reasoning_content');

          const res = await client.chat.completions.create(thinkingAsk);
          expect(res.choices[0].message.content).toBe(expected);
          expect(res.choices[0].message).not.toHaveProperty('reasoning_content');
          expect(JSON.stringify(res)).not.toContain(THINKING_LATE_TOKEN);
        });
      });
    };

    const hiddenReasoning = () => {
      test.describe('thinking, reasoning_output hidden', () => {
        test.beforeEach(async () => {
          pool = await freshState(1, { upstream_profile: profile, reasoning_output: 'hidden' });
        });

        test('hidden: only the answer, no reasoning anywhere', async () => {
          const got = await collect(await client.chat.completions.create({ ...thinkingAsk, stream: true }));
          expect(got.error).toBeUndefined();
          expect(got.content).toBe(THINKING_ANSWER);
          const raw = JSON.stringify(got.chunks);
          expect(raw).not.toContain('reasoning_content');
          expect(raw).not.toContain('Thinking about your request');
          expect(raw).not.toContain('n(n+1)/2');
          expect(raw).not.toContain(THINKING_LATE_TOKEN);

          const res = await client.chat.completions.create(thinkingAsk);
          expect(res.choices[0].message.content).toBe(THINKING_ANSWER);
          const body = JSON.stringify(res);
          expect(body).not.toContain('reasoning_content');
          expect(body).not.toContain('Thinking about your request');
          expect(body).not.toContain(THINKING_LATE_TOKEN);
        });
      });
    };

    // B (the default profile) runs its default-settings group last, so the file ends on default settings.
    const groups = profile === 'B' ? [thinkTags, hiddenReasoning, defaultSettings] : [defaultSettings, thinkTags, hiddenReasoning];
    for (const group of groups) group();
  });
}

// Last: default settings.
test.describe('models', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  test('models.list() returns the catalog', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['grok-4', 'grok-4.1-thinking', 'grok-4-heavy', 'grok-3']));
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of page.data) expect(m).toMatchObject({ object: 'model', owned_by: expect.any(String) });
  });
});

test.describe('upstream request', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  const echoAsk = { model: 'grok-4.1-thinking', messages: userMessage('Which model? #scenario:echo') };

  test('profile B (default) selects the model with modeId', async () => {
    const res = await client.chat.completions.create(echoAsk);
    const [call] = await fake.conversations();
    expect(call.body.modeId).toBe('expert');
    expect(call.body).not.toHaveProperty('modelName');
    expect(call.body).not.toHaveProperty('modelMode');
    const echoed = JSON.parse(res.choices[0].message.content!);
    expect(echoed).toMatchObject({ modeId: 'expert', message: 'Which model? #scenario:echo', fileAttachments: [], temporary: true });
    expect(echoed).not.toHaveProperty('modelName');
  });

  test('system and multi-turn messages flatten into one upstream message', async () => {
    const expected = 'system: Be brief\n\nuser: Hi\n\nassistant: Hello!\n\nWhat is this? #scenario:echo';
    const res = await client.chat.completions.create({
      model: 'grok-4',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'What is this? #scenario:echo' },
      ],
    });
    const [call] = await fake.conversations();
    expect(call.body.message).toBe(expected);
    expect(JSON.parse(res.choices[0].message.content!).message).toBe(expected);
  });

  test('every conversation call carries fresh x-statsig-id and x-xai-request-id headers', async () => {
    await client.chat.completions.create({ model: 'grok-4', messages: userMessage('one') });
    await client.chat.completions.create({ model: 'grok-4', messages: userMessage('two') });
    const calls = await fake.conversations();
    expect(calls).toHaveLength(2);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    for (const c of calls) {
      expect(c.headers['x-statsig-id']).toMatch(/^\S+$/);
      expect(c.headers['x-xai-request-id']).toMatch(uuid);
      expect(c.headers.cookie).toContain(`sso=${pool[0].raw}`);
    }
    expect(calls[0].headers['x-xai-request-id']).not.toBe(calls[1].headers['x-xai-request-id']);
  });
});

test.describe('upstream framings (spec §5.1)', () => {
  test.beforeEach(async () => {
    pool = await freshState(1);
  });

  for (const framing of ['sse', 'concat'] as const) {
    test(`${framing}: the same answer as NDJSON, streamed and not, and the account stays healthy`, async () => {
      const ask = { model: 'grok-4', messages: userMessage(`Say hello in French. #scenario:${framing}`) };
      const res = await client.chat.completions.create(ask);
      expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
      const got = await collect(await client.chat.completions.create({ ...ask, stream: true }));
      expect(got.error).toBeUndefined();
      expect(got.content).toBe(PLAIN_TEXT);
      expect(got.chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
      const token = await gateway.token(pool[0].id);
      expect(token).toMatchObject({ status: 'active', failedCount: 0 });
    });
  }
});
