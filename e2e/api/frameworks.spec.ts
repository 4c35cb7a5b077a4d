/**
 * Agent / LLM frameworks, unmodified, against the gateway: the Vercel AI SDK (`ai` with `@ai-sdk/openai` on chat
 * completions and on the Responses API, and `@ai-sdk/anthropic` on Messages) and LangChain (`@langchain/openai`
 * `ChatOpenAI`, on chat completions and with `useResponsesApi`, and `@langchain/anthropic` `ChatAnthropic`).
 *
 * Every client is built the way its docs say to point it at another server: a base URL and an API key, nothing else.
 * The only extra is an observing `fetch` (it passes every request through untouched and keeps the request body and,
 * for a non-2xx answer, the response body), so a failure prints exactly what the framework sent and what the gateway
 * answered.
 *
 * The fake upstream answers the prompt's `say` directive, and the first directive of the flattened prompt wins. A
 * tool round therefore makes the fake emit a `<tool_call>` block for the first turn (directive in the user message);
 * the follow-up turn (history + tool result) carries the final answer's directive in its system prompt, which the
 * gateway puts before the user message.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool as lcTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { expect, test } from '@playwright/test';
import { generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import { z } from 'zod';
import { GATEWAY, fake, freshState, gateway, say, type CreatedKey } from './helpers';

const MODEL = 'grok-4';

let key: CreatedKey;

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-frameworks' });
});

test.beforeEach(async () => {
  await freshState(1);
});

// ---- traffic log (diagnostics only) --------------------------------------------------------------

interface Exchange {
  method: string;
  url: string;
  status?: number;
  request?: string;
  response?: string;
  error?: string;
}

/** A `fetch` that records what goes through it and changes nothing. */
function recorder() {
  const log: Exchange[] = [];
  const recordingFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const ex: Exchange = { method, url, request: typeof init?.body === 'string' ? init.body : init?.body ? `<${typeof init.body}>` : undefined };
    log.push(ex);
    try {
      const res = await fetch(input, init);
      ex.status = res.status;
      if (!res.ok) ex.response = await res.clone().text();
      return res;
    } catch (e) {
      ex.error = String(e);
      throw e;
    }
  }) as typeof fetch;
  return { log, fetch: recordingFetch };
}

const clip = (s: string | undefined, n = 6000) => (s === undefined ? '' : s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function dumpLog(log: Exchange[]): string {
  if (!log.length) return '(no HTTP request was made)';
  return log
    .map(
      (x, i) =>
        `#${i + 1} ${x.method} ${x.url} → ${x.status ?? x.error ?? 'no answer'}\n  request: ${clip(x.request)}` +
        (x.response !== undefined ? `\n  response: ${clip(x.response)}` : ''),
    )
    .join('\n');
}

/** What a framework error carries: the AI SDK's APICallError fields, the OpenAI/Anthropic SDK's APIError fields, causes. */
function describeError(e: unknown, depth = 0): string {
  if (!(e instanceof Error)) return String(e);
  const x = e as Error & Record<string, any>;
  const parts = [`${x.name}: ${x.message}`];
  for (const k of ['statusCode', 'status', 'url', 'responseBody', 'error', 'requestBodyValues', 'lc_error_code']) {
    if (x[k] !== undefined) parts.push(`  ${k}: ${clip(typeof x[k] === 'string' ? x[k] : JSON.stringify(x[k]), 3000)}`);
  }
  if (x.cause && depth < 3) parts.push(`  cause: ${describeError(x.cause, depth + 1)}`);
  return parts.join('\n');
}

/** Runs one framework call; a throw fails the test with the error's detail and the whole HTTP exchange. */
async function run<T>(what: string, log: Exchange[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new Error(`${what} failed:\n${describeError(e)}\n--- HTTP ---\n${dumpLog(log)}`);
  }
}

/** Every request the framework made was answered 2xx. */
function expectAllOk(log: Exchange[]) {
  expect(log.length, dumpLog(log)).toBeGreaterThan(0);
  expect(
    log.every((x) => x.status !== undefined && x.status < 300),
    dumpLog(log),
  ).toBe(true);
}

/** The upstream turns (one per model call) and their prompts. */
async function upstreamMessages(): Promise<string[]> {
  return (await fake.chats()).map((c) => c.message);
}

async function expectPromptUpstream(answer: string, turns = 1) {
  const messages = await upstreamMessages();
  expect(messages, 'upstream turns').toHaveLength(turns);
  expect(messages[0]).toContain(say(answer));
}

// ---- shared fixtures ------------------------------------------------------------------------------

const block = (name: string, args: unknown) => `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;
const ask = (answer: string) => `Reply with the magic phrase. ${say(answer)}`;
const WEATHER_SYSTEM = 'You are a weather assistant. Use the tools.';
const WEATHER_QUESTION = 'What is the weather in Paris?';
const WEATHER_RESULT = { city: 'Paris', temperature_c: 21 };
const FINAL_ANSWER = 'It is 21 degrees in Paris.';
/** The follow-up turn's system prompt: the fake answers with the final text. */
const FOLLOW_UP_SYSTEM = `${WEATHER_SYSTEM} ${say(FINAL_ANSWER)}`;

// ---- Vercel AI SDK --------------------------------------------------------------------------------

type Surface = { name: string; endpoint: string; model: (f: typeof fetch) => LanguageModel };

const AI_SDK_SURFACES: Surface[] = [
  {
    name: '@ai-sdk/openai .chat() (chat completions)',
    endpoint: '/v1/chat/completions',
    model: (f) => createOpenAI({ baseURL: `${GATEWAY}/v1`, apiKey: key.key, fetch: f }).chat(MODEL),
  },
  {
    name: '@ai-sdk/openai .responses() (Responses API)',
    endpoint: '/v1/responses',
    model: (f) => createOpenAI({ baseURL: `${GATEWAY}/v1`, apiKey: key.key, fetch: f }).responses(MODEL),
  },
  {
    name: '@ai-sdk/anthropic (Messages)',
    endpoint: '/v1/messages',
    model: (f) => createAnthropic({ baseURL: `${GATEWAY}/v1`, apiKey: key.key, fetch: f })(MODEL),
  },
];

const weatherTool = (calls: { city: string }[]) =>
  tool({
    description: 'Current weather for a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push({ city });
      return { ...WEATHER_RESULT, city };
    },
  });

/** Drains `fullStream`: the text, the error parts and the kinds of part seen. */
async function drain(stream: AsyncIterable<{ type: string; [k: string]: any }>) {
  let text = '';
  const errors: unknown[] = [];
  const types: string[] = [];
  for await (const part of stream) {
    types.push(part.type);
    if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'error') errors.push(part.error);
  }
  return { text, errors, types };
}

for (const surface of AI_SDK_SURFACES) {
  test.describe(`vercel ai sdk: ${surface.name}`, () => {
    test('generateText returns the upstream answer', async () => {
      const rec = recorder();
      const answer = `AI SDK generateText via ${surface.endpoint} ok 4b1e`;
      const r = await run('generateText', rec.log, () => generateText({ model: surface.model(rec.fetch), prompt: ask(answer), maxRetries: 0 }));
      expect(r.text, dumpLog(rec.log)).toBe(answer);
      expect(r.finishReason).toBe('stop');
      expectAllOk(rec.log);
      expect(rec.log.map((x) => new URL(x.url).pathname)).toEqual([surface.endpoint]);
      await expectPromptUpstream(answer);
    });

    test('streamText: the text stream is the upstream answer', async () => {
      const rec = recorder();
      const answer = `AI SDK streamText via ${surface.endpoint} ok 0c9d — "quoted", ünïcödé, 你好`;
      const errors: unknown[] = [];
      const r = streamText({ model: surface.model(rec.fetch), prompt: ask(answer), maxRetries: 0, onError: ({ error }) => void errors.push(error) });
      let text = '';
      await run('streamText', rec.log, async () => {
        for await (const delta of r.textStream) text += delta;
      });
      const detail = () => `${errors.map((e) => describeError(e)).join('\n')}\n--- HTTP ---\n${dumpLog(rec.log)}`;
      expect(errors, detail()).toEqual([]);
      expect(text, detail()).toBe(answer);
      expect(await r.finishReason).toBe('stop');
      expect(await r.text).toBe(answer);
      expectAllOk(rec.log);
      expect(rec.log.map((x) => new URL(x.url).pathname)).toEqual([surface.endpoint]);
      await expectPromptUpstream(answer);
    });

    for (const mode of ['generateText', 'streamText'] as const) {
      test(`${mode}: a tool round (tool() + zod, executed, result sent back, final answer)`, async () => {
        const rec = recorder();
        const calls: { city: string }[] = [];
        const options = {
          model: surface.model(rec.fetch),
          system: WEATHER_SYSTEM,
          prompt: `${WEATHER_QUESTION} ${say(`Checking.\n${block('get_weather', { city: 'Paris' })}`)}`,
          tools: { get_weather: weatherTool(calls) },
          stopWhen: stepCountIs(3),
          maxRetries: 0,
          // Turn 2 (after the tool result): the fake must answer the final text (see the file comment).
          prepareStep: ({ stepNumber }: { stepNumber: number }) => (stepNumber > 0 ? { system: FOLLOW_UP_SYSTEM } : {}),
        };
        let steps;
        let text: string;
        let finishReason: string;
        if (mode === 'generateText') {
          const r = await run('generateText', rec.log, () => generateText(options));
          ({ steps, text, finishReason } = r);
        } else {
          const r = streamText(options);
          const drained = await run('streamText', rec.log, () => drain(r.fullStream));
          expect(drained.errors.map((e) => describeError(e)), `stream error parts\n${dumpLog(rec.log)}`).toEqual([]);
          expect(drained.types).toContain('tool-call');
          expect(drained.types).toContain('tool-result');
          steps = await r.steps;
          text = await r.text;
          finishReason = await r.finishReason;
        }
        const detail = `${JSON.stringify(steps.map((s) => ({ text: s.text, finishReason: s.finishReason, toolCalls: s.toolCalls })))}\n${dumpLog(rec.log)}`;
        expect(steps, detail).toHaveLength(2);
        expect(steps[0].finishReason, detail).toBe('tool-calls');
        expect(steps[0].toolCalls.map((c) => ({ toolName: c.toolName, input: c.input })), detail).toEqual([
          { toolName: 'get_weather', input: { city: 'Paris' } },
        ]);
        expect(steps[0].toolResults.map((r) => r.output)).toEqual([WEATHER_RESULT]);
        expect(calls).toEqual([{ city: 'Paris' }]);
        expect(text, detail).toBe(FINAL_ANSWER);
        expect(finishReason).toBe('stop');
        expectAllOk(rec.log);
        expect(rec.log.map((x) => new URL(x.url).pathname)).toEqual([surface.endpoint, surface.endpoint]);

        // Upstream: turn 1 describes the tool; turn 2 carries the call and its result in the calling convention.
        const [first, second] = await upstreamMessages();
        expect(first).toContain('get_weather');
        expect(first).toContain(WEATHER_QUESTION);
        expect(second).toContain(say(FINAL_ANSWER));
        expect(second).toContain('<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
        expect(second).toContain('"temperature_c":21');
      });
    }
  });
}

// ---- LangChain ------------------------------------------------------------------------------------

type LcModel = ChatOpenAI | ChatAnthropic;
type LcSurface = { name: string; endpoint: string; model: (f: typeof fetch) => LcModel };

const LANGCHAIN_SURFACES: LcSurface[] = [
  {
    name: '@langchain/openai ChatOpenAI (chat completions)',
    endpoint: '/v1/chat/completions',
    model: (f) => new ChatOpenAI({ model: MODEL, apiKey: key.key, maxRetries: 0, configuration: { baseURL: `${GATEWAY}/v1`, fetch: f } }),
  },
  {
    name: '@langchain/openai ChatOpenAI useResponsesApi (Responses API)',
    endpoint: '/v1/responses',
    model: (f) =>
      new ChatOpenAI({ model: MODEL, apiKey: key.key, maxRetries: 0, useResponsesApi: true, configuration: { baseURL: `${GATEWAY}/v1`, fetch: f } }),
  },
  {
    name: '@langchain/anthropic ChatAnthropic (Messages)',
    endpoint: '/v1/messages',
    model: (f) => new ChatAnthropic({ model: MODEL, apiKey: key.key, maxRetries: 0, anthropicApiUrl: GATEWAY, clientOptions: { fetch: f } }),
  },
];

/** The text of a LangChain message (string content or text blocks). */
function textOf(m: BaseMessage): string {
  if (typeof m.content === 'string') return m.content;
  return m.content.map((b: any) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

const lcWeather = (calls: { city: string }[]) =>
  lcTool(
    async ({ city }: { city: string }) => {
      calls.push({ city });
      return JSON.stringify({ ...WEATHER_RESULT, city });
    },
    { name: 'get_weather', description: 'Current weather for a city', schema: z.object({ city: z.string() }) },
  );

for (const surface of LANGCHAIN_SURFACES) {
  test.describe(`langchain: ${surface.name}`, () => {
    test('invoke returns the upstream answer', async () => {
      const rec = recorder();
      const answer = `LangChain invoke via ${surface.endpoint} ok 5e27`;
      const msg = await run('invoke', rec.log, () => surface.model(rec.fetch).invoke([new HumanMessage(ask(answer))]));
      expect(textOf(msg), `${JSON.stringify(msg.content)}\n${dumpLog(rec.log)}`).toBe(answer);
      expectAllOk(rec.log);
      expect(rec.log.map((x) => new URL(x.url).pathname)).toEqual([surface.endpoint]);
      await expectPromptUpstream(answer);
    });

    test('stream: the chunks add up to the upstream answer', async () => {
      const rec = recorder();
      const answer = `LangChain stream via ${surface.endpoint} ok 8a03 — "quoted", ünïcödé, 你好`;
      const chunks: AIMessageChunk[] = [];
      await run('stream', rec.log, async () => {
        for await (const chunk of await surface.model(rec.fetch).stream([new HumanMessage(ask(answer))])) chunks.push(chunk);
      });
      const text = chunks.map(textOf).join('');
      expect(text, `${chunks.length} chunks: ${JSON.stringify(chunks.map((c) => c.content))}\n${dumpLog(rec.log)}`).toBe(answer);
      expect(chunks.length).toBeGreaterThan(1);
      expectAllOk(rec.log);
      expect(rec.log.map((x) => new URL(x.url).pathname)).toEqual([surface.endpoint]);
      await expectPromptUpstream(answer);
    });

    test('bindTools: a tool round (call, ToolMessage result, final answer)', async () => {
      const rec = recorder();
      const calls: { city: string }[] = [];
      const weather = lcWeather(calls);
      const model = surface.model(rec.fetch).bindTools([weather]);
      const question = new HumanMessage(`${WEATHER_QUESTION} ${say(`Checking.\n${block('get_weather', { city: 'Paris' })}`)}`);

      const first = (await run('invoke (turn 1)', rec.log, () => model.invoke([new SystemMessage(WEATHER_SYSTEM), question]))) as AIMessage;
      const detail = `${JSON.stringify({ content: first.content, tool_calls: first.tool_calls })}\n${dumpLog(rec.log)}`;
      expect(first.tool_calls?.map((c) => ({ name: c.name, args: c.args })), detail).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
      const call = first.tool_calls![0];
      expect(call.id, detail).toBeTruthy();

      const result = (await weather.invoke(call)) as ToolMessage;
      expect(result).toBeInstanceOf(ToolMessage);
      expect(calls).toEqual([{ city: 'Paris' }]);

      const second = await run('invoke (turn 2)', rec.log, () => model.invoke([new SystemMessage(FOLLOW_UP_SYSTEM), question, first, result]));
      expect(textOf(second), `${JSON.stringify(second.content)}\n${dumpLog(rec.log)}`).toBe(FINAL_ANSWER);
      expect((second as AIMessage).tool_calls ?? []).toEqual([]);
      expectAllOk(rec.log);
      expect(rec.log.map((x) => new URL(x.url).pathname)).toEqual([surface.endpoint, surface.endpoint]);

      const [, upstream2] = await upstreamMessages();
      expect(upstream2).toContain('<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
      expect(upstream2).toContain('"temperature_c":21');
    });
  });
}
