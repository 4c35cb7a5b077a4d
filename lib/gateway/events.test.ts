import { describe, expect, it } from 'vitest';
import { coalesce, withToolCalls, type GatewayEvent } from './events';

async function run(batches: GatewayEvent[][], tools: string[] = ['lookup']) {
  async function* source() {
    yield* batches;
  }
  const out: GatewayEvent[] = [];
  for await (const batch of withToolCalls(source(), tools, false)) out.push(...batch);
  return out;
}

const cite = { type: 'cite', url: 'https://a.example/', number: 1 } as const;

describe('withToolCalls', () => {
  it('a citation between prose passes through as an event, in place', async () => {
    const out = await run([[{ type: 'text', text: 'Paris' }, cite, { type: 'text', text: ' is big.' }, { type: 'done' }]]);
    expect(out).toEqual([{ type: 'text', text: 'Paris' }, cite, { type: 'text', text: ' is big.' }, { type: 'done' }]);
  });

  it('a citation while a possible tool-call opening is held back joins the text as its marker, never ahead of it', async () => {
    const out = await run([[{ type: 'text', text: 'See <' }, cite, { type: 'text', text: ' here.' }, { type: 'done' }]]);
    const text = out.flatMap((e) => (e.type === 'text' ? [e.text] : []));
    expect(text.join('')).toBe('See < [[1]](https://a.example/) here.');
    expect(out.some((e) => e.type === 'cite')).toBe(false);
  });

  it('a tool-call block still becomes one call with the citation-free prose around it', async () => {
    const out = await run([[{ type: 'text', text: 'x<tool_call>{"name":"lookup","arguments":{"q":1}}</tool_call>' }, { type: 'done' }]]);
    expect(out.filter((e) => e.type === 'tool_call').map((e) => (e as { name: string }).name)).toEqual(['lookup']);
  });
});

describe('coalesce', () => {
  it('merges adjacent text but keeps a citation between two runs', () => {
    const batch: GatewayEvent[] = [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, cite, { type: 'text', text: 'c' }];
    expect(coalesce(batch)).toEqual([{ type: 'text', text: 'ab' }, cite, { type: 'text', text: 'c' }]);
  });
});
