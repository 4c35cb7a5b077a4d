/** The OpenAI Responses API (`POST /v1/responses`, stateless) through the official `openai` client. */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import type { FunctionTool } from 'openai/resources/responses/responses';
import {
  PLAIN_TEXT,
  THINKING_ANSWER,
  THINKING_LATE_TOKEN,
  THINKING_REASONING,
  apiError,
  fake,
  freshState,
  gateway,
  parseSseEvents,
  rawPost,
  say,
  type CreatedKey,
} from './helpers';

let key: CreatedKey;
let client: OpenAI;

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-responses' });
  client = key.client;
});

test.beforeEach(async () => {
  await freshState(1);
});

const WEATHER: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};
const block = (name: string, args: unknown) => `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;

type AnyItem = { type: string; [k: string]: any };

test.describe('responses', () => {
  test('create (non-stream): output_text is the answer, one completed message item, usage', async () => {
    const res = await client.responses.create({ model: 'grok-4', input: 'hi #scenario:plain' });
    expect(res.object).toBe('response');
    expect(res.id).toMatch(/^resp_/);
    expect(res.status).toBe('completed');
    expect(res.model).toBe('grok-4');
    expect(res.output_text).toBe(PLAIN_TEXT);
    expect(res.output).toHaveLength(1);
    const [item] = res.output as AnyItem[];
    expect(item).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(item.id).toMatch(/^msg_/);
    expect(item.content).toEqual([expect.objectContaining({ type: 'output_text', text: PLAIN_TEXT })]);
    expect(res.usage!.input_tokens).toBeGreaterThan(0);
    expect(res.usage!.output_tokens).toBeGreaterThan(0);
    expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
    const [call] = await fake.conversations();
    expect(call.body.message).toBe('hi #scenario:plain');
  });

  test('instructions become a system message upstream', async () => {
    await client.responses.create({ model: 'grok-4', instructions: 'Be brief', input: 'hi' });
    const [call] = await fake.conversations();
    expect(call.body.message).toBe('system: Be brief\n\nhi');
  });

  test('stream helper: finalResponse() has the same text; text deltas concatenate to it', async () => {
    const stream = client.responses.stream({ model: 'grok-4', input: 'hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(PLAIN_TEXT);
    expect(deltas.join('')).toBe(PLAIN_TEXT);
  });

  test('thinking: a reasoning item with the reasoning text, then the message (stream and non-stream)', async () => {
    const ask = { model: 'grok-4.1-thinking', input: 'Sum 1..10 #scenario:thinking' };
    for (const res of [await client.responses.stream(ask).finalResponse(), await client.responses.create(ask)]) {
      const output = res.output as AnyItem[];
      expect(output.map((o) => o.type)).toEqual(['reasoning', 'message']);
      expect(output[0].id).toMatch(/^rs_/);
      expect(output[0].content).toEqual([{ type: 'reasoning_text', text: THINKING_REASONING }]);
      expect(res.output_text).toBe(THINKING_ANSWER);
      expect(JSON.stringify(res)).not.toContain(THINKING_LATE_TOKEN);
      expect(res.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    }
  });

  test('function tools: a function_call output item (name, arguments, call_id) through the stream helper', async () => {
    const stream = client.responses.stream({
      model: 'grok-4',
      input: `Weather in Paris? ${say(`Checking.\n${block('get_weather', { city: 'Paris' })}`)}`,
      tools: [WEATHER],
    });
    const argDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argDeltas.push(e.delta));
    const final = await stream.finalResponse();
    const output = final.output as AnyItem[];
    expect(output.map((o) => o.type)).toEqual(['message', 'function_call']);
    expect(final.output_text).toBe('Checking.\n');
    const call = output[1];
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(call.call_id).toMatch(/^call_/);
    expect(call.id).toMatch(/^fc_/);
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    expect(argDeltas.join('')).toBe(call.arguments);
    expect(final.tools).toEqual([expect.objectContaining({ type: 'function', name: 'get_weather' })]);
    const [upstream] = await fake.conversations();
    expect(upstream.body.message).toContain('- get_weather: Current weather for a city');
  });

  test('function_call + function_call_output input items reach upstream in the calling convention', async () => {
    const res = await client.responses.create({
      model: 'grok-4',
      tools: [WEATHER],
      input: [
        { role: 'user', content: `Weather in Paris? ${say('It is 21 degrees.')}` },
        { type: 'function_call', call_id: 'call_xyz', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_xyz', output: '{"temperature_c":21}' },
      ],
    });
    expect(res.output_text).toBe('It is 21 degrees.');
    const [call] = await fake.conversations();
    expect(call.body.message).toContain('assistant: <tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
    expect(call.body.message).toContain('tool result #call_xyz: {"temperature_c":21}');
  });

  test('raw SSE: typed events with sequence_number from 0, response.created first, response.completed last, no [DONE]', async () => {
    const res = await rawPost('/v1/responses', key.key, { model: 'grok-4', input: 'hi', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = await res.text();
    expect(body).not.toContain('[DONE]');
    const events = parseSseEvents(body);
    expect(events.length).toBeGreaterThan(5);
    events.forEach((e, i) => {
      expect(e.json, e.data).toBeDefined();
      expect(e.event).toBe(e.json.type);
      expect(e.json.sequence_number).toBe(i);
    });
    const types = events.map((e) => e.json.type);
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types[types.length - 1]).toBe('response.completed');
    expect(types.filter((t) => t === 'response.completed')).toHaveLength(1);
    expect(types).toEqual(
      expect.arrayContaining(['response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.output_item.done']),
    );
    expect(events[0].json.response.status).toBe('in_progress');
    const done = events[events.length - 1].json.response;
    expect(done.status).toBe('completed');
    expect(done.output_text).toBe(PLAIN_TEXT);
    expect(done.id).toBe(events[0].json.response.id);
  });

  test('previous_response_id → 400 unsupported_parameter, nothing sent upstream', async () => {
    const err = await apiError(client.responses.create({ model: 'grok-4', input: 'hi', previous_response_id: 'resp_123' }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('unsupported_parameter');
    expect(err.param).toBe('previous_response_id');
    expect(await fake.calls()).toEqual([]);
  });

  test('upstream failure mid-stream → a response.failed event ends the stream', async () => {
    const res = await rawPost('/v1/responses', key.key, { model: 'grok-4', input: 'hi #scenario:truncate', stream: true });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain('[DONE]');
    const events = parseSseEvents(body);
    const types = events.map((e) => e.json?.type);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
    expect(types[types.length - 1]).toBe('response.failed');
    events.forEach((e, i) => expect(e.json.sequence_number).toBe(i));
    const failed = events[events.length - 1].json.response;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'upstream_error', message: expect.any(String) });
    expect(failed.id).toBe(events[0].json.response.id);
  });
});
