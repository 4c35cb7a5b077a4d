import { describe, expect, it } from 'vitest';
import { createToolCallParser, type ParsedPiece } from './parser';
import { parseLooseJson } from './repair';

function run(chunks: string[], names = ['get_weather', 'search']): ParsedPiece[] {
  const p = createToolCallParser(names);
  const out: ParsedPiece[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  // Merge adjacent text pieces so chunking does not change the comparison.
  return out.reduce<ParsedPiece[]>((acc, piece) => {
    const last = acc[acc.length - 1];
    if (piece.type === 'text' && last?.type === 'text') last.text += piece.text;
    else acc.push({ ...piece });
    return acc;
  }, []);
}

const input = 'Let me check.\n<tool_call>{"name": "get_weather", "arguments": {"city": "北京"}}</tool_call>';
const expected: ParsedPiece[] = [
  { type: 'text', text: 'Let me check.\n' },
  { type: 'tool_call', name: 'get_weather', arguments: '{"city":"北京"}' },
];

describe('tool-call stream parser', () => {
  it('parses a call split across chunks at every position', () => {
    for (let i = 0; i <= input.length; i++) {
      expect(run([input.slice(0, i), input.slice(i)]), `split at ${i}`).toEqual(expected);
    }
  });

  it('parses a call delivered one character at a time', () => {
    expect(run([...input])).toEqual(expected);
  });

  it('streams prose immediately and holds back only a possible tag start', () => {
    const p = createToolCallParser(['search']);
    expect(p.push('Hello <tool')).toEqual([{ type: 'text', text: 'Hello ' }]);
    expect(p.push('kit is fine')).toEqual([{ type: 'text', text: '<toolkit is fine' }]);
  });

  it('parses two calls', () => {
    const text =
      '<tool_call>{"name":"search","arguments":{"q":"a"}}</tool_call>\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>';
    expect(run([text]).filter((p) => p.type === 'tool_call')).toEqual([
      { type: 'tool_call', name: 'search', arguments: '{"q":"a"}' },
      { type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
  });

  it('repairs near-JSON arguments', () => {
    const text = "<tool_call>{name: 'search', arguments: {q: 'grok', limit: 3,},}</tool_call>";
    expect(run([text])).toEqual([{ type: 'tool_call', name: 'search', arguments: '{"q":"grok","limit":3}' }]);
  });

  it('accepts an unclosed block at the end when its JSON can be completed', () => {
    expect(run(['<tool_call>{"name": "search", "arguments": {"q": "x"'])).toEqual([
      { type: 'tool_call', name: 'search', arguments: '{"q":"x"}' },
    ]);
  });

  it('releases a block with an unknown tool name as text', () => {
    const text = 'x <tool_call>{"name":"rm_rf","arguments":{}}</tool_call> y';
    expect(run([text])).toEqual([{ type: 'text', text }]);
  });

  it('does not mistake a tool tag inside a fenced code block for a call', () => {
    const text = 'Example:\n```\n<tool_call>{"name":"search","arguments":{"q":"a"}}</tool_call>\n```\nDone.';
    expect(run([text])).toEqual([{ type: 'text', text }]);
    const after = `${text}\n<tool_call>{"name":"search","arguments":{"q":"b"}}</tool_call>`;
    expect(run([after]).filter((p) => p.type === 'tool_call')).toEqual([{ type: 'tool_call', name: 'search', arguments: '{"q":"b"}' }]);
  });

  it('accepts arguments given as a JSON string', () => {
    expect(run(['<tool_call>{"name":"search","arguments":"{\\"q\\": \\"s\\"}"}</tool_call>'])).toEqual([
      { type: 'tool_call', name: 'search', arguments: '{"q":"s"}' },
    ]);
  });
});

describe('parseLooseJson', () => {
  it.each([
    ['{"a": 1,}', { a: 1 }],
    ['{a: 1, b: [1, 2,]}', { a: 1, b: [1, 2] }],
    ["{'a': 'it''s'}", undefined],
    ['{"a": {"b": [1, 2', { a: { b: [1, 2] } }],
    ['{"a": "unterminated', { a: 'unterminated' }],
    ['{"ok": True, "n": None}', { ok: true, n: null }],
    ['not json at all ]]', undefined],
  ])('%s', (text, value) => {
    expect(parseLooseJson(text)).toEqual(value);
  });
});
