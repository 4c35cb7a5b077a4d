/**
 * @module grok/headers
 * Request headers for grok.com (spec §2): the sso cookie, a fresh `x-statsig-id` and `x-xai-request-id`
 * per request, and browser-like client hints derived from the configured User-Agent.
 */
import type { Settings } from '@/lib/settings/schema';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}0123456789`;

function pick(alphabet: string, n: number, random: () => number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}

/** The "fallback" statsig values of spec §2.2 (generation 1 `e:`, generation 2 `x1:`), or the operator's static value. */
export function statsigId(settings: Pick<Settings, 'statsig_mode' | 'statsig_static_value'>, random = Math.random): string {
  if (settings.statsig_mode === 'static' && settings.statsig_static_value) return settings.statsig_static_value;
  const prefix = settings.statsig_mode === 'e' ? 'e' : 'x1';
  const inner = pick(ALNUM, 5, random);
  const text =
    random() < 0.5
      ? prefix === 'x1'
        ? `x1:TypeError: Cannot read properties of null (reading 'children[\\'${inner}\\']')`
        : `e:TypeError: Cannot read properties of null (reading 'children['${inner}']')`
      : `${prefix}:TypeError: Cannot read properties of undefined (reading '${pick(LOWER, 10, random)}')`;
  return btoa(text);
}

/** Strips cookie syntax, whitespace and non-ASCII from an imported token (spec §2.1). */
export function normalizeToken(input: string): string {
  let s = input.trim();
  if (s.includes(';') || /^sso(-rw)?=/.test(s)) {
    const match = /(?:^|;\s*)sso=([^;]+)/.exec(s);
    s = match ? match[1] : s.replace(/^sso(-rw)?=/, '');
  }
  // eslint-disable-next-line no-control-regex
  return s.replace(/[^\x21-\x7e]/g, '');
}

export function cookieHeader(token: string, cfCookies: string): string {
  const extra = cfCookies.trim().replace(/^;\s*/, '');
  return `sso=${token}; sso-rw=${token}${extra ? `; ${extra}` : ''}`;
}

function clientHints(userAgent: string): Record<string, string> {
  const chrome = /Chrome\/(\d+)/.exec(userAgent);
  if (!chrome || /Edg\/|OPR\//.test(userAgent)) return {};
  const platform = /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Android/.test(userAgent) ? 'Android' : 'Linux';
  return {
    'sec-ch-ua': `"Google Chrome";v="${chrome[1]}", "Chromium";v="${chrome[1]}", "Not(A:Brand";v="24"`,
    'sec-ch-ua-mobile': /Mobile/.test(userAgent) ? '?1' : '?0',
    'sec-ch-ua-platform': `"${platform}"`,
  };
}

export interface HeaderOptions {
  token: string;
  settings: Pick<Settings, 'statsig_mode' | 'statsig_static_value' | 'user_agent' | 'cf_cookies'>;
  /** Origin of grok.com as configured (the Origin/Referer headers name it). */
  origin: string;
  referer?: string;
  random?: () => number;
}

export function jsonHeaders({ token, settings, origin, referer, random = Math.random }: HeaderOptions): Record<string, string> {
  return {
    accept: '*/*',
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
    'content-type': 'application/json',
    origin,
    referer: referer ?? `${origin}/`,
    'user-agent': settings.user_agent,
    ...clientHints(settings.user_agent),
    'sec-fetch-dest': 'empty',
    'sec-fetch-mode': 'cors',
    'sec-fetch-site': 'same-origin',
    priority: 'u=1, i',
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    'x-statsig-id': statsigId(settings, random),
    'x-xai-request-id': crypto.randomUUID(),
    cookie: cookieHeader(token, settings.cf_cookies),
  };
}

export function assetHeaders({ token, settings, origin }: HeaderOptions, range?: string | null): Record<string, string> {
  const h: Record<string, string> = {
    accept: 'image/avif,image/webp,image/*,video/*,*/*;q=0.8',
    'user-agent': settings.user_agent,
    referer: `${origin}/`,
    cookie: cookieHeader(token, settings.cf_cookies),
  };
  if (range) h.range = range;
  return h;
}

/** WebSocket upgrade headers (spec §2.4): no content type, no statsig. */
export function wsHeaders({ token, settings, origin }: HeaderOptions, extraCookie = ''): Record<string, string> {
  return {
    origin,
    'user-agent': settings.user_agent,
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    ...clientHints(settings.user_agent),
    cookie: cookieHeader(token, settings.cf_cookies) + extraCookie,
  };
}
