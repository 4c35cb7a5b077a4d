import { describe, expect, it } from 'vitest';
import { publicOrigin } from './public-origin';

const req = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
const plain = { public_base_url: '', trust_proxy_headers: false };

describe('publicOrigin', () => {
  it('uses the Host the client called, not the URL a local server rewrote', () => {
    expect(publicOrigin(req('http://localhost:8788/v1/chat/completions', { host: '192.168.1.20:8788' }), plain)).toBe('http://192.168.1.20:8788');
  });

  it('falls back to the request URL without a usable Host', () => {
    expect(publicOrigin(req('https://g.example.com/v1/x'), plain)).toBe('https://g.example.com');
    expect(publicOrigin(req('https://g.example.com/v1/x', { host: 'evil.com/<script>' }), plain)).toBe('https://g.example.com');
  });

  it('ignores forwarded headers unless the operator trusts a proxy', () => {
    const r = () => req('http://127.0.0.1:8788/v1/x', { host: '127.0.0.1:8788', 'x-forwarded-host': 'api.example.com', 'x-forwarded-proto': 'https' });
    expect(publicOrigin(r(), plain)).toBe('http://127.0.0.1:8788');
    expect(publicOrigin(r(), { ...plain, trust_proxy_headers: true })).toBe('https://api.example.com');
  });

  it('takes the first of several forwarded values and refuses odd schemes', () => {
    const r = req('http://10.0.0.2/v1/x', { host: '10.0.0.2', 'x-forwarded-host': 'a.example.com, b.example.com', 'x-forwarded-proto': 'gopher' });
    expect(publicOrigin(r, { ...plain, trust_proxy_headers: true })).toBe('http://a.example.com');
  });

  it('public_base_url overrides everything, path included', () => {
    const r = req('http://127.0.0.1:8788/v1/x', { host: '127.0.0.1:8788', 'x-forwarded-host': 'api.example.com' });
    expect(publicOrigin(r, { public_base_url: 'https://cdn.example.com/grok/', trust_proxy_headers: true })).toBe('https://cdn.example.com/grok');
  });

  it('keeps IPv6 literals', () => {
    expect(publicOrigin(req('http://localhost:8788/v1/x', { host: '[fe80::1]:8788' }), plain)).toBe('http://[fe80::1]:8788');
  });
});
