/**
 * Shared helpers for the API specs: an admin client for the gateway (`gateway`), the fake upstream's
 * control API (`fake`), OpenAI clients and small SSE utilities.
 *
 * All spec files share one gateway and one D1 database (workers = 1), so every test starts from
 * `freshState()`: fake reset, no tokens, default settings, then fresh tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from '@playwright/test';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { FAKE_GROK_PORT, GATEWAY_PORT } from '../../playwright.config';

export const GATEWAY = `http://127.0.0.1:${GATEWAY_PORT}`;
export const FAKE = `http://127.0.0.1:${FAKE_GROK_PORT}`;
export const ORIGIN = GATEWAY;
export const CONVERSATION_PATH = '/rest/app-chat/conversations/new';
export const UPLOAD_PATH = '/rest/app-chat/upload-file';

export const ADMIN_USER = 'admin';
/** The password the suite switches to on first login (the first-boot password is admin/admin). */
export const ADMIN_PASSWORD = 'e2e-admin-password-1';

// ---- fixtures --------------------------------------------------------------------------------

export const PLAIN_TEXT = 'Bonjour! That is "hello" in French.';
export const THINKING_REASONING =
  '\n\nThinking about your request\n\nThe user wants the sum of the integers 1 to 10. Use n(n+1)/2 with n = 10: 10*11/2 = 55.';
export const THINKING_ANSWER = 'The sum of 1 through 10 is **55**.';
export const THINKING_LATE_TOKEN = '(double-check';

/** A real 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The fake's file id for uploaded bytes (same derivation as e2e/fake-grok/http-util.mjs `uuidFromData`). */
export function fakeFileId(data: Buffer): string {
  const h = sha256Hex(data).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16], 16) & 3];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** A JWT-shaped sso token; its last 6 characters are what the admin list shows as `suffix`. */
export function makeToken(): string {
  return `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
}

/** A save is visible to the next request on the same isolate (one isolate under wrangler dev). */
export const SETTINGS_PROPAGATION_MS = 0;

export const suffixOf = (raw: string) => raw.slice(-6);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- admin API -------------------------------------------------------------------------------

export interface AdminResponse<T = any> {
  status: number;
  headers: Headers;
  json: T;
  text: string;
}

export interface TokenView {
  id: string;
  suffix: string;
  type: 'sso' | 'ssoSuper';
  status: 'active' | 'cooling' | 'invalid' | 'disabled';
  cooldownUntil: number | null;
  failedCount: number;
  lastFailureAt: number | null;
  lastFailureReason: string | null;
  remainingQueries: number;
  useCount: number;
  lastUsedAt: number | null;
  [k: string]: unknown;
}

/** An imported account: the raw value (what the fake logs) and its admin row id. */
export interface PoolToken {
  raw: string;
  id: string;
  suffix: string;
}

export interface CreatedKey {
  id: string;
  key: string;
  client: OpenAI;
}

let cookie: string | undefined;

function takeCookie(res: Response) {
  for (const c of res.headers.getSetCookie()) {
    const m = /^g2a_session=([^;]*)/.exec(c);
    if (m && m[1]) cookie = `g2a_session=${m[1]}`;
  }
}

async function call<T = any>(
  method: string,
  path: string,
  body?: unknown,
  opts: { headers?: Record<string, string>; origin?: boolean; auth?: boolean } = {},
): Promise<AdminResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (opts.origin !== false && method !== 'GET') headers.origin = ORIGIN;
  if (opts.auth !== false && cookie) headers.cookie = cookie;
  const res = await fetch(`${GATEWAY}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  takeCookie(res);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Calls an admin endpoint and fails the test unless it answered 2xx. */
async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await call<T>(method, path, body);
  expect(r.status, `${method} ${path} → ${r.text}`).toBeLessThan(300);
  return r.json;
}

export const gateway = {
  call,

  /**
   * Logs in idempotently: the suite's password first; on a fresh database the first-boot admin/admin,
   * which must demand a password change (and block other endpoints until it happened).
   */
  async login(): Promise<void> {
    if (cookie) {
      const me = await call('GET', '/api/admin/me');
      if (me.status === 200 && me.json.mustChangePassword === false) return;
    }
    const r = await call('POST', '/api/admin/login', { username: ADMIN_USER, password: ADMIN_PASSWORD }, { auth: false });
    if (r.status === 200) return;
    expect(r.status, r.text).toBe(401);
    const first = await call('POST', '/api/admin/login', { username: ADMIN_USER, password: 'admin' }, { auth: false });
    expect(first.status, first.text).toBe(200);
    expect(first.json.mustChangePassword).toBe(true);
    const blocked = await call('GET', '/api/admin/tokens');
    expect(blocked.status).toBe(403);
    expect(blocked.json.error.code).toBe('password_change_required');
    const changed = await call('POST', '/api/admin/password', { current: 'admin', next: ADMIN_PASSWORD });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.mustChangePassword).toBe(false);
  },

  async tokens(): Promise<TokenView[]> {
    const r = await ok<{ items: TokenView[] }>('GET', '/api/admin/tokens?pageSize=500');
    return r.items;
  },

  async token(id: string): Promise<TokenView> {
    const found = (await gateway.tokens()).find((t) => t.id === id);
    expect(found, `token ${id} is listed`).toBeDefined();
    return found!;
  },

  async deleteAllTokens(): Promise<void> {
    const ids = (await gateway.tokens()).map((t) => t.id);
    if (ids.length) await ok('POST', '/api/admin/tokens/batch', { ids, action: 'delete' });
    expect(await gateway.tokens()).toEqual([]);
  },

  /** Imports `n` fresh tokens and returns them with their admin ids. */
  async addTokens(n: number, type: 'sso' | 'ssoSuper' = 'sso'): Promise<PoolToken[]> {
    const raws = Array.from({ length: n }, makeToken);
    const r = await ok('POST', '/api/admin/tokens', { tokens: raws, type });
    expect(r).toMatchObject({ added: n, duplicates: 0, invalid: 0 });
    const list = await gateway.tokens();
    return raws.map((raw) => {
      const row = list.find((t) => t.suffix === suffixOf(raw));
      expect(row, `imported token …${suffixOf(raw)} is listed`).toBeDefined();
      return { raw, id: row!.id, suffix: row!.suffix };
    });
  },

  /** Puts every setting back to its default (only when something differs, since a change costs a propagation wait). */
  async resetSettings(): Promise<void> {
    const { values, defaults } = await ok('GET', '/api/admin/settings');
    if (JSON.stringify(values) === JSON.stringify(defaults)) return;
    await gateway.setSettings(defaults);
  },

  /**
   * Saves settings, then waits out the settings cache (lib/settings/store.ts: other isolates see a save
   * within CACHE_TTL_MS = 5 s). The /v1 routes do not see a save at once even on a single local isolate
   * (see settings.spec.ts, which asserts that separately), so without the wait the next request may still
   * run with the old values.
   */
  async setSettings(patch: Record<string, unknown>): Promise<void> {
    const r = await ok('PUT', '/api/admin/settings', patch);
    expect(r.values).toMatchObject(patch);
    await sleep(SETTINGS_PROPAGATION_MS);
  },

  /** Saves settings without waiting for them to reach the /v1 routes. */
  async putSettings(patch: Record<string, unknown>): Promise<void> {
    const r = await ok('PUT', '/api/admin/settings', patch);
    expect(r.values).toMatchObject(patch);
  },

  /** Empty pool + default settings + `n` fresh tokens. */
  async resetPool(n: number, type: 'sso' | 'ssoSuper' = 'sso'): Promise<PoolToken[]> {
    await gateway.deleteAllTokens();
    return gateway.addTokens(n, type);
  },

  async createKey(opts: { name?: string; models?: string[]; limits?: Record<string, number> } = {}): Promise<CreatedKey> {
    const r = await ok<{ id: string; key: string }>('POST', '/api/admin/keys', {
      name: opts.name ?? `e2e-${randomBytes(4).toString('hex')}`,
      ...(opts.models ? { models: opts.models } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
    });
    expect(r.key).toMatch(/^sk-g2a-/);
    return { id: r.id, key: r.key, client: openai(r.key) };
  },

  async patchKey(id: string, patch: Record<string, unknown>) {
    return ok('PATCH', `/api/admin/keys/${id}`, patch);
  },

  async key(id: string): Promise<{ usageToday: Record<string, number>; [k: string]: any }> {
    const r = await ok<{ items: any[] }>('GET', '/api/admin/keys');
    const found = r.items.find((k) => k.id === id);
    expect(found, `key ${id} is listed`).toBeDefined();
    return found;
  },

  async logs(query: Record<string, string | number> = {}): Promise<any[]> {
    const qs = new URLSearchParams(Object.entries({ pageSize: 500, ...query }).map(([k, v]) => [k, String(v)]));
    const r = await ok<{ items: any[] }>('GET', `/api/admin/logs?${qs}`);
    return r.items;
  },
};

// ---- fake upstream ---------------------------------------------------------------------------

export interface FakeCall {
  seq: number;
  method: string;
  path: string;
  token: string | null;
  headers: Record<string, string>;
  body: any;
  status: number | null;
  scenario?: { name: string; arg?: string };
  injected?: unknown;
}

async function fakeJson(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${FAKE}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  expect(res.status, `${method} ${path} → ${JSON.stringify(json)}`).toBe(200);
  return json;
}

export const fake = {
  reset: () => fakeJson('POST', '/__fake/reset'),
  inject: (failures: Record<string, unknown>[]) => fakeJson('POST', '/__fake/inject', { failures }),
  async calls(path?: string): Promise<FakeCall[]> {
    const r = await fakeJson('GET', `/__fake/calls${path ? `?path=${encodeURIComponent(path)}` : ''}`);
    return r.calls;
  },
  conversations: () => fake.calls(CONVERSATION_PATH),
  uploads: () => fake.calls(UPLOAD_PATH),
};

/** The per-test starting point: fake reset, default settings, a pool of `n` fresh tokens. */
export async function freshState(n: number): Promise<PoolToken[]> {
  await gateway.login();
  await fake.reset();
  await gateway.resetSettings();
  return gateway.resetPool(n);
}

/** The pool token that served (or was tried by) a fake call. */
export function tokenOfCall(tokens: PoolToken[], c: FakeCall): PoolToken {
  const t = tokens.find((x) => x.raw === c.token);
  expect(t, `call #${c.seq} used a pool token`).toBeDefined();
  return t!;
}

// ---- OpenAI / raw HTTP -----------------------------------------------------------------------

export function openai(apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${GATEWAY}/v1`, maxRetries: 0 });
}

export async function rawChat(key: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${GATEWAY}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Runs a promise that must reject with an `APIError` and returns it. */
export async function apiError(p: Promise<unknown>): Promise<APIError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'the call must fail').toBeInstanceOf(APIError);
  return caught as APIError;
}

export interface Collected {
  chunks: ChatCompletionChunk[];
  content: string;
  reasoning: string;
  error?: unknown;
}

/** Drains an SDK stream, keeping every chunk and the error that ended it (if any). */
export async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<Collected> {
  const out: Collected = { chunks: [], content: '', reasoning: '' };
  try {
    for await (const chunk of stream) {
      out.chunks.push(chunk);
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      out.content += delta?.content ?? '';
      out.reasoning += delta?.reasoning_content ?? '';
    }
  } catch (e) {
    out.error = e;
  }
  return out;
}

export type SseItem = { kind: 'data'; data: string } | { kind: 'comment'; text: string };

/** Splits a raw SSE body into `data:` payloads and `:` comments, in order. */
export function parseSse(body: string): SseItem[] {
  const items: SseItem[] = [];
  for (const block of body.split(/\n\n/)) {
    for (const line of block.split('\n')) {
      if (line.startsWith('data: ')) items.push({ kind: 'data', data: line.slice(6) });
      else if (line.startsWith(':')) items.push({ kind: 'comment', text: line.slice(1).trim() });
    }
  }
  return items;
}

export const userMessage = (text: string) => [{ role: 'user' as const, content: text }];
