import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '@/lib/errors';
import { guardedFetch, isFetchableUrl, isPublicHost, parseIPv4, parseIPv6, type GuardedFetchOptions } from './outbound';

/** What `isPublicHost` sees in production: the hostname after WHATWG URL parsing. */
const hostOf = (url: string) => new URL(url).hostname;

describe('parseIPv4', () => {
  it.each([
    ['127.0.0.1', 0x7f000001],
    ['127.1', 0x7f000001],
    ['127.0.1', 0x7f000001],
    ['2130706433', 0x7f000001],
    ['0x7f000001', 0x7f000001],
    ['0x7f.1', 0x7f000001],
    ['0177.0.0.1', 0x7f000001],
    ['0x7F.0.0.01', 0x7f000001],
    ['127.0.0.1.', 0x7f000001],
    ['0', 0],
    ['0x', 0],
    ['255.255.255.255', 0xffffffff],
  ])('%s', (text, value) => {
    expect(parseIPv4(text.toLowerCase())).toBe(value);
  });

  it.each(['256.0.0.1', '1.2.3.4.5', '08.0.0.1', '1.2.3.16777216', '4294967296', '1..2', '', 'a.b.c.d', '0x1g', '1.2.3.-1'])('refuses %s', (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });
});

describe('parseIPv6', () => {
  it('expands ::, dotted tails and full forms', () => {
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIPv6('2001:DB8:0:0:0:0:0:1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('fe80::')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0]);
  });

  it.each(['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4::5:6:7:8', '::ffff:0177.0.0.1', '::ffff:1.2.3', '12345::', 'g::', ':1', '1:'])('refuses %s', (text) => {
    expect(parseIPv6(text)).toBeUndefined();
  });
});

describe('isPublicHost', () => {
  it.each([
    // loopback and "this network", in every encoding URL parsing normalises
    'http://127.0.0.1',
    'http://127.1',
    'http://2130706433',
    'http://0x7f.1',
    'http://0x7f000001',
    'http://0177.0.0.1',
    'http://127.000.000.001',
    'http://%31%32%37.0.0.1',
    'http://\uff11\uff12\uff17.0.0.1',
    'http://127.0.0.1.',
    'http://127.255.255.254',
    'http://0',
    'http://0.0.0.0',
    // private, shared, link-local (cloud metadata), reserved, documentation, benchmarking, multicast
    'http://10.0.0.1',
    'http://10.255.255.255',
    'http://100.64.0.1',
    'http://100.127.255.255',
    'http://169.254.169.254',
    'http://0xa9fea9fe',
    'http://172.16.0.1',
    'http://172.31.255.255',
    'http://192.0.0.8',
    'http://192.0.2.1',
    'http://192.168.1.1',
    'http://198.18.0.1',
    'http://198.19.255.255',
    'http://198.51.100.7',
    'http://203.0.113.9',
    'http://224.0.0.1',
    'http://239.255.255.250',
    'http://240.0.0.1',
    'http://255.255.255.255',
    // IPv6
    'http://[::]',
    'http://[::1]',
    'http://[0:0:0:0:0:0:0:1]',
    'http://[fc00::1]',
    'http://[fd12:3456::1]',
    'http://[fe80::1]',
    'http://[febf::1]',
    'http://[fec0::1]',
    'http://[ff02::1]',
    'http://[::ffff:127.0.0.1]',
    'http://[::ffff:7f00:1]',
    'http://[::ffff:169.254.169.254]',
    'http://[::ffff:10.0.0.1]',
    'http://[::ffff:0:127.0.0.1]',
    'http://[::127.0.0.1]',
    'http://[::7f00:1]',
    'http://[64:ff9b::127.0.0.1]',
    'http://[64:ff9b::a00:1]',
    'http://[64:ff9b::192.168.0.1]',
    'http://[64:ff9b:1::1]',
    'http://[2001:db8::1]',
    'http://[2001:db8:ffff::1]',
    'http://[2002:7f00:1::]',
    'http://[2002:a9fe:a9fe::1]',
    'http://[2001::1]',
    'http://[100::1]',
    'http://[3fff::1]',
    // names
    'http://localhost',
    'http://LOCALHOST',
    'http://localhost.',
    'http://api.localhost',
    'http://printer.local',
    'http://metadata.google.internal',
    'http://router.home.arpa',
    'http://intranet',
    'http://metadata',
    'http://nas.lan',
    'http://a..b',
  ])('refuses %s', (url) => {
    expect(isPublicHost(hostOf(url))).toBe(false);
  });

  it.each([
    'https://example.com',
    'https://EXAMPLE.com.',
    'https://cdn.images.example.co.uk',
    'https://xn--bcher-kva.example',
    'https://my_host.example.com',
    'https://1e100.net',
    'https://8.8.8.8',
    'https://1.1.1.1',
    'https://134744072',
    'https://172.15.255.255',
    'https://172.32.0.1',
    'https://100.63.255.255',
    'https://100.128.0.1',
    'https://169.253.255.255',
    'https://198.17.255.255',
    'https://223.255.255.255',
    'https://[2606:4700:4700::1111]',
    'https://[2001:4860:4860::8888]',
    'https://[::ffff:8.8.8.8]',
    'https://[64:ff9b::8.8.8.8]',
    'https://[2002:808:808::1]',
  ])('passes %s', (url) => {
    expect(isPublicHost(hostOf(url))).toBe(true);
  });

  // Forms a URL parser would have normalised: refused even if one did not.
  it.each(['127.1', '2130706433', '0x7f.1', '0177.0.0.1', '[::ffff:127.0.0.1]', '::1', '[fe80::1%eth0]', '[::1', '1.2.3.4.5', '08.1.2.3', '', '.', 'exa mple.com', 'ex%61mple.com', 'a'.repeat(64) + '.com'])(
    'refuses the raw host %j',
    (host) => {
      expect(isPublicHost(host)).toBe(false);
    },
  );
});

describe('isFetchableUrl', () => {
  it('takes http and https only', () => {
    expect(isFetchableUrl(new URL('https://example.com/a.png'))).toBe(true);
    expect(isFetchableUrl(new URL('http://example.com/a.png'))).toBe(true);
    for (const u of ['ftp://example.com/a', 'file:///etc/passwd', 'gopher://example.com', 'data:image/png;base64,AA==', 'ws://example.com']) {
      expect(isFetchableUrl(new URL(u))).toBe(false);
    }
  });
});

// ------------------------------------------------------------------------------------------- guardedFetch

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Route = (url: URL, init: RequestInit) => Response | Promise<Response>;

function fakeFetch(route: Route) {
  return vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => route(new URL(String(input)), init)) as unknown as typeof fetch & ReturnType<typeof vi.fn>;
}

const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } });

function opts(fetchImpl: typeof fetch, extra: Partial<GuardedFetchOptions> = {}): GuardedFetchOptions {
  return { fetchImpl, maxBytes: 1024, timeoutMs: 1000, label: 'Image 1', param: 'image_url', code: 'image_fetch_failed', ...extra };
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GatewayError);
  return e as GatewayError;
}

/** A body that never ends and never sends a byte, or only when aborted. */
function stalledBody(signal?: AbortSignal | null) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(signal.reason));
    },
  });
}

describe('guardedFetch', () => {
  it('returns the bytes and the media type of a 2xx answer, asking for manual redirects', async () => {
    const f = fakeFetch(() => new Response(PNG, { headers: { 'content-type': 'Image/PNG; charset=binary' } }));
    const out = await guardedFetch('https://example.com/a.png', opts(f));
    expect(out.bytes).toEqual(PNG);
    expect(out.contentType).toBe('image/png');
    const init = f.mock.calls[0][1] as RequestInit;
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('calls fetchImpl unbound (workerd fetch refuses a foreign `this`)', async () => {
    let self: unknown = 'unset';
    const f = function (this: unknown) {
      self = this;
      return Promise.resolve(new Response(PNG));
    } as unknown as typeof fetch;
    await guardedFetch('https://example.com/a.png', opts(f));
    expect(self).toBeUndefined();
  });

  it('follows a public redirect, resolving a relative Location against the current URL', async () => {
    const f = fakeFetch((url) => {
      if (url.href === 'https://example.com/a/start') return redirect('../b/next', 301);
      if (url.href === 'https://example.com/b/next') return redirect('https://cdn.example.net/final.png', 307);
      if (url.href === 'https://cdn.example.net/final.png') return new Response(PNG);
      return new Response(null, { status: 404 });
    });
    const out = await guardedFetch('https://example.com/a/start', opts(f));
    expect(out.bytes).toEqual(PNG);
    expect(f.mock.calls.map((c) => String(c[0]))).toEqual(['https://example.com/a/start', 'https://example.com/b/next', 'https://cdn.example.net/final.png']);
  });

  it.each(['http://127.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://2130706433/', 'http://[::ffff:7f00:1]/', 'http://localhost:8080/', '//10.0.0.1/x', 'http://metadata.google.internal/'])(
    'refuses a redirect to %s without fetching it',
    async (location) => {
      const f = fakeFetch((url) => (url.hostname === 'example.com' ? redirect(location) : new Response(PNG)));
      const e = await failure(guardedFetch('https://example.com/start', opts(f)));
      expect(e.code).toBe('image_fetch_failed');
      expect(f).toHaveBeenCalledTimes(1);
    },
  );

  it.each(['file:///etc/passwd', 'ftp://example.com/a.png', 'gopher://example.com/', 'data:image/png;base64,iVBORw0KGgo=', 'javascript:alert(1)', 'http://[::1', 'http://exa mple.com/'])(
    'refuses a Location of %s',
    async (location) => {
      const f = fakeFetch((url) => (url.pathname === '/start' ? redirect(location) : new Response(PNG)));
      await failure(guardedFetch('https://example.com/start', opts(f)));
      expect(f).toHaveBeenCalledTimes(1);
    },
  );

  it('refuses a redirect without a Location and a 3xx that is not a redirect', async () => {
    await failure(guardedFetch('https://example.com/', opts(fakeFetch(() => new Response(null, { status: 302 })))));
    await failure(guardedFetch('https://example.com/', opts(fakeFetch(() => new Response(null, { status: 304 })))));
  });

  it('stops after maxRedirects hops', async () => {
    let n = 0;
    const loop = fakeFetch(() => redirect(`/hop${++n}`));
    await failure(guardedFetch('https://example.com/', opts(loop, { maxRedirects: 3 })));
    expect(loop).toHaveBeenCalledTimes(4);

    let m = 0;
    const three = fakeFetch(() => (m++ < 3 ? redirect(`/hop${m}`) : new Response(PNG)));
    expect((await guardedFetch('https://example.com/', opts(three, { maxRedirects: 3 }))).bytes).toEqual(PNG);
  });

  it('defaults to a small hop limit', async () => {
    const loop = fakeFetch(() => redirect('/again'));
    await failure(guardedFetch('https://example.com/', opts(loop)));
    expect(loop.mock.calls.length).toBeLessThanOrEqual(4);
  });

  it('refuses a private starting URL without fetching', async () => {
    const f = fakeFetch(() => new Response(PNG));
    await failure(guardedFetch('http://192.168.0.1/a.png', opts(f)));
    await failure(guardedFetch(new URL('http://[fd00::1]/'), opts(f)));
    expect(f).not.toHaveBeenCalled();
  });

  it('times out a stalled connection and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const f = fakeFetch((_url, init) => {
      seen = init.signal ?? undefined;
      return new Promise<Response>(() => undefined);
    });
    await failure(guardedFetch('https://example.com/slow', opts(f, { timeoutMs: 20 })));
    expect(seen?.aborted).toBe(true);
  });

  it('times out a body that stalls after the headers', async () => {
    const f = fakeFetch(() => new Response(stalledBody()));
    await failure(guardedFetch('https://example.com/slow-body', opts(f, { timeoutMs: 20 })));
  });

  it("ends when the caller's signal aborts", async () => {
    const caller = new AbortController();
    const f = fakeFetch((_url, init) => new Response(stalledBody(init.signal)));
    const p = guardedFetch('https://example.com/', opts(f, { signal: caller.signal, timeoutMs: 60_000 }));
    caller.abort();
    await failure(p);
    const already = new AbortController();
    already.abort();
    await failure(guardedFetch('https://example.com/', opts(fakeFetch(() => new Response(PNG)), { signal: already.signal })));
  });

  it('caps the size, by Content-Length and by the bytes actually read', async () => {
    const declared = fakeFetch(() => new Response(PNG, { headers: { 'content-length': '5000' } }));
    await failure(guardedFetch('https://example.com/', opts(declared, { maxBytes: 100 })));
    const undeclared = fakeFetch(() => new Response(new Uint8Array(101)));
    await failure(guardedFetch('https://example.com/', opts(undeclared, { maxBytes: 100 })));
    const exact = fakeFetch(() => new Response(new Uint8Array(100)));
    expect((await guardedFetch('https://example.com/', opts(exact, { maxBytes: 100 }))).bytes.byteLength).toBe(100);
  });

  it('applies accept to the media type', async () => {
    const html = fakeFetch(() => new Response('<script>', { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const accept = (t: string) => t.startsWith('image/');
    await failure(guardedFetch('https://example.com/', opts(html, { accept })));
    const png = fakeFetch(() => new Response(PNG, { headers: { 'content-type': 'image/png' } }));
    expect((await guardedFetch('https://example.com/', opts(png, { accept }))).contentType).toBe('image/png');
  });

  it('gives one text, type, status and code for every kind of failure', async () => {
    const kinds: [string, string, Partial<GuardedFetchOptions>][] = [
      ['private host', 'http://10.0.0.1/', {}],
      ['metadata host', 'http://169.254.169.254/', {}],
      ['unreachable', 'https://unreachable.example/', {}],
      ['not found', 'https://example.com/404', {}],
      ['server error', 'https://example.com/500', {}],
      ['forbidden', 'https://example.com/403', {}],
      ['redirect to private', 'https://example.com/to-private', {}],
      ['redirect loop', 'https://example.com/loop', {}],
      ['timeout', 'https://example.com/slow', { timeoutMs: 20 }],
      ['too large', 'https://example.com/big', { maxBytes: 4 }],
      ['opaque redirect', 'https://example.com/opaque', {}],
      ['not a URL', 'not a url', {}],
    ];
    const f = fakeFetch((url) => {
      switch (url.pathname) {
        case '/404':
          return new Response('no such thing', { status: 404 });
        case '/500':
          return new Response('boom', { status: 500 });
        case '/403':
          return new Response('go away', { status: 403 });
        case '/to-private':
          return redirect('http://127.0.0.1:6379/');
        case '/loop':
          return redirect('/loop');
        case '/slow':
          return new Promise<Response>(() => undefined);
        case '/big':
          return new Response(PNG);
        case '/opaque':
          return Response.error();
      }
      throw new TypeError('fetch failed: getaddrinfo ENOTFOUND unreachable.example');
    });
    const errors = await Promise.all(kinds.map(([, url, extra]) => failure(guardedFetch(url, opts(f, extra)))));
    const shapes = errors.map((e) => ({ ...e.toJSON(), status: e.status }));
    expect(new Set(shapes.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(shapes[0]).toEqual({
      error: { message: 'Image 1 could not be fetched', type: 'invalid_request_error', param: 'image_url', code: 'image_fetch_failed' },
      status: 400,
    });
    // Each went down its own path; the reason is kept as the cause, for logs only.
    const reasons = errors.map((e) => (e.cause as Error).message);
    expect(new Set(reasons).size).toBeGreaterThanOrEqual(9);
    for (const r of reasons) expect(JSON.stringify(errors[0].toJSON())).not.toContain(r);
  });

  it('never sends a request to a host it refuses, across the whole table', async () => {
    const f = fakeFetch(() => new Response(PNG));
    for (const u of ['http://127.1/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://[::ffff:127.0.0.1]/', 'http://[64:ff9b::10.0.0.1]/', 'http://x.localhost/']) {
      await failure(guardedFetch(u, opts(f)));
    }
    expect(f).not.toHaveBeenCalled();
  });
});
