/**
 * Tool calling (emulated, lib/tools/): the gateway describes the tools in the prompt and parses
 * `<tool_call>{…}</tool_call>` blocks out of the answer. The fake answers arbitrary text with
 * `#scenario:say:<base64url>`, cut into ~8 frames at uneven positions, so blocks arrive split.
 */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  apiError,
  collect,
  fake,
  freshState,
  gateway,
  parseSse,
  rawChat,
  say,
  userMessage,
  type CreatedKey,
} from './helpers';

let key: CreatedKey;
let client: OpenAI;

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-tools' });
  client = key.client;
});

test.beforeEach(async () => {
  await freshState(1);
});

const WEATHER: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const SEARCH: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'search',
    description: 'Web search',
    parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  },
};
const TOOLS = [WEATHER, SEARCH];

const block = (name: string, args: unknown) => `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;
const ask = (answer: string, text = 'What is the weather in Paris?') => userMessage(`${text} ${say(answer)}`);

/** The one upstream message of the request (REST conversation). */
async function upstreamMessage(): Promise<string> {
  const calls = await fake.conversations();
  expect(calls).toHaveLength(1);
  return calls[0].body.message as string;
}

/** tool_calls deltas of a stream, in order. */
function toolDeltas(chunks: ChatCompletionChunk[]) {
  return chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
}

test.describe('chat completions', () => {
  test('stream helper: one call → finish_reason tool_calls, name and parsed arguments; the tools are in the prompt', async () => {
    const runner = client.chat.completions.stream({
      model: 'grok-4',
      messages: ask(`Checking.\n${block('get_weather', { city: 'Paris' })}`),
      tools: TOOLS,
      stream: true,
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Checking.\n');
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0] as { id: string; type: string; function: { name: string; arguments: string } };
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    const message = await upstreamMessage();
    expect(message.startsWith('system: # Tools')).toBe(true);
    expect(message).toContain('- get_weather: Current weather for a city');
    expect(message).toContain('- search: Web search');
    expect(message).toContain('"required":["city"]');
    expect(message).toContain('What is the weather in Paris?');
  });

  test('two calls → two tool_calls with indices 0 and 1', async () => {
    const got = await collect(
      await client.chat.completions.create({
        model: 'grok-4',
        messages: ask(`${block('get_weather', { city: 'Paris' })}\n${block('search', { q: 'Paris events' })}`),
        tools: TOOLS,
        stream: true,
      }),
    );
    expect(got.error).toBeUndefined();
    expect([...new Set(toolDeltas(got.chunks).map((d) => d.index))]).toEqual([0, 1]);
    expect(got.chunks[got.chunks.length - 1].choices[0].finish_reason).toBe('tool_calls');

    const final = await client.chat.completions
      .stream({
        model: 'grok-4',
        messages: ask(`${block('get_weather', { city: 'Paris' })}\n${block('search', { q: 'Paris events' })}`),
        tools: TOOLS,
        stream: true,
      })
      .finalChatCompletion();
    const calls = final.choices[0].message.tool_calls as { id: string; function: { name: string; arguments: string } }[];
    expect(calls.map((c) => c.function.name)).toEqual(['get_weather', 'search']);
    expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual([{ city: 'Paris' }, { q: 'Paris events' }]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
  });

  test('malformed JSON arguments are repaired', async () => {
    const final = await client.chat.completions
      .stream({
        model: 'grok-4',
        messages: ask(`<tool_call>{"name": "get_weather", "arguments": {city: 'Paris',}}</tool_call>`),
        tools: TOOLS,
        stream: true,
      })
      .finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    const call = final.choices[0].message.tool_calls![0] as { function: { name: string; arguments: string } };
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
  });

  test('a block naming an unknown tool is plain text, finish_reason stop', async () => {
    const text = `Let me try.\n${block('rm_rf', { path: '/' })}`;
    const final = await client.chat.completions.stream({ model: 'grok-4', messages: ask(text), tools: TOOLS, stream: true }).finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('stop');
    expect(final.choices[0].message.content).toBe(text);
    expect(final.choices[0].message.tool_calls ?? []).toEqual([]);
  });

  test('a tool tag inside a fenced code block is text', async () => {
    const text = `Example:\n\`\`\`\n${block('get_weather', { city: 'Paris' })}\n\`\`\`\nDone.`;
    const res = await client.chat.completions.create({ model: 'grok-4', messages: ask(text), tools: TOOLS });
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.choices[0].message.content).toBe(text);
    expect(res.choices[0].message.tool_calls ?? []).toEqual([]);
  });

  test('tool_choice "none": no tool prompt upstream, the answer stays text', async () => {
    const text = `Sure.\n${block('get_weather', { city: 'Paris' })}`;
    const res = await client.chat.completions.create({ model: 'grok-4', messages: ask(text), tools: TOOLS, tool_choice: 'none' });
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.choices[0].message.content).toBe(text);
    expect(res.choices[0].message.tool_calls ?? []).toEqual([]);
    const message = await upstreamMessage();
    expect(message).not.toContain('# Tools');
    expect(message).not.toContain('Current weather for a city');
    expect(message.startsWith('What is the weather in Paris?')).toBe(true);
  });

  test('tool_choice required / a named function are stated in the prompt; an unknown name is a 400', async () => {
    await client.chat.completions.create({ model: 'grok-4', messages: ask(block('search', { q: 'x' })), tools: TOOLS, tool_choice: 'required' });
    expect(await upstreamMessage()).toContain('You MUST call at least one tool in this answer.');
    await fake.reset();
    await client.chat.completions.create({
      model: 'grok-4',
      messages: ask(block('get_weather', { city: 'Paris' })),
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(await upstreamMessage()).toContain('You MUST call the tool "get_weather" in this answer.');
    await fake.reset();
    const err = await apiError(
      client.chat.completions.create({ model: 'grok-4', messages: ask('x'), tools: TOOLS, tool_choice: { type: 'function', function: { name: 'nope' } } }),
    );
    expect(err.status).toBe(400);
    expect(err.param).toBe('tool_choice');
    expect(await fake.calls()).toEqual([]);
  });

  test('parallel_tool_calls false: only the first call is returned', async () => {
    const res = await client.chat.completions.create({
      model: 'grok-4',
      messages: ask(`${block('get_weather', { city: 'Paris' })}${block('search', { q: 'Paris' })}`),
      tools: TOOLS,
      parallel_tool_calls: false,
    });
    expect(res.choices[0].message.tool_calls!.map((c) => (c as { function: { name: string } }).function.name)).toEqual(['get_weather']);
    expect(await upstreamMessage()).toContain('Call at most one tool per answer.');
  });

  test('non-stream: message.tool_calls, content null when there is no prose', async () => {
    const res = await client.chat.completions.create({ model: 'grok-4', messages: ask(block('get_weather', { city: 'Paris' })), tools: TOOLS });
    expect(res.object).toBe('chat.completion');
    const choice = res.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0] as { id: string; type: string; function: { name: string; arguments: string } };
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    // The call is the output: it counts as completion tokens (as in the Responses and Messages encoders).
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
  });

  test('raw SSE: each call names its function in its first delta and sends its arguments exactly once', async () => {
    const res = await rawChat(key.key, {
      model: 'grok-4',
      messages: ask(`One moment.\n${block('get_weather', { city: 'Paris' })}\n${block('search', { q: 'Paris events' })}`),
      tools: TOOLS,
      stream: true,
    });
    expect(res.status).toBe(200);
    const items = parseSse(await res.text()).filter((i) => i.kind === 'data');
    expect(items[items.length - 1]).toEqual({ kind: 'data', data: '[DONE]' });
    const chunks = items.slice(0, -1).map((i) => JSON.parse((i as { data: string }).data) as ChatCompletionChunk);
    const deltas = toolDeltas(chunks);
    for (const index of [0, 1]) {
      const mine = deltas.filter((d) => d.index === index);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine[0].function?.name).toBe(index === 0 ? 'get_weather' : 'search');
      expect(mine[0].id).toMatch(/^call_/);
      expect(mine[0].type).toBe('function');
      expect(mine.slice(1).every((d) => d.function?.name === undefined && d.id === undefined)).toBe(true);
      const withArgs = mine.filter((d) => d.function?.arguments);
      expect(withArgs).toHaveLength(1);
      expect(JSON.parse(withArgs[0].function!.arguments!)).toEqual(index === 0 ? { city: 'Paris' } : { q: 'Paris events' });
    }
    // Prose around the blocks (including the newline between them) stays content.
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('One moment.\n\n');
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('tool_calls');
  });

  test('history: earlier tool calls and tool results reach upstream in the calling convention', async () => {
    const res = await client.chat.completions.create({
      model: 'grok-4',
      tools: TOOLS,
      messages: [
        { role: 'user', content: `What is the weather in Paris? ${say('It is 21 degrees in Paris.')}` },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_abc123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_abc123', content: '{"temperature_c":21}' },
      ],
    });
    expect(res.choices[0].message.content).toBe('It is 21 degrees in Paris.');
    expect(res.choices[0].finish_reason).toBe('stop');
    const message = await upstreamMessage();
    expect(message).toContain('assistant: <tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
    expect(message).toContain('tool result #call_abc123: {"temperature_c":21}');
    expect(message.indexOf('<tool_call>{"name":"get_weather"')).toBeLessThan(message.indexOf('tool result #call_abc123'));
  });
});
