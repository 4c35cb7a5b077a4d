/**
 * Generated-image cards (spec §5.3 `cardAttachment`, §5.4 `<grok:render>`, §6.1 "newer" form): the mapper
 * turns them into the same `image_progress` / `image` events as the older `streamingImageGenerationResponse`
 * path, drops their placeholders, and reports moderated or failed cards.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFrameSplitter, type Frame } from './ndjson';
import { createFrameMapper, type FrameMapper, type GrokEvent } from './events';

const USER = 'users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated';
const pathOf = (uuid: string) => `${USER}/${uuid}/image.jpg`;

const ofType = <T extends GrokEvent['type']>(events: GrokEvent[], type: T) =>
  events.filter((e): e is Extract<GrokEvent, { type: T }> => e.type === type);
const answer = (events: GrokEvent[]) => ofType(events, 'text').map((e) => e.text).join('');
const progressOf = (events: GrokEvent[]) => ofType(events, 'image_progress').map((e) => [e.index, e.progress]);

function run(frames: Frame[], mapper: FrameMapper = createFrameMapper()) {
  const events = frames.flatMap((f) => mapper.map(f));
  events.push(...mapper.end());
  return { events, mapper };
}
const resp = (r: Record<string, unknown>): Frame => ({ result: { response: { isThinking: false, ...r } } });
const say = (token: string) => resp({ token, messageTag: 'final' });

type Chunk = { imageUuid?: string; imageUrl?: string; progress?: number; moderated?: boolean; systemErrCode?: string } | null;
const cardObj = (id: string, chunk: Chunk, type = 'render_generated_image') => ({ id, type, cardType: 'generated_image_card', image_chunk: chunk });
/** A `cardAttachment` frame whose `jsonData` is a JSON string (the usual form). */
const card = (id: string, chunk: Chunk, type?: string) => resp({ cardAttachment: { jsonData: JSON.stringify(cardObj(id, chunk, type)) } });
const chunk = (uuid: string, progress: number, extra: Partial<NonNullable<Chunk>> = {}): Chunk => ({
  imageUuid: uuid,
  imageUrl: progress >= 100 ? pathOf(uuid) : '',
  progress,
  moderated: false,
  ...extra,
});
const placeholder = (id: string) => `<grok:render card_id="${id}" card_type="generated_image_card" type="render_generated_image"></grok:render>`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createFrameMapper — generated-image cards', () => {
  it('progress chunks: the announcing frame is 0 %, then rising progress; repeats and regressions are dropped', () => {
    const { events } = run([card('A', null), card('A', chunk('u1', 30)), card('A', chunk('u1', 30)), card('A', chunk('u1', 20)), card('A', chunk('u1', 60))]);
    expect(events).toEqual([
      { type: 'image_progress', index: 0, progress: 0 },
      { type: 'image_progress', index: 0, progress: 30 },
      { type: 'image_progress', index: 0, progress: 60 },
    ]);
  });

  it('final chunk (progress 100, not moderated) → image_progress 100 then image with the upstream path, once', () => {
    const { events } = run([card('A', null), card('A', chunk('u1', 50)), card('A', chunk('u1', 100)), card('A', chunk('u1', 100))]);
    expect(events.slice(-2)).toEqual([
      { type: 'image_progress', index: 0, progress: 100 },
      { type: 'image', index: 0, path: pathOf('u1') },
    ]);
    expect(ofType(events, 'image')).toHaveLength(1);
  });

  it('100 % without a URL waits (as 99 %) for the chunk that carries it', () => {
    const { events } = run([card('A', chunk('u1', 100, { imageUrl: '' })), card('A', chunk('u1', 100))]);
    expect(events).toEqual([
      { type: 'image_progress', index: 0, progress: 99 },
      { type: 'image_progress', index: 0, progress: 100 },
      { type: 'image', index: 0, path: pathOf('u1') },
    ]);
  });

  it('a placeholder split across tokens is removed from the answer; no markup leaks', () => {
    const tag = placeholder('A');
    const { events } = run([
      card('A', null),
      say('Here it is:'),
      say(`\n${tag.slice(0, 17)}`),
      say(tag.slice(17, 60)),
      say(`${tag.slice(60)}\nDone.`),
      card('A', chunk('u1', 100)),
    ]);
    expect(answer(events)).toBe('Here it is:\n\nDone.');
    expect(JSON.stringify(events)).not.toContain('grok:render');
    expect(ofType(events, 'image')).toEqual([{ type: 'image', index: 0, path: pathOf('u1') }]);
  });

  it('a placeholder that arrives before its card is removed too', () => {
    const { events } = run([say(`One${placeholder('B')} two`), card('B', chunk('u2', 100))]);
    expect(answer(events)).toBe('One two');
    expect(ofType(events, 'image')).toHaveLength(1);
  });

  it('several images: each card keeps the index of its first appearance, whatever order the chunks come in', () => {
    const { events } = run([
      card('A', null),
      card('B', null),
      card('B', chunk('u2', 40)),
      card('A', chunk('u1', 35)),
      card('B', chunk('u2', 100)),
      card('A', chunk('u1', 100)),
    ]);
    expect(progressOf(events)).toEqual([[0, 0], [1, 0], [1, 40], [0, 35], [1, 100], [0, 100]]);
    expect(ofType(events, 'image')).toEqual([
      { type: 'image', index: 1, path: pathOf('u2') },
      { type: 'image', index: 0, path: pathOf('u1') },
    ]);
    expect(ofType(events, 'error')).toEqual([]);
  });

  it('render_file cards and the CY-4 spellings imageChunk / image_url are generated images too', () => {
    const { events } = run([
      resp({ cardAttachment: { jsonData: JSON.stringify({ id: 'F', type: 'render_file', cardType: 'generated_image_card', image_chunk: null }) } }),
      resp({ cardAttachment: { jsonData: JSON.stringify({ id: 'F', type: 'render_file', imageChunk: { progress: 100, image_url: pathOf('u9') } }) } }),
    ]);
    expect(ofType(events, 'image')).toEqual([{ type: 'image', index: 0, path: pathOf('u9') }]);
  });

  it('a moderated card → image_failed (moderated); with no image at all the answer ends with a moderated error', () => {
    const { events, mapper } = run([
      card('A', null),
      say('Here:'),
      say(placeholder('A')),
      card('A', chunk('u1', 60)),
      // The moderated final chunk may still name a path: it must not become an image.
      card('A', chunk('u1', 100, { moderated: true })),
      resp({ modelResponse: { message: `Here:${placeholder('A')}`, cardAttachmentsJson: [] } }),
      resp({ token: '', isSoftStop: true }),
    ]);
    expect(ofType(events, 'image')).toEqual([]);
    expect(ofType(events, 'image_failed')).toEqual([
      { type: 'image_failed', index: 0, failure: expect.objectContaining({ kind: 'moderated', retryable: false, account: 'none' }) },
    ]);
    expect(events.at(-1)).toEqual({ type: 'error', failure: expect.objectContaining({ kind: 'moderated', retryable: false, account: 'none' }) });
    expect(ofType(events, 'error')).toHaveLength(1);
    expect(answer(events)).toBe('Here:');
    expect(mapper.complete).toBe(true);
  });

  it('one of two cards moderated: the other image comes, the answer does not fail', () => {
    const { events } = run([
      card('A', null),
      card('B', null),
      card('A', chunk('u1', 100, { moderated: true })),
      card('B', chunk('u2', 100)),
      resp({ modelResponse: { message: 'ok' } }),
    ]);
    expect(ofType(events, 'image_failed').map((e) => [e.index, e.failure.kind])).toEqual([[0, 'moderated']]);
    expect(ofType(events, 'image')).toEqual([{ type: 'image', index: 1, path: pathOf('u2') }]);
    expect(ofType(events, 'error')).toEqual([]);
  });

  it('a failed card (systemErrCode rate_limit) → image_failed, then a rate_limited error at the end of the body', () => {
    const mapper = createFrameMapper();
    const streamed = [card('A', null), card('A', chunk('u1', 40)), card('A', { imageUuid: 'u1', imageUrl: '', progress: 40, moderated: false, systemErrCode: 'rate_limit' })].flatMap(
      (f) => mapper.map(f),
    );
    expect(ofType(streamed, 'image_failed')).toEqual([
      { type: 'image_failed', index: 0, failure: expect.objectContaining({ kind: 'rate_limited', account: 'cool', retryable: true }) },
    ]);
    expect(ofType(streamed, 'error')).toEqual([]);
    const tail = mapper.end();
    expect(tail).toEqual([{ type: 'error', failure: expect.objectContaining({ kind: 'rate_limited' }) }]);
    const failure = (tail[0] as Extract<GrokEvent, { type: 'error' }>).failure;
    expect(failure.message).toContain('rate_limit');
    // A later chunk of a failed card changes nothing.
    expect(mapper.map(card('A', chunk('u1', 100)))).toEqual([]);
  });

  it('an unknown systemErrCode is a model error; a moderated card wins over a failed one', () => {
    const unknown = run([card('A', { progress: 10, systemErrCode: 'internal' })]);
    expect(unknown.events.at(-1)).toEqual({ type: 'error', failure: expect.objectContaining({ kind: 'model_error' }) });
    const both = run([card('A', { progress: 10, systemErrCode: 'rate_limit' }), card('B', { progress: 100, moderated: true })]);
    expect(ofType(both.events, 'error').map((e) => e.failure.kind)).toEqual(['moderated']);
  });

  it('jsonData as a string and as an object give the same events', () => {
    const frames = (asObject: boolean) =>
      [null, chunk('u1', 50), chunk('u1', 100)].map((c) => {
        const obj = cardObj('A', c);
        return resp({ cardAttachment: { jsonData: asObject ? obj : JSON.stringify(obj) } });
      });
    const asString = run(frames(false)).events;
    expect(ofType(asString, 'image')).toHaveLength(1);
    expect(run(frames(true)).events).toEqual(asString);
  });

  it('a cardAttachments array (CY-4): every entry counts, with jsonData strings or objects', () => {
    const { events } = run([
      resp({
        cardAttachments: [
          { jsonData: JSON.stringify(cardObj('A', chunk('u1', 100))) },
          { jsonData: cardObj('B', chunk('u2', 100)) },
          { jsonData: 'not json' },
          'ignored',
        ],
      }),
    ]);
    expect(ofType(events, 'image')).toEqual([
      { type: 'image', index: 0, path: pathOf('u1') },
      { type: 'image', index: 1, path: pathOf('u2') },
    ]);
  });

  it('modelResponse.cardAttachmentsJson repeating the streamed cards: no second image, no second parse', () => {
    const final = JSON.stringify(cardObj('A', chunk('u1', 100)));
    const parse = vi.spyOn(JSON, 'parse');
    const { events } = run([
      resp({ cardAttachment: { jsonData: final } }),
      resp({ modelResponse: { message: 'x', cardAttachmentsJson: [final], generatedImageUrls: [pathOf('u1')] } }),
    ]);
    expect(parse.mock.calls.filter(([text]) => text === final)).toHaveLength(1);
    expect(ofType(events, 'image')).toEqual([{ type: 'image', index: 0, path: pathOf('u1') }]);
  });

  it('cards only in modelResponse.cardAttachmentsJson still give their images', () => {
    const { events } = run([resp({ modelResponse: { message: `Look${placeholder('A')}`, cardAttachmentsJson: [JSON.stringify(cardObj('A', chunk('u1', 100)))] } })]);
    expect(answer(events)).toBe('Look');
    expect(ofType(events, 'image')).toEqual([{ type: 'image', index: 0, path: pathOf('u1') }]);
  });

  it('citation cards are unaffected by the image-card path', () => {
    const { events } = run([
      resp({ cardAttachment: { jsonData: JSON.stringify({ id: 'c1', type: 'render_inline_citation', cardType: 'citation_card', url: 'https://a.example/' }) } }),
      say('Fact<grok:render card_id="c1" card_type="citation_card" type="render_inline_citation"><argument name="citation_id">0</argument></grok:render>.'),
    ]);
    expect(ofType(events, 'cite')).toEqual([{ type: 'cite', url: 'https://a.example/', number: 1 }]);
    expect(answer(events)).toBe('Fact.');
    expect(ofType(events, 'image_progress')).toEqual([]);
  });
});

describe('createFrameMapper — the fake upstream’s card-image transcript', () => {
  const TRANSCRIPT = new URL('../../e2e/fake-grok/transcripts/card-image.ndjson', import.meta.url);

  it('replayed in network-sized chunks: progress, two images, answer text without placeholders, complete', () => {
    const bytes = new TextEncoder().encode(readFileSync(TRANSCRIPT, 'utf8'));
    const splitter = createFrameSplitter();
    const frames: Frame[] = [];
    for (let i = 0; i < bytes.length; i += 89) splitter.push(bytes.slice(i, i + 89), frames);
    splitter.end(frames);
    const { events, mapper } = run(frames);
    expect(progressOf(events)).toEqual([[0, 0], [1, 0], [0, 25], [1, 20], [0, 50], [1, 45], [0, 75], [1, 70], [0, 100], [1, 95], [1, 100]]);
    expect(ofType(events, 'image')).toEqual([
      { type: 'image', index: 0, path: pathOf('0cafe000-3333-4eee-8fff-000000000001') },
      { type: 'image', index: 1, path: pathOf('0cafe000-3333-4eee-8fff-000000000002') },
    ]);
    expect(answer(events)).toBe('Here are two images.\n\n\n');
    expect(JSON.stringify(events)).not.toContain('grok:render');
    expect(ofType(events, 'error')).toEqual([]);
    expect(mapper.complete).toBe(true);
  });
});
