import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, classifyInBandError, type AccountEffect, type FailureKind } from './errors';

const JSON_CT = { 'content-type': 'application/json' };
const HTML_CT = { 'content-type': 'text/html; charset=UTF-8' };
const CF_HTML =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>' +
  '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f"></script></body></html>';
const json = (v: unknown) => JSON.stringify(v);

interface Row {
  name: string;
  status: number;
  headers?: Record<string, string>;
  body: string;
  kind: FailureKind;
  retryable: boolean;
  account: AccountEffect;
  retryAfterSeconds?: number;
}

const NOW = Date.UTC(2026, 1, 10, 9, 15, 0); // whole second, so HTTP dates are exact

const rows: Row[] = [
  {
    name: '401 JSON unauthenticated',
    status: 401,
    headers: JSON_CT,
    body: json({ error: { code: 16, message: 'Request is unauthenticated', details: [] } }),
    kind: 'auth',
    retryable: true,
    account: 'invalidate',
  },
  { name: '403 Cloudflare challenge page', status: 403, headers: HTML_CT, body: CF_HTML, kind: 'challenge', retryable: true, account: 'none' },
  { name: '403 empty body', status: 403, body: '', kind: 'challenge', retryable: true, account: 'none' },
  { name: '403 HTML without challenge markers', status: 403, headers: HTML_CT, body: '<html><body>Forbidden</body></html>', kind: 'challenge', retryable: true, account: 'none' },
  {
    name: '403 JSON blocked-user',
    status: 403,
    headers: JSON_CT,
    body: json({ error: { code: 7, message: 'blocked-user: this account is blocked' } }),
    kind: 'blocked',
    retryable: true,
    account: 'invalidate',
  },
  {
    name: '403 JSON anti-bot',
    status: 403,
    headers: JSON_CT,
    body: json({ error: { code: 7, message: 'Request rejected by anti-bot rules.', details: [] } }),
    kind: 'anti_bot',
    retryable: true,
    account: 'none',
  },
  {
    name: '400 invalid-credentials',
    status: 400,
    headers: JSON_CT,
    body: json({ error: { code: 3, message: 'invalid-credentials: could not verify session' } }),
    kind: 'auth',
    retryable: true,
    account: 'invalidate',
  },
  {
    name: '429 with Retry-After seconds',
    status: 429,
    headers: { ...JSON_CT, 'retry-after': '120' },
    body: json({ error: { code: 8, message: 'Too many requests' } }),
    kind: 'rate_limited',
    retryable: true,
    account: 'cool',
    retryAfterSeconds: 120,
  },
  {
    name: '429 with Retry-After as an HTTP date',
    status: 429,
    headers: { ...JSON_CT, 'retry-after': new Date(NOW + 90_000).toUTCString() },
    body: json({ error: { message: 'Too many requests' } }),
    kind: 'rate_limited',
    retryable: true,
    account: 'cool',
    retryAfterSeconds: 90,
  },
  { name: '429 without Retry-After', status: 429, body: '', kind: 'rate_limited', retryable: true, account: 'cool', retryAfterSeconds: undefined },
  { name: '500', status: 500, body: 'Internal Server Error', kind: 'transient', retryable: true, account: 'strike' },
  { name: '502', status: 502, headers: HTML_CT, body: '<html>Bad gateway</html>', kind: 'transient', retryable: true, account: 'strike' },
  { name: '503', status: 503, body: '', kind: 'transient', retryable: true, account: 'strike' },
  { name: '404', status: 404, headers: JSON_CT, body: json({ error: { message: 'Not Found' } }), kind: 'rejected', retryable: false, account: 'none' },
  {
    name: '400 content moderated',
    status: 400,
    headers: JSON_CT,
    body: json({ error: { message: 'Content moderated [WKE=grok:content-moderated]' } }),
    kind: 'moderated',
    retryable: false,
    account: 'none',
  },
];

describe('classifyHttpFailure', () => {
  it.each(rows)('$name → $kind', (row) => {
    const f = classifyHttpFailure(row.status, new Headers(row.headers), row.body, NOW);
    expect(f.kind).toBe(row.kind);
    expect(f.status).toBe(row.status);
    expect(f.retryable).toBe(row.retryable);
    expect(f.account).toBe(row.account);
    if ('retryAfterSeconds' in row) expect(f.retryAfterSeconds).toBe(row.retryAfterSeconds);
  });

  it('never puts HTML into the message', () => {
    const f = classifyHttpFailure(403, new Headers(HTML_CT), CF_HTML, NOW);
    expect(f.message).not.toMatch(/[<>]/);
  });

  it('uses the JSON error message in the failure message', () => {
    const f = classifyHttpFailure(401, new Headers(JSON_CT), json({ error: { code: 16, message: 'token revoked by user' } }), NOW);
    expect(f.message).toBe('upstream 401: token revoked by user');
  });

  it('a Retry-After date in the past counts as 0 seconds', () => {
    const f = classifyHttpFailure(429, new Headers({ 'retry-after': new Date(NOW - 60_000).toUTCString() }), '', NOW);
    expect(f.retryAfterSeconds).toBe(0);
  });
});

describe('classifyInBandError', () => {
  it.each([
    [{ code: 8, message: 'Too many requests' }, 'rate_limited', true, 'cool'],
    [{ code: 7, message: 'Request rejected by anti-bot rules.' }, 'anti_bot', true, 'none'],
    [{ code: 16, message: 'unauthenticated' }, 'auth', true, 'invalidate'],
    [{ code: 13, message: 'Internal error' }, 'model_error', true, 'none'],
    [{ message: "You've reached your usage limit. Please try again later." }, 'rate_limited', true, 'cool'],
    [{ message: 'content-moderated' }, 'moderated', false, 'none'],
    [{}, 'model_error', true, 'none'],
  ] as const)('%j → %s', (error, kind, retryable, account) => {
    const f = classifyInBandError(error);
    expect(f).toMatchObject({ kind, retryable, account });
    expect(f.status).toBeUndefined();
  });

  it('names the code and message', () => {
    expect(classifyInBandError({ code: 8, message: 'Too many requests' }).message).toBe('upstream in-band error 8: Too many requests');
  });
});
