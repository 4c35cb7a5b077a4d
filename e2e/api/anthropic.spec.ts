/** The Anthropic Messages API (`POST /v1/messages`, `/v1/messages/count_tokens`) through `@anthropic-ai/sdk`. */
import Anthropic, { APIError as AnthropicAPIError, AuthenticationError } from '@anthropic-ai/sdk';
import { expect, test } from '@playwright/test';
import {
  GATEWAY,
  PLAIN_TEXT,
  THINKING_ANSWER,
  THINKING_LATE_TOKEN,
  THINKING_REASONING,
  fake,
  freshState,
  gateway,
  parseSseEvents,
  rawPost,
  say,
  type CreatedKey,
} from './helpers';

let key: CreatedKey;
let client: Anthropic;

const anthropic = (apiKey: string, opts: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) =>
  new Anthropic({ apiKey, baseURL: GATEWAY, maxRetries: 0, ...opts });

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-anthropic' });
  client = anthropic(key.key);
});

test.beforeEach(async () => {
  await freshState(1);
});

const WEATHER = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};
const block = (name: string, args: unknown) => `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;
const user = (text: string) => [{ role: 'user' as const, content: text }];

test.describe('messages', () => {
  test('a Claude Code 2.x body: system blocks, system items among the turns, unknown top-level fields, many tools', async () => {
    const tools = Array.from({ length: 24 }, (_, i) => ({ ...WEATHER, name: `tool_${i}` }));
    const body = {
      model: 'grok-4',
      max_tokens: 32000,
      stream: true,
      system: [
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Work in /repo.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'system', content: 'Reminder: be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Say hello in French.' }] },
      ],
      tools,
      thinking: { type: 'adaptive' },
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      output_config: { effort: 'medium' },
      metadata: { user_id: 'user_abc_account__session_123' },
    };
    // The SDK's types do not know the newest fields; the wire is what matters.
    const msg = await client.messages.stream(body as unknown as Parameters<typeof client.messages.stream>[0]).finalMessage();
    expect(msg.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('')).toBe(PLAIN_TEXT);
    expect(msg.stop_reason).toBe('end_turn');
    const [call] = await fake.conversations();
    // System text in order (top-level blocks, then the system items), before the turns.
    const message = String(call.body.message);
    expect(message.indexOf('You are Claude Code.')).toBeGreaterThan(-1);
    expect(message.indexOf('You are Claude Code.')).toBeLessThan(message.indexOf('Work in /repo.'));
    expect(message.indexOf('Work in /repo.')).toBeLessThan(message.indexOf('Reminder: be brief.'));
    expect(message.indexOf('Reminder: be brief.')).toBeLessThan(message.indexOf('user: Hi'));
    expect(message).toContain('tool_23');
  });

  test('create: one text block with the answer, stop_reason end_turn, usage', async () => {
    const msg = await client.messages.create({ model: 'grok-4', max_tokens: 100, messages: user('Say hello in French.') });
    expect(msg.type).toBe('message');
    expect(msg.role).toBe('assistant');
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.model).toBe('grok-4');
    expect(msg.content).toEqual([{ type: 'text', text: PLAIN_TEXT }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  test('system prompt and earlier turns are flattened into the upstream message', async () => {
    await client.messages.create({
      model: 'grok-4',
      max_tokens: 100,
      system: 'Be brief',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
      ],
    });
    const [call] = await fake.conversations();
    expect(call.body.message).toBe('system: Be brief\n\nuser: Hi\n\nassistant: Hello!\n\nAnd now?');
  });

  test('stream().finalMessage() with thinking: a thinking block, then a text block', async () => {
    const stream = client.messages.stream({ model: 'grok-4.1-thinking', max_tokens: 1000, messages: user('Sum 1..10 #scenario:thinking') });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const msg = await stream.finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect((msg.content[0] as { thinking: string }).thinking).toBe(THINKING_REASONING);
    expect((msg.content[1] as { text: string }).text).toBe(THINKING_ANSWER);
    expect(texts.join('')).toBe(THINKING_ANSWER);
    expect(msg.stop_reason).toBe('end_turn');
    expect(JSON.stringify(msg)).not.toContain(THINKING_LATE_TOKEN);
  });

  test('thinking {type: disabled}: no thinking block', async () => {
    const msg = await client.messages.create({
      model: 'grok-4.1-thinking',
      max_tokens: 1000,
      thinking: { type: 'disabled' },
      messages: user('Sum 1..10 #scenario:thinking'),
    });
    expect(msg.content).toEqual([{ type: 'text', text: THINKING_ANSWER }]);
  });

  test('tools: a tool_use block (name, input object) and stop_reason tool_use, stream and non-stream', async () => {
    const ask = {
      model: 'grok-4',
      max_tokens: 500,
      tools: [WEATHER],
      messages: user(`Weather in Paris? ${say(`Checking.\n${block('get_weather', { city: 'Paris' })}`)}`),
    };
    for (const msg of [await client.messages.stream(ask).finalMessage(), await client.messages.create(ask)]) {
      expect(msg.stop_reason).toBe('tool_use');
      expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
      expect(msg.content[0]).toEqual({ type: 'text', text: 'Checking.\n' });
      const use = msg.content[1] as { id: string; name: string; input: unknown };
      expect(use.id).toMatch(/^toolu_/);
      expect(use.name).toBe('get_weather');
      expect(use.input).toEqual({ city: 'Paris' });
    }
    const calls = await fake.conversations();
    expect(calls[0].body.message).toContain('- get_weather: Current weather for a city');
  });

  test('tool_use + tool_result history round trip reaches upstream', async () => {
    const msg = await client.messages.create({
      model: 'grok-4',
      max_tokens: 500,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: `Weather in Paris? ${say('It is 21 degrees.')}` },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01abc', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01abc', content: '{"temperature_c":21}' }] },
      ],
    });
    expect(msg.content).toEqual([{ type: 'text', text: 'It is 21 degrees.' }]);
    expect(msg.stop_reason).toBe('end_turn');
    const [call] = await fake.conversations();
    expect(call.body.message).toContain('assistant: <tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
    expect(call.body.message).toContain('tool result #toolu_01abc: {"temperature_c":21}');
  });

  test('raw SSE: message_start … message_stop, typed events, no [DONE]', async () => {
    const res = await rawPost('/v1/messages', key.key, { model: 'grok-4', max_tokens: 100, stream: true, messages: user('hi') });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain('[DONE]');
    const events = parseSseEvents(body);
    for (const e of events) expect(e.event).toBe(e.json.type);
    const types = events.map((e) => e.json.type);
    expect(types[0]).toBe('message_start');
    expect(types[types.length - 1]).toBe('message_stop');
    expect(types[types.length - 2]).toBe('message_delta');
    expect(events[types.length - 2].json.delta.stop_reason).toBe('end_turn');
    const text = events.filter((e) => e.json.type === 'content_block_delta').map((e) => e.json.delta.text).join('');
    expect(text).toBe(PLAIN_TEXT);
  });
});

test.describe('authentication and errors', () => {
  test('x-api-key and Authorization: Bearer are both accepted', async () => {
    const body = { model: 'grok-4', max_tokens: 100, messages: user('hi') };
    const viaHeader = await fetch(`${GATEWAY}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key.key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });
    expect(viaHeader.status).toBe(200);
    expect(((await viaHeader.json()) as any).content).toEqual([{ type: 'text', text: PLAIN_TEXT }]);
    const viaBearer = await rawPost('/v1/messages', key.key, body);
    expect(viaBearer.status).toBe(200);

    // The SDK with the key in x-api-key (as Claude Code sends it).
    const sdk = anthropic(null as unknown as string, { authToken: null, defaultHeaders: { 'x-api-key': key.key } });
    const msg = await sdk.messages.create(body);
    expect(msg.content).toEqual([{ type: 'text', text: PLAIN_TEXT }]);
  });

  test('a bad key → AuthenticationError (401, Anthropic error shape)', async () => {
    let caught: unknown;
    try {
      await anthropic('sk-g2a-not-a-real-key').messages.create({ model: 'grok-4', max_tokens: 100, messages: user('hi') });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AuthenticationError);
    const err = caught as AnthropicAPIError;
    expect(err.status).toBe(401);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
    expect(await fake.calls()).toEqual([]);
  });

  test('missing max_tokens → 400 invalid_request_error in the Anthropic shape', async () => {
    const res = await rawPost('/v1/messages', key.key, { model: 'grok-4', messages: user('hi') });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    expect(await fake.calls()).toEqual([]);
  });

  test('count_tokens → {input_tokens > 0}, more for a longer prompt', async () => {
    const short = await client.messages.countTokens({ model: 'grok-4', messages: user('hi') });
    expect(short.input_tokens).toBeGreaterThan(0);
    const long = await client.messages.countTokens({ model: 'grok-4', system: 'Be brief', tools: [WEATHER], messages: user('hi '.repeat(200)) });
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens);
    expect(await fake.calls()).toEqual([]);
  });
});

// Last: it changes settings (each change costs a settings-cache wait).
test.describe('model aliases', () => {
  test('model alias: a Claude model name mapped by model_aliases works and is echoed back', async () => {
    await gateway.setSettings({ model_aliases: { 'claude-sonnet-4-5': 'grok-4' } });
    const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: user('hi #scenario:echo') });
    expect(msg.model).toBe('claude-sonnet-4-5');
    const [call] = await fake.conversations();
    expect(call.body.modelName).toBe('grok-4');
    expect(call.body.modelMode).toBe('MODEL_MODE_GROK_4');
  });
});
