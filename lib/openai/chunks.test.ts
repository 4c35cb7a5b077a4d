import { describe, expect, it } from 'vitest';
import type { GatewayEvent } from '@/lib/gateway/events';
import { createChatEncoder, type ChatEncoderOptions, type ReasoningOutput } from './chunks';

const base = (reasoningOutput: ReasoningOutput, extra: Partial<ChatEncoderOptions> = {}): ChatEncoderOptions => ({
  id: 'chatcmpl-test',
  created: 1_770_000_000,
  model: 'grok-4.1-thinking',
  reasoningOutput,
  promptTokens: 7,
  ...extra,
});

const THINK_THEN_ANSWER: GatewayEvent[] = [
  { type: 'meta', model: 'grok-4-1-thinking-1129' },
  { type: 'thinking', text: '\n\nPlanning\n\n' },
  { type: 'thinking', text: 'Add them.' },
  { type: 'text', text: 'The' },
  { type: 'thinking', text: 'late thought' },
  { type: 'text', text: ' answer.' },
];

type Chunk = ReturnType<ReturnType<typeof createChatEncoder>['start']>;

/** Everything a stream would send, in order. */
function stream(opts: ChatEncoderOptions, events: GatewayEvent[]): Chunk[] {
  const enc = createChatEncoder(opts);
  return [enc.start(), ...events.flatMap((e) => enc.event(e)), ...enc.finish()];
}
const deltas = (chunks: Chunk[]) => chunks.map((c) => c.choices[0].delta);
const joined = (chunks: Chunk[], key: 'content' | 'reasoning_content') =>
  deltas(chunks)
    .map((d) => (d as Record<string, string | undefined>)[key] ?? '')
    .join('');

describe('createChatEncoder', () => {
  it('chunks have the chat.completion.chunk shape; the first carries the role', () => {
    const enc = createChatEncoder(base('reasoning_content'));
    expect(enc.start()).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1_770_000_000,
      model: 'grok-4.1-thinking',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    expect(enc.event({ type: 'text', text: 'Hi' })).toEqual([
      {
        id: 'chatcmpl-test',
        object: 'chat.completion.chunk',
        created: 1_770_000_000,
        model: 'grok-4.1-thinking',
        choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: null }],
      },
    ]);
    expect(enc.event({ type: 'meta', model: 'x' })).toEqual([]);
  });

  it('think_tags: wraps thinking in <think> before the first text and drops late thinking', () => {
    const chunks = stream(base('think_tags'), THINK_THEN_ANSWER);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { content: '<think>\n\n\nPlanning\n\n' },
      { content: 'Add them.' },
      { content: '\n</think>\nThe' },
      { content: ' answer.' },
      {},
    ]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(joined(chunks, 'content')).toBe('<think>\n\n\nPlanning\n\nAdd them.\n</think>\nThe answer.');
  });

  it('think_tags: closes a think block that is still open at finish', () => {
    const chunks = stream(base('think_tags'), [{ type: 'thinking', text: 'only thoughts' }]);
    expect(deltas(chunks).slice(1)).toEqual([{ content: '<think>\nonly thoughts' }, { content: '\n</think>\n' }, {}]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-2)!.choices[0].finish_reason).toBeNull();
  });

  it('think_tags: thinking after answer text without a think block is dropped', () => {
    const chunks = stream(base('think_tags'), [{ type: 'text', text: 'Answer' }, { type: 'thinking', text: 'afterthought' }]);
    expect(joined(chunks, 'content')).toBe('Answer');
  });

  it('reasoning_content: thinking goes to delta.reasoning_content, text to content', () => {
    const chunks = stream(base('reasoning_content'), THINK_THEN_ANSWER);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: '\n\nPlanning\n\n' },
      { reasoning_content: 'Add them.' },
      { content: 'The' },
      { reasoning_content: 'late thought' },
      { content: ' answer.' },
      {},
    ]);
    expect(joined(chunks, 'content')).toBe('The answer.');
  });

  it('hidden: thinking is not sent at all', () => {
    const chunks = stream(base('hidden'), THINK_THEN_ANSWER);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { content: 'The' }, { content: ' answer.' }, {}]);
    expect(JSON.stringify(chunks)).not.toContain('Planning');
  });

  it('a cite renders as a [[n]] marker; finish carries url_citation annotations pointing at it', () => {
    const enc = createChatEncoder(base('reasoning_content'));
    enc.event({ type: 'citation', url: 'https://a.example/', title: 'A' });
    const said = [
      ...enc.event({ type: 'text', text: 'Paris' }),
      ...enc.event({ type: 'cite', url: 'https://a.example/', number: 1 }),
      ...enc.event({ type: 'text', text: '.' }),
    ].map((c) => c.choices[0].delta.content);
    expect(said.join('')).toBe('Paris [[1]](https://a.example/).');
    const [fin] = enc.finish();
    expect(fin.choices[0].finish_reason).toBe('stop');
    const annotations = (fin.choices[0].delta as { annotations?: unknown[] }).annotations;
    expect(annotations).toEqual([
      { type: 'url_citation', url_citation: { url: 'https://a.example/', title: 'A', start_index: 6, end_index: 31 } },
    ]);
    expect('Paris [[1]](https://a.example/).'.slice(6, 31)).toBe('[[1]](https://a.example/)');
  });

  it('an annotation never spans text outside the cited link', () => {
    // An X-post source shows up as a plain markdown link in the reasoning (think_tags puts it in content);
    // there is no "[[" before it, so the span must not fall back to the start of the content.
    const enc = createChatEncoder(base('think_tags'));
    enc.event({ type: 'citation', url: 'https://x.com/grok/status/1', title: '@grok' });
    enc.event({ type: 'thinking', text: 'Searching.\n- [@grok](https://x.com/grok/status/1)\n' });
    enc.event({ type: 'text', text: 'Answer.' });
    const fin = enc.finish().at(-1)!;
    const content = '<think>\nSearching.\n- [@grok](https://x.com/grok/status/1)\n\n</think>\nAnswer.';
    const [a] = (fin.choices[0].delta as { annotations: { url_citation: { start_index: number; end_index: number } }[] }).annotations;
    const span = content.slice(a.url_citation.start_index, a.url_citation.end_index);
    expect(span === '' || /^\[[^\]]*\]\(https:\/\/x\.com\/grok\/status\/1\)$/.test(span), `span ${JSON.stringify(span)}`).toBe(true);
  });

  it('finish has no annotations key without citations', () => {
    const enc = createChatEncoder(base('reasoning_content'));
    enc.event({ type: 'text', text: 'x' });
    const [fin] = enc.finish();
    expect(fin.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
  });

  it('typed media: progress and items are delta fields, never content; the message lists the items', () => {
    const enc = createChatEncoder(base('think_tags'));
    const progress = enc.event({ type: 'media_progress', kind: 'image', index: 1, progress: 40, status: 'running' });
    expect(deltas(progress)).toEqual([{ media_progress: [{ type: 'image', index: 1, progress: 40, status: 'running' }] }]);
    expect(enc.hasOutput).toBe(false);
    const video = { type: 'media', kind: 'video', url: 'https://gw/images/v.mp4?sig=1', posterUrl: 'https://gw/images/v.jpg?sig=2' } as const;
    expect(deltas(enc.event(video))).toEqual([{ media: [{ type: 'video', url: video.url, poster_url: video.posterUrl }] }]);
    expect(deltas(enc.event({ type: 'media', kind: 'image', url: 'https://gw/images/p.jpg?sig=3' }))).toEqual([
      { media: [{ type: 'image', url: 'https://gw/images/p.jpg?sig=3' }] },
    ]);
    expect(enc.hasOutput).toBe(true);
    const message = enc.completion().choices[0].message;
    expect(message.content).toBe('');
    expect(message.media).toEqual([
      { type: 'video', url: video.url, poster_url: video.posterUrl },
      { type: 'image', url: 'https://gw/images/p.jpg?sig=3' },
    ]);
  });

  it('tool calls: name and id first, arguments exactly once, finish_reason tool_calls', () => {
    const enc = createChatEncoder(base('think_tags'));
    enc.event({ type: 'thinking', text: 't' });
    const chunks = enc.event({ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { content: '\n</think>\n' },
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] },
    ]);
    expect(enc.finish().at(-1)!.choices[0].finish_reason).toBe('tool_calls');
    const done = enc.completion();
    expect(done.choices[0].finish_reason).toBe('tool_calls');
    expect(done.choices[0].message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
  });

  it('usageChunk has no choices and estimated usage', () => {
    const enc = createChatEncoder(base('reasoning_content'));
    enc.event({ type: 'thinking', text: 'abcdefgh' }); // 2 tokens
    enc.event({ type: 'text', text: 'Hello world!' }); // 3 tokens
    const u = enc.usageChunk();
    expect(u.choices).toEqual([]);
    expect(u.object).toBe('chat.completion.chunk');
    expect(u.id).toBe('chatcmpl-test');
    expect(u.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12, completion_tokens_details: { reasoning_tokens: 2 } });
  });

  it('think_tags usage does not count the reasoning twice', () => {
    const enc = createChatEncoder(base('think_tags'));
    enc.event({ type: 'thinking', text: 'abcdefgh' });
    enc.event({ type: 'text', text: 'Hello world!' });
    // content = "<think>\nabcdefgh\n</think>\nHello world!" (38 chars → 10 tokens)
    expect(enc.usage()).toEqual({ prompt_tokens: 7, completion_tokens: 10, total_tokens: 17, completion_tokens_details: { reasoning_tokens: 2 } });
  });

  it.each(['think_tags', 'reasoning_content', 'hidden'] as const)('%s: completion() equals what the stream concatenates', (mode) => {
    const events: GatewayEvent[] = [
      ...THINK_THEN_ANSWER,
      { type: 'citation', url: 'https://a.example/', title: 'A' },
      { type: 'text', text: ' [[1]](https://a.example/)' },
    ];
    const chunks = stream(base(mode), events);
    const enc = createChatEncoder(base(mode));
    for (const e of events) enc.event(e);
    const done = enc.completion();
    expect(done).toMatchObject({ id: 'chatcmpl-test', object: 'chat.completion', created: 1_770_000_000, model: 'grok-4.1-thinking' });
    expect(done.choices[0].finish_reason).toBe('stop');
    expect(done.choices[0].message.content).toBe(joined(chunks, 'content'));
    expect(done.choices[0].message.reasoning_content).toBe(mode === 'reasoning_content' ? joined(chunks, 'reasoning_content') : undefined);
    expect(done.choices[0].message.annotations).toEqual((chunks.at(-1)!.choices[0].delta as { annotations?: unknown }).annotations);
  });

  it('completion() closes an open think block', () => {
    const enc = createChatEncoder(base('think_tags'));
    enc.event({ type: 'thinking', text: 'hmm' });
    expect(enc.completion().choices[0].message.content).toBe('<think>\nhmm\n</think>\n');
  });

  it('hasOutput turns true with the first thinking or text', () => {
    const enc = createChatEncoder(base('hidden'));
    expect(enc.hasOutput).toBe(false);
    enc.event({ type: 'meta', model: 'm' });
    expect(enc.hasOutput).toBe(false);
    enc.event({ type: 'thinking', text: 'x' });
    expect(enc.hasOutput).toBe(true);
  });
});
