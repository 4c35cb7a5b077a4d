/**
 * Client-supplied image URLs at loopback addresses, in every spelling, through every endpoint that takes
 * one: each is refused with the same generic error, and a listener on that port proves no connection was
 * made. (Private and link-local ranges are covered by lib/net/outbound.test.ts, never by letting the app
 * connect there.)
 */
import { createServer, type Server } from 'node:net';
import { expect, test } from '@playwright/test';
import { freshState, gateway, rawPost, type CreatedKey } from './helpers';

let listener: Server;
let port: number;
let connections = 0;
let key: CreatedKey;

test.beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  // '::' with dual stack hears both 127.0.0.1 and [::1].
  await new Promise<void>((resolve) => listener.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  port = (listener.address() as { port: number }).port;
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-ssrf' });
});

test.afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

test.beforeEach(async () => {
  await freshState(1);
  connections = 0;
});

const forms = () => [
  `http://127.0.0.1:${port}/a.png`,
  `http://127.1:${port}/a.png`,
  `http://[::1]:${port}/a.png`,
  `http://localhost:${port}/a.png`,
  `http://LOCALHOST.:${port}/a.png`,
  `http://0.0.0.0:${port}/a.png`,
  `http://0:${port}/a.png`,
  `http://2130706433:${port}/a.png`,
  `http://0x7f000001:${port}/a.png`,
  `http://0x7f.0.0.1:${port}/a.png`,
  `http://0177.0.0.1:${port}/a.png`,
  `http://[::ffff:127.0.0.1]:${port}/a.png`,
  `http://[::ffff:7f00:1]:${port}/a.png`,
  `https://127.0.0.1:${port}/a.png`,
  `http://user:pass@127.0.0.1:${port}/a.png`,
];

const endpoints: [string, string, (url: string) => unknown][] = [
  ['chat', '/v1/chat/completions', (url) => ({ model: 'grok-4', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url } }] }] })],
  ['responses', '/v1/responses', (url) => ({ model: 'grok-4', input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: url }] }] })],
  ['messages', '/v1/messages', (url) => ({ model: 'grok-4', max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url } }, { type: 'text', text: 'What is this?' }] }] })],
  ['image edits', '/v1/images/edits', (url) => ({ model: 'grok-imagine-1.0-edit', prompt: 'make it blue', image_url: url })],
  ['videos', '/v1/videos', (url) => ({ model: 'grok-imagine-1.0-video', prompt: 'make it move', image_url: url })],
];

for (const [name, path, body] of endpoints) {
  test(`${name}: every loopback spelling → 400 with one generic text, no connection made`, async () => {
    const messages = new Set<string>();
    for (const url of forms()) {
      const res = await rawPost(path, key.key, body(url));
      const text = await res.text();
      expect(res.status, `${url} → ${text}`).toBe(400);
      const json = JSON.parse(text);
      // Anthropic's envelope for /v1/messages, ours elsewhere.
      const message: string = json.error.message;
      expect(message).not.toContain(String(port));
      messages.add(message);
    }
    expect([...messages]).toHaveLength(1);
    expect(connections).toBe(0);
  });
}

test('an exhausted key is refused before its image URL is looked at', async () => {
  const limited = await gateway.createKey({ name: 'e2e-ssrf-exhausted', limits: { chatPerDay: 0 } });
  const res = await rawPost('/v1/chat/completions', limited.key, endpoints[0][2](`http://127.0.0.1:${port}/a.png`));
  expect(res.status).toBe(429);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('chat_quota_exceeded');
  expect(connections).toBe(0);
});
