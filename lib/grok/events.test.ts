import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFrameSplitter, type Frame } from './ndjson';
import { createFrameMapper, type FrameMapper, type GrokEvent } from './events';

const FIXTURES = new URL('../../e2e/fake-grok/fixtures/', import.meta.url);
const USER = 'users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated';

/** Replays a fixture body through the real decoder and one mapper, in small network-sized chunks. */
async function replay(name: string, { sse = false } = {}) {
  let body = readFileSync(new URL(name, FIXTURES), 'utf8');
  if (sse) body = body.split('\n').filter(Boolean).map((l) => `data: ${l}\n\n`).join('');
  const bytes = new TextEncoder().encode(body);
  const mapper = createFrameMapper();
  const splitter = createFrameSplitter();
  const events: GrokEvent[] = [];
  const frames: Frame[] = [];
  for (let i = 0; i < bytes.length; i += 97) splitter.push(bytes.slice(i, i + 97), frames);
  splitter.end(frames);
  for (const frame of frames) events.push(...mapper.map(frame));
  events.push(...mapper.end());
  return { events, mapper };
}

const texts = (events: GrokEvent[], type: 'text' | 'thinking') =>
  events.flatMap((e) => (e.type === type ? [e.text] : []));
/** The answer as text runs and inline citations, in order (citations as `[n → url]`). */
const answerParts = (events: GrokEvent[]) =>
  events.flatMap((e) => (e.type === 'text' ? [e.text] : e.type === 'cite' ? [`[${e.number} → ${e.url}]`] : []));
const ofType = <T extends GrokEvent['type']>(events: GrokEvent[], type: T) =>
  events.filter((e): e is Extract<GrokEvent, { type: T }> => e.type === type);

/** Feeds synthetic `result.response` objects (or whole frames) to a fresh mapper. */
function run(frames: Frame[], mapper: FrameMapper = createFrameMapper()) {
  const events = frames.flatMap((f) => mapper.map(f));
  return { events, mapper };
}
const resp = (r: Record<string, unknown>): Frame => ({ result: { response: r } });
const think = (token: string, extra: Record<string, unknown> = {}) => resp({ token, isThinking: true, ...extra });
const say = (token: string) => resp({ token, isThinking: false, messageTag: 'final' });

describe('createFrameMapper — fixture replays', () => {
  it('01 plain chat: text, model meta, complete', async () => {
    const { events, mapper } = await replay('01-chat-plain.ndjson');
    expect(texts(events, 'text')).toEqual(['Bonjour', '!', ' That', ' is', ' "hello"', ' in', ' French', '.']);
    expect(texts(events, 'text').join('')).toBe('Bonjour! That is "hello" in French.');
    expect(texts(events, 'thinking')).toEqual([]);
    expect(events).toContainEqual({ type: 'meta', model: 'grok-3' });
    expect(events).toContainEqual({ type: 'meta', conversationId: 'c1000000-0000-4000-8000-000000000001' });
    expect(events).toContainEqual({ type: 'meta', fingerprint: 'fx-mh-2b7c41', responseId: 'r1000000-0000-4000-8000-000000000001' });
    expect(ofType(events, 'error')).toEqual([]);
    // The title frame and finalMetadata produce nothing: the last events are the final token and the
    // modelResponse's model meta.
    expect(events.slice(-2)).toEqual([{ type: 'text', text: '.' }, { type: 'meta', model: 'grok-3' }]);
    expect(mapper.complete).toBe(true);
  });

  it('01 plain chat replays identically in the SSE-wrapped form', async () => {
    const ndjson = await replay('01-chat-plain.ndjson');
    const sse = await replay('01-chat-plain.ndjson', { sse: true });
    expect(sse.events).toEqual(ndjson.events);
  });

  it('02 thinking: header wrapped, thinking then text, the late thinking token dropped', async () => {
    const { events, mapper } = await replay('02-chat-thinking.ndjson');
    expect(texts(events, 'thinking').join('')).toBe(
      '\n\nThinking about your request\n\nThe user wants the sum of the integers 1 to 10. Use n(n+1)/2 with n = 10: 10*11/2 = 55.',
    );
    expect(texts(events, 'text').join('')).toBe('The sum of 1 through 10 is **55**.');
    expect(JSON.stringify(events)).not.toContain('double-check');
    // All thinking comes before the first text event.
    const firstText = events.findIndex((e) => e.type === 'text');
    const lastThinking = events.map((e) => e.type).lastIndexOf('thinking');
    expect(lastThinking).toBeLessThan(firstText);
    expect(events).toContainEqual({ type: 'meta', model: 'grok-4-1-thinking-1129' });
    expect(mapper.complete).toBe(true);
  });

  it('05 mid-stream error: five text events then one rate_limited error, nothing after', async () => {
    const { events, mapper } = await replay('05-error-midstream.ndjson');
    const visible = events.filter((e) => e.type !== 'meta');
    expect(visible.map((e) => e.type)).toEqual(['text', 'text', 'text', 'text', 'text', 'error']);
    expect(texts(events, 'text').join('')).toBe('Soft rain on the roof');
    const err = visible[5] as Extract<GrokEvent, { type: 'error' }>;
    expect(err.failure.kind).toBe('rate_limited');
    expect(err.failure.retryable).toBe(true);
    expect(err.failure.message).toContain('Too many requests');
    expect(events.at(-1)).toBe(err);
    expect(mapper.complete).toBe(false);
    // Once failed, the mapper stays silent.
    expect(mapper.map(say('more'))).toEqual([]);
  });

  it('07 image generation: progress events and one image event per generated image', async () => {
    const { events } = await replay('07-image-generation.ndjson');
    expect(ofType(events, 'image_progress').map((e) => [e.index, e.progress])).toEqual([
      [0, 0], [1, 0], [0, 25], [1, 20], [0, 60], [1, 55], [0, 100], [1, 90], [1, 100],
    ]);
    expect(ofType(events, 'image')).toEqual([
      { type: 'image', index: 0, path: `${USER}/a1b2c3d4-1111-4aaa-8bbb-000000000001/image.jpg` },
      { type: 'image', index: 1, path: `${USER}/a1b2c3d4-1111-4aaa-8bbb-000000000002/image.jpg` },
    ]);
    expect(texts(events, 'text').join('')).toBe("I generated images with the prompt: 'a red fox in snow, watercolor'");
  });

  it('10 video generation: monotonic progress then one video with its thumbnail', async () => {
    const { events, mapper } = await replay('10-video-generation.ndjson');
    expect(ofType(events, 'video_progress').map((e) => e.progress)).toEqual([1, 12, 35, 60, 88, 100]);
    expect(ofType(events, 'video')).toEqual([
      {
        type: 'video',
        path: `${USER}/c0ffee00-2222-4ccc-9ddd-000000000003/generated_video.mp4`,
        thumbnailPath: `${USER}/c0ffee00-2222-4ccc-9ddd-000000000003/preview_image.jpg`,
      },
    ]);
    // The video event comes right after the 100 % progress event.
    const i = events.findIndex((e) => e.type === 'video');
    expect(events[i - 1]).toEqual({ type: 'video_progress', progress: 100 });
    expect(texts(events, 'text')).toEqual([]);
    expect(mapper.complete).toBe(true);
  });
});

describe('createFrameMapper — synthetic frames (spec §5.3, §5.4)', () => {
  it('webSearchResults on a thinking frame with an empty token → citations and a reasoning line', () => {
    const { events } = run([
      think('', {
        toolUsageCardId: 'tc1',
        webSearchResults: {
          results: [
            { url: 'https://a.example/1', title: 'First', preview: 'Line one\nline "two"' },
            { url: 'https://b.example/2', title: 'Second' },
          ],
        },
      }),
    ]);
    expect(events).toEqual([
      { type: 'citation', url: 'https://a.example/1', title: 'First', snippet: 'Line one line "two"' },
      { type: 'citation', url: 'https://b.example/2', title: 'Second', snippet: undefined },
      { type: 'thinking', text: `\n- [First](https://a.example/1 "Line one line 'two'")\n- [Second](https://b.example/2)\n` },
    ]);
  });

  it('xSearchResults → a citation to the X post', () => {
    const { events } = run([
      think('', { xSearchResults: { results: [{ postId: '1790000000000000001', username: 'grok', name: 'Grok', text: 'hello\nworld' }] } }),
    ]);
    expect(ofType(events, 'citation')).toEqual([
      { type: 'citation', url: 'https://x.com/grok/status/1790000000000000001', title: '@grok', snippet: 'hello world' },
    ]);
    expect(texts(events, 'thinking').join('')).toBe('\n- [@grok](https://x.com/grok/status/1790000000000000001)\n');
  });

  const card = (id: string, url: string) =>
    resp({ cardAttachment: { jsonData: JSON.stringify({ id, type: 'render_inline_citation', cardType: 'citation_card', url }) } });
  const render = (id: string) =>
    `<grok:render card_id="${id}" card_type="citation_card" type="render_inline_citation"><argument name="citation_id">0</argument></grok:render>`;

  it('a <grok:render> citation split across two tokens becomes a cite event in place, with no markup', () => {
    const tag = render('c1');
    const { events } = run([card('c1', 'https://a.example/'), say(`Paris is the capital${tag.slice(0, 30)}`), say(`${tag.slice(30)}.`)]);
    expect(answerParts(events)).toEqual(['Paris is the capital', '[1 → https://a.example/]', '.']);
    expect(JSON.stringify(events)).not.toContain('grok:render');
    expect(ofType(events, 'citation')).toEqual([{ type: 'citation', url: 'https://a.example/', title: undefined, snippet: undefined }]);
  });

  it('drops an immediately repeated identical citation and numbers a new URL 2', () => {
    const { events } = run([
      card('c1', 'https://a.example/'),
      card('c2', 'https://a.example/'),
      card('c3', 'https://b.example/'),
      say(`One${render('c1')}${render('c2')}`),
      say(` Two${render('c3')}`),
    ]);
    expect(answerParts(events)).toEqual(['One', '[1 → https://a.example/]', ' Two', '[2 → https://b.example/]']);
    expect(ofType(events, 'citation').map((e) => e.url)).toEqual(['https://a.example/', 'https://b.example/']);
  });

  it('a render of an unknown card is removed', () => {
    const { events } = run([say(`Hi${render('nope')} there`)]);
    expect(texts(events, 'text').join('')).toBe('Hi there');
  });

  it('a tool-usage card split across thinking tokens becomes one label line', () => {
    const xml =
      '<xai:tool_usage_card><xai:tool_usage_card_id>tc1</xai:tool_usage_card_id><xai:tool_name>web_search</xai:tool_name>' +
      '<xai:tool_args><![CDATA[{"query":"q"}]]></xai:tool_args></xai:tool_usage_card>';
    const { events } = run([think(`Let me search.${xml.slice(0, 25)}`), think(xml.slice(25, 90)), think(`${xml.slice(90)}Done.`)]);
    const reasoning = texts(events, 'thinking').join('');
    expect(reasoning).toBe('Let me search.\n[web_search] q\nDone.');
    expect(reasoning).not.toContain('<');
    expect(reasoning).not.toContain('xai:');
  });

  it('skips raw_function_result tokens', () => {
    const { events } = run([think('a', { messageTag: 'raw_function_result' }), think('b')]);
    expect(texts(events, 'thinking')).toEqual(['b']);
  });

  it('wraps header tokens in blank lines', () => {
    const { events } = run([think('Planning', { messageTag: 'header' })]);
    expect(events).toEqual([{ type: 'thinking', text: '\n\nPlanning\n\n' }]);
  });

  it('treats a token with messageStepId and no isThinking as thinking (unless tagged final)', () => {
    const { events } = run([resp({ token: 'step', messageStepId: 1 }), resp({ token: 'answer', messageStepId: 2, messageTag: 'final' })]);
    expect(events).toEqual([{ type: 'thinking', text: 'step' }, { type: 'text', text: 'answer' }]);
  });

  it('result.response.error with "usage limit" → rate_limited', () => {
    const { events } = run([say('x'), resp({ error: { message: "You've reached your usage limit. Please try again later." } })]);
    expect(events.at(-1)).toMatchObject({ type: 'error', failure: { kind: 'rate_limited', account: 'cool', retryable: true } });
  });

  it('modelResponse.error string → model_error, and completes', () => {
    const { events, mapper } = run([resp({ modelResponse: { error: 'Something went wrong', message: 'ignored' } })]);
    expect(events).toEqual([
      { type: 'error', failure: expect.objectContaining({ kind: 'model_error', account: 'none', retryable: true }) },
    ]);
    expect(texts(events, 'text')).toEqual([]);
    expect(mapper.complete).toBe(true);
  });

  it('uses modelResponse.message as text when no answer token arrived (multi-agent)', () => {
    const { events } = run([think('agents thinking'), resp({ modelResponse: { message: 'Final answer.', model: 'grok-4-heavy' } })]);
    expect(events).toEqual([
      { type: 'thinking', text: 'agents thinking' },
      { type: 'text', text: 'Final answer.' },
      { type: 'meta', model: 'grok-4-heavy' },
    ]);
  });

  it('does not repeat modelResponse.message when answer tokens already streamed', () => {
    const { events } = run([say('Hi'), resp({ modelResponse: { message: 'Hi' } })]);
    expect(texts(events, 'text')).toEqual(['Hi']);
  });

  it('resolves modelResponse.message markup with cards from cardAttachmentsJson', () => {
    const { events } = run([
      resp({
        modelResponse: {
          message: `Answer${render('c9')}`,
          cardAttachmentsJson: [JSON.stringify({ id: 'c9', type: 'render_inline_citation', url: 'https://c.example/' })],
        },
      }),
    ]);
    expect(answerParts(events)).toEqual(['Answer', '[1 → https://c.example/]']);
  });

  it('ignores title frames and finalMetadata (finalMetadata only completes)', () => {
    const { events, mapper } = run([
      { result: { title: { newTitle: 'A title' } } },
      { result: { somethingElse: 1 } },
      resp({ finalMetadata: { followUpSuggestions: ['x'] } }),
    ]);
    expect(events).toEqual([]);
    expect(mapper.complete).toBe(true);
  });

  it('isSoftStop completes; a stream without it is not complete', () => {
    expect(run([say('a')]).mapper.complete).toBe(false);
    expect(run([say('a'), resp({ token: '', isSoftStop: true })]).mapper.complete).toBe(true);
  });

  it('top-level error code 7 → anti_bot, not the token’s fault', () => {
    const { events } = run([{ error: { code: 7, message: 'Request rejected by anti-bot rules.', details: [] } }]);
    expect(events).toEqual([
      { type: 'error', failure: expect.objectContaining({ kind: 'anti_bot', account: 'none', retryable: true }) },
    ]);
  });

  it('end() releases a held trailing "<" that was not a tag', () => {
    const mapper = createFrameMapper();
    expect(mapper.map(say('1 <'))).toEqual([{ type: 'text', text: '1 ' }]);
    expect(mapper.end()).toEqual([{ type: 'text', text: '<' }]);
  });

  it('a "<" that cannot start a tag is released immediately', () => {
    const { events } = run([say('a < b')]);
    expect(events).toEqual([{ type: 'text', text: 'a < b' }]);
  });

  it('end() drops an unfinished tag instead of leaking markup', () => {
    const mapper = createFrameMapper();
    mapper.map(say('Hi<grok:render card_id="x"'));
    expect(mapper.end()).toEqual([]);
  });

  it('a moderated video at 100 % → moderated error, no video event', () => {
    const { events } = run([resp({ streamingVideoGenerationResponse: { progress: 100, moderated: true } })]);
    expect(events).toEqual([
      { type: 'video_progress', progress: 100 },
      { type: 'error', failure: expect.objectContaining({ kind: 'moderated', retryable: false, account: 'none' }) },
    ]);
  });

  it('ignores placeholder image URLs in generatedImageUrls', () => {
    const { events } = run([resp({ modelResponse: { generatedImageUrls: ['', '/', 'https://assets.grok.com/', 'users/u/generated/i/image.jpg'] } })]);
    expect(ofType(events, 'image')).toEqual([{ type: 'image', index: 3, path: 'users/u/generated/i/image.jpg' }]);
  });
});

describe('links from upstream', () => {
  it('citations and search results keep only http(s) links', async () => {
    const { webLink } = await import('./markup');
    expect(webLink('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'https://e.com/a) [x](javascript:1', 'ftp://x', 42, undefined]) expect(webLink(bad)).toBeUndefined();
  });
});
