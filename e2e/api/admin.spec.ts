/** Admin API basics, secrets at rest and the request log. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  GATEWAY,
  PLAIN_TEXT,
  fake,
  freshState,
  gateway,
  makeToken,
  rawChat,
  sleep,
  suffixOf,
  userMessage,
  type PoolToken,
} from './helpers';

let pool: PoolToken[];

test.beforeAll(async () => {
  await gateway.login();
});

test.beforeEach(async () => {
  pool = await freshState(1);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test.describe('health', () => {
  test('GET /health reports both bindings', async () => {
    const res = await fetch(`${GATEWAY}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', bindings: { db: true, kv: true } });
  });
});

test.describe('admin session', () => {
  test('a wrong password → 401; the right one → 200 with a session cookie', async () => {
    const wrong = await gateway.call('POST', '/api/admin/login', { username: ADMIN_USER, password: 'definitely-wrong' }, { auth: false });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ type: 'authentication_error', code: 'invalid_credentials', message: expect.any(String) });
    expect(wrong.headers.getSetCookie()).toEqual([]);

    // A successful login clears the failure counter (keeps the suite far from the lock).
    const right = await gateway.call('POST', '/api/admin/login', { username: ADMIN_USER, password: ADMIN_PASSWORD }, { auth: false });
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ ok: true, mustChangePassword: false });
    const setCookie = right.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/g2a_session=[^;]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const me = await gateway.call('GET', '/api/admin/me');
    expect(me.json).toEqual({ username: ADMIN_USER, mustChangePassword: false });
  });

  test('without a session → 401 unauthenticated', async () => {
    const r = await gateway.call('GET', '/api/admin/tokens', undefined, { auth: false });
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('unauthenticated');
  });

  test('a state-changing call without (or with a foreign) Origin → 403 bad_origin', async () => {
    const ids = pool.map((t) => t.id);
    const none = await gateway.call('POST', '/api/admin/tokens/batch', { ids, action: 'disable' }, { origin: false });
    expect(none.status).toBe(403);
    expect(none.json.error).toMatchObject({ code: 'bad_origin', type: 'permission_error' });
    const foreign = await gateway.call('POST', '/api/admin/tokens/batch', { ids, action: 'disable' }, { origin: false, headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('bad_origin');
    expect((await gateway.token(pool[0].id)).status).toBe('active');
  });
});

test.describe('tokens', () => {
  test('import reports added / duplicates / invalid and normalises cookie syntax', async () => {
    await gateway.deleteAllTokens();
    const [a, b, c] = [makeToken(), makeToken(), makeToken()];
    const r = await gateway.call('POST', '/api/admin/tokens', { tokens: [a, a, b, `sso=${c}; sso-rw=${c}`, 'not a token'].join('\n') });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ added: 3, duplicates: 1, invalid: 1 });

    const again = await gateway.call('POST', '/api/admin/tokens', { tokens: [b, `sso-rw=${c}; sso=${c}`, ` ${a} `] });
    expect(again.json).toMatchObject({ added: 0, duplicates: 3, invalid: 0 });

    const list = await gateway.tokens();
    expect(list.map((t) => t.suffix).sort()).toEqual([a, b, c].map(suffixOf).sort());
    for (const t of list) expect(t).toMatchObject({ type: 'sso', status: 'active', failedCount: 0 });
    const raw = JSON.stringify(list);
    for (const t of [a, b, c]) expect(raw).not.toContain(t.slice(0, 30));

    // The cookie form was stored as the bare token: the export shows it, and upstream gets it as the sso cookie.
    const exported = await gateway.call('GET', '/api/admin/tokens/export', undefined, { headers: { 'x-confirm-password': ADMIN_PASSWORD } });
    expect(exported.text.trim().split('\n').sort()).toEqual([a, b, c].sort());
  });

  test('export needs the password again', async () => {
    const denied = await gateway.call('GET', '/api/admin/tokens/export');
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('password_required');
    const wrong = await gateway.call('GET', '/api/admin/tokens/export', undefined, { headers: { 'x-confirm-password': 'not-the-password' } });
    expect(wrong.status).toBe(403);

    const ok = await gateway.call('GET', '/api/admin/tokens/export', undefined, { headers: { 'x-confirm-password': ADMIN_PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(ok.headers.get('cache-control')).toContain('no-store');
    expect(ok.text).toBe(`${pool[0].raw}\n`);
  });

  test('tokens are not stored in plaintext in D1', async () => {
    const note = `note-${randomBytes(6).toString('hex')}`;
    const raw = makeToken();
    const r = await gateway.call('POST', '/api/admin/tokens', { tokens: [raw], note });
    expect(r.json.added).toBe(1);
    const listed = (await gateway.tokens()).find((t) => t.suffix === suffixOf(raw));
    expect(listed!.note).toBe(note);
    expect(JSON.stringify(await gateway.tokens())).not.toContain(raw);

    const dir = join(__dirname, '../../.wrangler/test-state/v3/d1');
    const bytes = Buffer.concat(filesUnder(dir).map((f) => readFileSync(f)));
    // The search works (the note is plaintext on disk) and finds no token.
    expect(bytes.includes(note)).toBe(true);
    expect(bytes.includes(raw)).toBe(false);
    expect(bytes.includes(raw.split('.')[1])).toBe(false);
    expect(bytes.includes(pool[0].raw)).toBe(false);
  });

  test('API keys: the plaintext is returned once and never listed', async () => {
    const k = await gateway.createKey({ name: 'e2e-key-listing' });
    const list = await gateway.call('GET', '/api/admin/keys');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(k.key);
    const row = list.json.items.find((x: { id: string }) => x.id === k.id);
    expect(row).toMatchObject({ name: 'e2e-key-listing', status: 'active', prefix: k.key.slice(0, 11), models: null });
    expect((await k.client.chat.completions.create({ model: 'grok-4', messages: userMessage('hi') })).choices[0].message.content).toBe(PLAIN_TEXT);
  });
});

test.describe('request log', () => {
  test('a success and a 401 each leave one row, without the prompt', async () => {
    const k = await gateway.createKey({ name: 'e2e-logs' });
    const marker = `secret-prompt-${randomBytes(6).toString('hex')}`;
    const from = Date.now() - 1_000;

    const res = await k.client.chat.completions.create({ model: 'grok-4', messages: userMessage(`Say hello (${marker}) #scenario:plain`) });
    expect(res.choices[0].message.content).toBe(PLAIN_TEXT);
    await expect.poll(async () => (await gateway.logs({ keyId: k.id })).length, { timeout: 5_000 }).toBe(1);
    const [row] = await gateway.logs({ keyId: k.id });
    expect(row).toMatchObject({
      endpoint: '/v1/chat/completions',
      keyId: k.id,
      keyName: 'e2e-logs',
      model: 'grok-4',
      stream: false,
      tokenId: pool[0].id,
      tokenSuffix: pool[0].suffix,
      status: 200,
      reason: 'ok',
      attempts: 1,
    });
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.completionTokens).toBeGreaterThan(0);

    const denied = await rawChat('sk-g2a-not-a-key', { model: 'grok-4', messages: userMessage(`Say hello (${marker})`) });
    expect(denied.status).toBe(401);
    await expect.poll(async () => (await gateway.logs({ reason: 'invalid_api_key', from })).length, { timeout: 5_000 }).toBe(1);
    const [bad] = await gateway.logs({ reason: 'invalid_api_key', from });
    expect(bad).toMatchObject({ status: 401, reason: 'invalid_api_key', keyId: null, endpoint: '/v1/chat/completions' });

    const all = await gateway.logs({ from });
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(all)).not.toContain(marker);
    expect(await fake.conversations()).toHaveLength(1);
  });

  test('requests without a valid key are only sampled (10 a minute), without the model they named', async () => {
    const from = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => rawChat(`sk-g2a-flood-${i}`, { model: `x`.repeat(150) + i, messages: userMessage('Hi') }).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(40).fill(401));
    await expect.poll(async () => (await gateway.logs({ reason: 'invalid_api_key', from })).length, { timeout: 5_000 }).toBeGreaterThan(0);
    await sleep(500);
    const rows = await gateway.logs({ reason: 'invalid_api_key', from });
    expect(rows.length).toBeLessThanOrEqual(10);
    for (const row of rows) expect(row.model ?? null).toBeNull();
  });
});
