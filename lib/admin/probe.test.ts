import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { TEST_SECRET, testPlatform, tokenRow } from '@/lib/test/fixtures';
import { tokens } from '@/lib/db/schema';
import { buildCatalog } from '@/lib/catalog/models';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { encryptSecret } from '@/lib/crypto';
import type { AdminContext } from './guard';
import { probeProfiles } from './probe';

const PLAIN_ANSWER = readFileSync(new URL('../../e2e/fake-grok/fixtures/01-chat-plain.ndjson', import.meta.url), 'utf8');
const t = useTestDb(tokens);
beforeEach(async () => {
  await t.db.insert(tokens).values(tokenRow('a', { tokenEnc: await encryptSecret(TEST_SECRET, 'sso-raw-value'), userId: 'user-1' }));
});

type Answer = () => Response;
/** grok.com as the probe meets it: one scripted answer per request, and what each request asked. */
function upstream(answers: Answer[]) {
  const asked: { url: string; body?: Record<string, unknown>; cookie: string | null }[] = [];
  const fetch = (async (input: URL | string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    asked.push({ url: String(input), body: init.body ? JSON.parse(String(init.body)) : undefined, cookie: headers.get('cookie') });
    return answers.shift()!();
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

function context(fetch: typeof globalThis.fetch): AdminContext {
  const settings = { ...DEFAULT_SETTINGS, upstream_profile: 'A' as const };
  return {
    db: t.db,
    now: Date.now,
    settings,
    catalog: buildCatalog([]),
    secret: TEST_SECRET,
    grok: { fetch, baseUrl: 'https://grok.test', headers: { settings } },
    platform: testPlatform(t.d1, { GROK_WS_URL: 'wss://grok.test' }).platform,
  } as unknown as AdminContext;
}

const ndjson = (body: string) => () => new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const cloudflareHtml = () => new Response('<html><title>Just a moment...</title></html>', { status: 403, headers: { 'content-type': 'text/html' } });

type Report = { tokenId: string; current: string; recommended: string | null; results: { profile: string; ok: boolean; kind?: string; sample?: string; ms: number }[] };

describe('probeProfiles', () => {
  it('tries A, B and C on the account, classifies each, and recommends the newest that answered', async () => {
    const up = upstream([json(429, { error: { code: 8, message: 'Too many requests' } }), ndjson(PLAIN_ANSWER), cloudflareHtml]);
    const before = await t.db.select().from(tokens);
    const report = (await (await probeProfiles(context(up.fetch), 'a')).json()) as Report;
    expect(report).toMatchObject({ tokenId: 'a', current: 'A', recommended: 'B' });
    expect(report.results.map((r) => [r.profile, r.ok, r.kind])).toEqual([
      ['A', false, 'rate_limited'],
      ['B', true, undefined],
      ['C', false, 'challenge'],
    ]);
    expect(report.results[1].sample?.length).toBeGreaterThan(0);
    expect(report.results.every((r) => r.ms >= 0)).toBe(true);
    // The account's own sso value went out, decrypted; C opened the chat gateway's socket, not REST.
    expect(up.asked.every((a) => a.cookie?.includes('sso-raw-value'))).toBe(true);
    expect(up.asked.map((a) => new URL(a.url).pathname)).toEqual(['/rest/app-chat/conversations/new', '/rest/app-chat/conversations/new', '/ws/mgw/']);
    // Profile A names the model, B its mode.
    expect([up.asked[0].body?.modelName, up.asked[1].body?.modeId]).toEqual(['grok-4-1-thinking-1129', 'fast']);
    // A probe changes no account state, failures included.
    expect(await t.db.select().from(tokens)).toEqual(before);
  });

  it('no profile answering: nothing recommended; a stream that ends without done is no answer', async () => {
    const truncated = PLAIN_ANSWER.split('\n').slice(0, 3).join('\n') + '\n';
    const up = upstream([json(401, { error: { message: 'unauthenticated' } }), ndjson(truncated), cloudflareHtml]);
    const report = (await (await probeProfiles(context(up.fetch), 'a')).json()) as Report;
    expect(report.recommended).toBeNull();
    expect(report.results.map((r) => r.ok)).toEqual([false, false, false]);
    expect([report.results[0].kind, report.results[1].kind]).toEqual(['auth', 'transient']);
  });

  it('an unknown account is a 404 and asks upstream nothing', async () => {
    const up = upstream([]);
    await expect(probeProfiles(context(up.fetch), 'nope')).rejects.toMatchObject({ status: 404 });
    expect(up.asked).toEqual([]);
  });
});
