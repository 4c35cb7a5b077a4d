/**
 * Shared helpers for the API specs: an admin client for the gateway (`gateway`), the fake upstream's
 * control API (`fake`), OpenAI clients and small SSE utilities.
 *
 * All spec files share one gateway and one D1 database (workers = 1), so every test starts from
 * `freshState()`: fake reset, no tokens, default settings, then fresh tokens.
 */
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
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

/**
 * How long a saved setting may take to reach the /v1 routes. lib/settings/store.ts checks a version
 * counter on every request, so a save is effective for the very next request (settings.spec.ts asserts it).
 */
export const SETTINGS_CACHE_MS = 0;

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
  status: 'active' | 'cooling' | 'quarantined' | 'invalid' | 'disabled';
  cooldownUntil: number | null;
  failedCount: number;
  lastFailureAt: number | null;
  lastFailureReason: string | null;
  quarantinedUntil?: number | null;
  quarantineReason?: string | null;
  quarantineCount?: number;
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

  /** An admin request answered as a raw `Response` (binary bodies, e.g. cache previews). */
  async fetch(path: string, init: { method?: string; auth?: boolean } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = {};
    if (method !== 'GET') headers.origin = ORIGIN;
    if (init.auth !== false && cookie) headers.cookie = cookie;
    return fetch(`${GATEWAY}${path}`, { method, headers });
  },

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

  /**
   * Puts every setting back to its default, with `overrides` on top (only when something differs, since a
   * change costs a propagation wait).
   */
  async resetSettings(overrides: Record<string, unknown> = {}, lastApiRequestBefore?: number): Promise<void> {
    const { values, defaults } = await ok('GET', '/api/admin/settings');
    const target = { ...defaults, ...overrides };
    if (JSON.stringify(values) === JSON.stringify({ ...values, ...target })) return;
    await gateway.setSettings(target, lastApiRequestBefore);
  },

  /** Saves settings and checks they were stored; they apply to the next request (SETTINGS_CACHE_MS is 0). */
  async setSettings(patch: Record<string, unknown>, lastApiRequestBefore?: number): Promise<void> {
    const before = (await ok('GET', '/api/admin/settings')).values;
    const r = await ok('PUT', '/api/admin/settings', patch);
    expect(r.values).toMatchObject(patch);
    // Only a real change has to reach the /v1 routes' settings caches; they were loaded no later than the
    // last /v1 request (when the caller knows it, e.g. freshState: before the test started).
    if (JSON.stringify(before) !== JSON.stringify(r.values)) {
      const from = Math.min(lastApiRequestBefore ?? Date.now(), Date.now());
      await sleep(Math.max(0, from + SETTINGS_CACHE_MS - Date.now()));
    }
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
  /** ISO times the request arrived and (REST) its connection closed. */
  at: string;
  endedAt?: string;
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
  /** Chat turns that reached upstream over REST (Profiles A/B) or the chat-gateway WebSocket (C). */
  chats: (): Promise<UpstreamChat[]> => fakeChats(),
  mgw: () => fake.calls(MGW_PATH) as Promise<FakeWsCall[]>,
  imagine: () => fake.calls(IMAGINE_PATH) as Promise<FakeWsCall[]>,
  setToken: (token: string, state: 'ok' | 'revoked' | 'blocked') => fakeJson('POST', '/__fake/tokens', { token, state }),
};

/**
 * The per-test starting point: fake reset, default settings (plus `settings` on top), a pool of `n` fresh
 * tokens. Passing the test's settings here instead of setting them in the test saves a settings round trip
 * (and its propagation wait) when consecutive tests share them.
 */
export async function freshState(n: number, settings: Record<string, unknown> = {}): Promise<PoolToken[]> {
  // Every /v1 request of the previous test started before this point (freshState only calls admin routes).
  const startedAt = Date.now();
  await gateway.login();
  await fake.reset();
  await gateway.resetSettings(settings, startedAt);
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

// ---- upstream profiles -------------------------------------------------------------------------

export const PROFILES = ['A', 'B', 'C'] as const;
export type Profile = (typeof PROFILES)[number];

export const MGW_PATH = '/ws/mgw/';
export const IMAGINE_PATH = '/ws/imagine/listen';
export const SESSION_PATH = '/api/auth/session';
/** The fake's user id for every token (e2e/fake-grok/rest.mjs FAKE_USER_ID). */
export const FAKE_USER_ID = '5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10';

/** Reasoning of the thinking scenario: the chat-gateway WebSocket (Profile C) has no `header` token. */
export const THINKING_REASONING_WS = THINKING_REASONING.replace('\n\nThinking about your request\n\n', '');
export const thinkingReasoning = (profile: Profile) => (profile === 'C' ? THINKING_REASONING_WS : THINKING_REASONING);

/** A WebSocket session as the fake logs it (one entry per upgrade). */
export interface FakeWsCall extends FakeCall {
  websocket: true;
  url: string;
  messages: any[];
  closeCode: number | null;
  uid?: string;
  sessionId?: string;
  model?: string;
  responses?: { text: string; fileAttachmentIds: string[]; model: string; scenario: { name: string; arg?: string }; quota: string }[];
  rounds?: { requestId: string | null; aspectRatio: string; numGenerations: number; imageIds: string[]; scenario: { name: string } }[];
}

/** One chat turn that reached upstream, whatever the profile: REST E1 call or chat-gateway response. */
export interface UpstreamChat {
  seq: number;
  token: string | null;
  message: string;
  fileAttachments: string[];
  via: 'rest' | 'mgw';
}

async function fakeChats(): Promise<UpstreamChat[]> {
  const all = await fake.calls();
  const out: UpstreamChat[] = [];
  for (const c of all as FakeWsCall[]) {
    if (c.path === CONVERSATION_PATH) {
      out.push({ seq: c.seq, token: c.token, message: c.body?.message, fileAttachments: c.body?.fileAttachments ?? [], via: 'rest' });
    } else if (c.path === MGW_PATH) {
      for (const r of c.responses ?? []) out.push({ seq: c.seq, token: c.token, message: r.text, fileAttachments: r.fileAttachmentIds, via: 'mgw' });
    }
  }
  return out;
}

/** The `echo` answer normalised over both shapes (REST: message/fileAttachments, WebSocket: text/file_attachment_ids). */
export function echoed(content: string | null | undefined): { message: string; fileAttachments: string[]; raw: any } {
  const raw = JSON.parse(content ?? 'null');
  return { message: raw.message ?? raw.text, fileAttachments: raw.fileAttachments ?? raw.file_attachment_ids, raw };
}

// ---- scenarios ---------------------------------------------------------------------------------

/** `#scenario:say:…`: the fake answers exactly `text` (split across frames at uneven positions). */
export const say = (text: string) => `#scenario:say:${Buffer.from(text, 'utf8').toString('base64url')}`;

// ---- typed SSE (Responses API, Anthropic, images) ---------------------------------------------

export interface SseEvent {
  event?: string;
  data: string;
  json?: any;
}

/** Splits a raw SSE body into events (`event:` + `data:` lines; comments and `[DONE]` kept as data). */
export function parseSseEvents(body: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of body.split(/\n\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (!data.length) continue;
    const text = data.join('\n');
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    out.push({ event, data: text, json });
  }
  return out;
}

/** POST with an API key (Bearer) and a JSON body. */
export function rawPost(path: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${GATEWAY}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GET on the gateway (absolute gateway links are fetched on the tests' address), redirects not followed. */
export function rawGet(path: string, key?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(path.startsWith('http') ? onGateway(path) : `${GATEWAY}${path}`, {
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    redirect: 'manual',
  });
}

// ---- media links -------------------------------------------------------------------------------

/** SECRET_KEY of the gateway under test (playwright.config.ts). */
export const TEST_SECRET_KEY = 'test-secret-key-for-e2e-only-0123456789';

/** The media-link HMAC of lib/media/links.ts + lib/crypto.ts (HKDF-SHA256 salt "grok2api", info "media-signing"). */
export function signMediaRef(ref: string, tokenId: string, exp: number, secret = TEST_SECRET_KEY): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'grok2api', 'media-signing', 32));
  return createHmac('sha256', key).update(`${ref}.${tokenId}.${exp}`).digest('base64url');
}

export const mediaRefOfPath = (path: string) => `p_${Buffer.from(path.startsWith('/') ? path : `/${path}`).toString('base64url')}`;
export const mediaRefOfUrl = (url: string) => `u_${Buffer.from(url).toString('base64url')}`;

/**
 * Whether `link` points at the gateway under test. The gateway builds links from the request URL's origin,
 * which `wrangler pages dev` reports as `localhost:<port>` even when the client called 127.0.0.1.
 */
export function isGatewayLink(link: string): boolean {
  const u = new URL(link);
  return u.port === new URL(GATEWAY).port && ['127.0.0.1', 'localhost'].includes(u.hostname);
}

/** The same link on the address the tests use (see `isGatewayLink`). */
export const onGateway = (link: string) => {
  const u = new URL(link);
  return `${GATEWAY}${u.pathname}${u.search}`;
};

/** A gateway media link taken apart: the ref, what it points at, and the query. */
export function parseMediaLink(link: string): { ref: string; target: string; t: string; exp: number; sig: string; url: URL } {
  const url = new URL(link);
  const m = /^\/images\/([pu]_[A-Za-z0-9_-]+)$/.exec(url.pathname);
  expect(m, `media link ${link}`).not.toBeNull();
  const ref = m![1];
  return {
    ref,
    target: Buffer.from(ref.slice(2), 'base64url').toString('utf8'),
    t: url.searchParams.get('t')!,
    exp: Number(url.searchParams.get('exp')),
    sig: url.searchParams.get('sig')!,
    url,
  };
}

export function mediaLinkFor(ref: string, tokenId: string, exp: number, sig = signMediaRef(ref, tokenId, exp)): string {
  return `${GATEWAY}/images/${ref}?t=${encodeURIComponent(tokenId)}&exp=${exp}&sig=${sig}`;
}

/** Bytes the fake serves for an asset path or absolute URL, fetched directly with the owning cookie. */
export async function fakeAsset(pathOrUrl: string, token: string): Promise<Buffer> {
  const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${FAKE}/${pathOrUrl.replace(/^\//, '')}`;
  const res = await fetch(url, { headers: { cookie: `sso=${token}` } });
  expect(res.status, `fake asset ${url}`).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

export const isJpeg = (b: Buffer) => b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
export const isMp4 = (b: Buffer) => b.length > 8 && b.subarray(4, 8).toString('latin1') === 'ftyp';

/** Empties the media cache (KV is shared by every spec). */
export async function purgeMediaCache(): Promise<void> {
  const r = await gateway.call('DELETE', '/api/admin/cache');
  expect(r.status, r.text).toBe(200);
}

// ---- raw D1 rows -------------------------------------------------------------------------------

/** The API gateway's local D1 database file (Miniflare keeps one sqlite file per database). */
export function d1File(): string {
  const { readdirSync, statSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  const files = walk(join(__dirname, '../../.wrangler/test-state/v3/d1')).filter((f) => f.endsWith('.sqlite') && !f.endsWith('metadata.sqlite'));
  expect(files, 'one local D1 file').toHaveLength(1);
  return files[0];
}

/**
 * Runs a read-only SQL query on the stored rows, below the app: `node:sqlite` when this Node has it, else the
 * `sqlite3` CLI, else `wrangler d1 execute --local` on the suite's state.
 */
export function readD1(sql: string): Record<string, unknown>[] {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const file = d1File();
  try {
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_UNKNOWN_BUILTIN_MODULE' && (e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
  }
  try {
    const out = execFileSync('sqlite3', ['-readonly', '-json', file, sql], { encoding: 'utf8' });
    return out.trim() ? JSON.parse(out) : [];
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
  }
  const { join } = require('node:path') as typeof import('node:path');
  const root = join(__dirname, '../..');
  const out = execFileSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', '.wrangler/test-state', '--command', sql, '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
  });
  return (JSON.parse(out) as { results: Record<string, unknown>[] }[])[0].results;
}
