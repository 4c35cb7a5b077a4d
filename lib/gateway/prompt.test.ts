import { describe, expect, it } from 'vitest';
import { estimateTokens, flattenMessages } from './prompt';
import type { ConversationMessage } from './messages';

const IMG = 'https://example.com/cat.png';
const DATA_URI = 'data:image/png;base64,iVBORw0KGgo=';

describe('flattenMessages', () => {
  it('renders the spec §3.4 example', () => {
    const messages: ConversationMessage[] = [
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: IMG } }] },
    ];
    expect(flattenMessages(messages)).toEqual({
      text: 'system: Be brief\n\nuser: Hi\n\nassistant: Hello!\n\nWhat is this?',
      attachments: [IMG],
    });
  });

  it('drops blank messages but keeps their images, in order', () => {
    const messages: ConversationMessage[] = [
      { role: 'user', content: [{ type: 'text', text: '   ' }, { type: 'image_url', image_url: DATA_URI }] },
      { role: 'assistant', content: '  \n ' },
      { role: 'assistant', content: null },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: IMG } }, { type: 'text', text: 'Compare them' }] },
    ];
    expect(flattenMessages(messages)).toEqual({ text: 'Compare them', attachments: [DATA_URI, IMG] });
  });

  it('leaves only the last user message unprefixed and keeps the original (untrimmed) text', () => {
    const messages: ConversationMessage[] = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'reply' },
      { role: 'user', content: '  second  ' },
      { role: 'developer', content: 'dev note' },
    ];
    expect(flattenMessages(messages).text).toBe('user: first\n\nassistant: reply\n\n  second  \n\ndeveloper: dev note');
  });

  it('joins the text parts of one message with a newline', () => {
    const messages: ConversationMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'line one' }, { type: 'text', text: '' }, { type: 'text', text: 'line two' }] },
    ];
    expect(flattenMessages(messages).text).toBe('line one\nline two');
  });

  it('labels tool results and renders assistant tool calls', () => {
    const messages: ConversationMessage[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', name: 'get_weather', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'tool', tool_call_id: 'call_2', content: 'no name' },
    ];
    expect(flattenMessages(messages).text).toBe(
      'Weather in Paris?\n\n' +
        'assistant: <tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>\n\n' +
        'tool result [get_weather] #call_1: {"temp":21}\n\n' +
        'tool result #call_2: no name',
    );
  });

  it('an assistant tool call without arguments renders {}', () => {
    const messages: ConversationMessage[] = [{ role: 'assistant', content: 'ok', tool_calls: [{ function: { name: 'ping' } }] }];
    expect(flattenMessages(messages).text).toBe('assistant: ok\n<tool_call>{"name":"ping","arguments":{}}</tool_call>');
  });

  it('attachments without any text → "Refer to the following content:"', () => {
    const messages: ConversationMessage[] = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: IMG } }] }];
    expect(flattenMessages(messages)).toEqual({ text: 'Refer to the following content:', attachments: [IMG] });
  });

  it('nothing at all → empty text and no attachments', () => {
    expect(flattenMessages([{ role: 'user', content: ' ' }])).toEqual({ text: '', attachments: [] });
  });
});

describe('estimateTokens', () => {
  it.each([
    ['', 0],
    ['abcd', 1],
    ['abcde', 2],
    ['你好世界', 4],
    ['こんにちは', 5],
    ['你好abcd', 3],
    ['안녕 hello', 2 + 2],
  ])('%j → %i', (text, n) => {
    expect(estimateTokens(text)).toBe(n);
  });
});
