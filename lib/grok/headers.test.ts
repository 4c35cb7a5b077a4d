import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import { cookieHeader, jsonHeaders, normalizeToken, statsigId } from './headers';

/** A random() that returns the given values in order (then repeats the last one). */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
};
/** The value that makes `alphabet[Math.floor(random() * alphabet.length)]` pick `ch`. */
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const at = (alphabet: string, ch: string) => (alphabet.indexOf(ch) + 0.5) / alphabet.length;
const chars = (alphabet: string, s: string) => [...s].map((c) => at(alphabet, c));

const decode = (b64: string) => atob(b64);
const mode = (statsig_mode: 'x1' | 'e' | 'static', statsig_static_value = '') => ({ statsig_mode, statsig_static_value });

describe('statsigId', () => {
  it('x1 "null" template with escaped quotes (spec §2.2 example)', () => {
    const value = statsigId(mode('x1'), seq(...chars(ALNUM, 'ab1c9'), 0.1));
    expect(decode(value)).toBe("x1:TypeError: Cannot read properties of null (reading 'children[\\'ab1c9\\']')");
    expect(value).toBe(btoa("x1:TypeError: Cannot read properties of null (reading 'children[\\'ab1c9\\']')"));
  });

  it('x1 "undefined" template with 10 lowercase letters', () => {
    const value = statsigId(mode('x1'), seq(...chars(ALNUM, 'zzzzz'), 0.7, ...chars(LOWER, 'childnodes')));
    expect(decode(value)).toBe("x1:TypeError: Cannot read properties of undefined (reading 'childnodes')");
  });

  it('e mode uses the e: prefix and unescaped quotes', () => {
    expect(decode(statsigId(mode('e'), seq(...chars(ALNUM, '0a9b8'), 0.2)))).toBe(
      "e:TypeError: Cannot read properties of null (reading 'children['0a9b8']')",
    );
    expect(decode(statsigId(mode('e'), seq(...chars(ALNUM, 'aaaaa'), 0.5, ...chars(LOWER, 'abcdefghij'))))).toBe(
      "e:TypeError: Cannot read properties of undefined (reading 'abcdefghij')",
    );
  });

  it('static mode sends the configured value verbatim', () => {
    expect(statsigId(mode('static', 'c2lnbmVkLXZhbHVl'), () => 0.3)).toBe('c2lnbmVkLXZhbHVl');
  });

  it('default random values always decode to one of the two templates', () => {
    for (let i = 0; i < 50; i++) {
      expect(decode(statsigId(mode('x1')))).toMatch(
        /^x1:TypeError: Cannot read properties of (null \(reading 'children\[\\'[a-z0-9]{5}\\'\]'\)|undefined \(reading '[a-z]{10}'\))$/,
      );
    }
  });
});

describe('normalizeToken', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uX2lkIjoiYWJjIn0.c2lnbmF0dXJl';
  it.each([
    ['a bare JWT', JWT],
    ['sso=… cookie', `sso=${JWT}`],
    ['sso=…; sso-rw=… cookie string', `sso=${JWT}; sso-rw=${JWT}`],
    ['sso-rw first', `sso-rw=${JWT};sso=${JWT}`],
    ['a whole browser cookie string', `cf_clearance=abc123; sso=${JWT}; x-userid=5f3c2a1e; __cf_bm=zz`],
    ['only sso-rw=', `sso-rw=${JWT}`],
    ['surrounding whitespace and newlines', `\n  ${JWT}\r\n\t`],
    ['a line break inside the pasted token', `${JWT.slice(0, 20)}\r\n${JWT.slice(20)}`],
    ['spaces around the cookie value', `  sso=${JWT} ;  sso-rw=${JWT}  `],
  ])('%s', (_, input) => {
    expect(normalizeToken(input)).toBe(JWT);
  });
});

describe('cookieHeader', () => {
  it('sends sso and sso-rw with the same value', () => {
    expect(cookieHeader('T0K', '')).toBe('sso=T0K; sso-rw=T0K');
  });
  it('appends the Cloudflare cookies', () => {
    expect(cookieHeader('T0K', 'cf_clearance=abc; __cf_bm=def')).toBe('sso=T0K; sso-rw=T0K; cf_clearance=abc; __cf_bm=def');
  });
  it('tolerates a leading separator and whitespace in the configured cookies', () => {
    expect(cookieHeader('T0K', '  ; cf_clearance=abc  ')).toBe('sso=T0K; sso-rw=T0K; cf_clearance=abc');
    expect(cookieHeader('T0K', '   ')).toBe('sso=T0K; sso-rw=T0K');
  });
});

describe('jsonHeaders', () => {
  it('builds browser-like headers with cookie, statsig, request id and client hints', () => {
    const h = jsonHeaders({
      token: 'T0K',
      settings: { ...DEFAULT_SETTINGS, cf_cookies: 'cf_clearance=abc' },
      origin: 'https://grok.example',
      random: seq(...chars(ALNUM, 'abcde'), 0.1),
    });
    expect(h.cookie).toBe('sso=T0K; sso-rw=T0K; cf_clearance=abc');
    expect(h.origin).toBe('https://grok.example');
    expect(h.referer).toBe('https://grok.example/');
    expect(decode(h['x-statsig-id'])).toBe("x1:TypeError: Cannot read properties of null (reading 'children[\\'abcde\\']')");
    expect(h['x-xai-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h['sec-ch-ua']).toBe('"Google Chrome";v="136", "Chromium";v="136", "Not(A:Brand";v="24"');
    expect(h['sec-ch-ua-platform']).toBe('"macOS"');
    expect(h['sec-ch-ua-mobile']).toBe('?0');
    expect(h['content-type']).toBe('application/json');
  });

  it('omits client hints for a non-Chromium user agent and honours a referer', () => {
    const h = jsonHeaders({
      token: 'T',
      settings: { ...DEFAULT_SETTINGS, user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
      origin: 'https://grok.example',
      referer: 'https://grok.example/imagine',
    });
    expect(h).not.toHaveProperty('sec-ch-ua');
    expect(h.referer).toBe('https://grok.example/imagine');
  });
});
