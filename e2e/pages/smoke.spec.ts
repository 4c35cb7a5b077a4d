/**
 * The Pages path stays alive: the same build under `wrangler pages dev` (the Cloudflare Pages development
 * proxy) answers health, lets the first admin log in and streams one chat answer through the real SDK.
 * Everything else is tested on the workerd server of `npm start`.
 */
import { expect, test } from '@playwright/test';
import OpenAI from 'openai';
import { FAKE_GROK_PORT, PAGES_GATEWAY_PORT, PAGES_SETUP_TOKEN } from '../../playwright.config';

const BASE = `http://127.0.0.1:${PAGES_GATEWAY_PORT}`;
const PLAIN_TEXT = 'Bonjour! That is "hello" in French.';

let cookie = '';
async function admin(path: string, body?: unknown, method = 'POST') {
  const res = await fetch(`${BASE}/api/admin${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: BASE, ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0];
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('health, first login and one streamed chat under wrangler pages dev', async () => {
  const health = await fetch(`${BASE}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', bindings: { db: true, kv: true } });

  // A fresh public deployment with the default password cannot be claimed without the setup token.
  expect(await admin('/login', { username: 'admin', password: 'admin' })).toMatchObject({ status: 403, json: { error: { code: 'setup_token_required' } } });
  expect(await admin('/login', { username: 'admin', password: 'admin', setupToken: 'guess' })).toMatchObject({ status: 403, json: { error: { code: 'setup_token_required' } } });
  const login = await admin('/login', { username: 'admin', password: 'admin', setupToken: PAGES_SETUP_TOKEN });
  expect(login).toMatchObject({ status: 200, json: { ok: true, mustChangePassword: true } });
  expect((await admin('/password', { current: 'admin', next: 'pages-smoke-password-1' })).status).toBe(200);

  const token = `eyJhbGciOiJIUzI1NiJ9.cGFnZXMtc21va2U.pages-smoke-${Date.now()}`;
  expect((await admin('/tokens', { tokens: [token], type: 'sso' })).json).toMatchObject({ added: 1 });
  const { json: key } = await admin('/keys', { name: 'pages-smoke' });
  const client = new OpenAI({ apiKey: String(key.key), baseURL: `${BASE}/v1`, maxRetries: 0 });

  const stream = await client.chat.completions.create({ model: 'grok-4', stream: true, messages: [{ role: 'user', content: 'Hello #scenario:plain' }] });
  let content = '';
  let finish: string | null = null;
  for await (const chunk of stream) {
    content += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(content).toBe(PLAIN_TEXT);
  expect(finish).toBe('stop');

  // It really went to the fake upstream with the imported account.
  const { calls } = (await (await fetch(`http://127.0.0.1:${FAKE_GROK_PORT}/__fake/calls`)).json()) as { calls: { token?: string }[] };
  expect(calls.some((c) => c.token === token)).toBe(true);
});
