import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '@/lib/errors';
import { bytesToBase64 } from '@/lib/encoding';
import { MAX_ATTACHMENT_BYTES, prepareAttachments, readImageUploads } from './attachments';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
const GIF = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00');
const WEBP = new TextEncoder().encode('RIFF\x24\x00\x00\x00WEBPVP8 ');
const HTML = new TextEncoder().encode('<html><script>alert(1)</script></html>');

const dataUri = (type: string, bytes: Uint8Array) => `data:${type};base64,${bytesToBase64(bytes)}`;

function fetchReturning(res: () => Response) {
  return vi.fn(async () => res()) as unknown as typeof fetch & ReturnType<typeof vi.fn>;
}

async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GatewayError);
  return e as GatewayError;
}

const neverFetch = fetchReturning(() => {
  throw new Error('must not fetch');
});

describe('prepareAttachments: data URIs', () => {
  it.each([
    ['image/png', PNG, 'image/png', 'image-1.png'],
    ['image/jpeg', JPEG, 'image/jpeg', 'image-1.jpg'],
    ['image/webp', WEBP, 'image/webp', 'image-1.webp'],
    ['image/gif', GIF, 'image/gif', 'image-1.gif'],
    ['IMAGE/PNG', PNG, 'image/png', 'image-1.png'],
    // The bytes decide the type, within the allowed set.
    ['image/jpeg', PNG, 'image/png', 'image-1.png'],
  ])('accepts %s carrying the right bytes', async (declared, bytes, mimeType, name) => {
    const [file] = await prepareAttachments([dataUri(declared, bytes)], neverFetch);
    expect(file).toMatchObject({ mimeType, name, base64: bytesToBase64(bytes), size: bytes.byteLength });
  });

  it.each(['text/html', 'image/svg+xml', 'application/octet-stream', 'application/xhtml+xml', 'constructor', 'image/bmp'])('refuses a declared type of %s', async (declared) => {
    const e = await rejection(prepareAttachments([dataUri(declared, PNG)], neverFetch));
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_image');
    expect(e.message).toMatch(/^Image 1: data URIs must be image\/png/);
  });

  it('refuses a data URI without a type', async () => {
    await rejection(prepareAttachments([`data:;base64,${bytesToBase64(PNG)}`], neverFetch));
    await rejection(prepareAttachments([`data:,${bytesToBase64(PNG)}`], neverFetch));
  });

  it('refuses an image type whose bytes are not an image', async () => {
    const e = await rejection(prepareAttachments([dataUri('image/png', HTML)], neverFetch, 'image_url'));
    expect(e).toMatchObject({ code: 'invalid_image', param: 'image_url', message: 'Image 1 is not a PNG, JPEG, WebP or GIF image' });
  });

  it('refuses short or malformed base64 without a 500', async () => {
    for (const body of ['iVBOR', 'AAAAA', '!!!!']) {
      await rejection(prepareAttachments([`data:image/png;base64,${body}`], neverFetch));
    }
  });

  it('still requires base64', async () => {
    const e = await rejection(prepareAttachments(['data:image/png,rawbytes'], neverFetch));
    expect(e.message).toBe('Image 1: data URIs must be base64-encoded');
  });
});

describe('prepareAttachments: URLs', () => {
  it('downloads through the guard (manual redirects) and types the file by its bytes', async () => {
    const f = fetchReturning(() => new Response(PNG, { headers: { 'content-type': 'text/html' } }));
    const [file] = await prepareAttachments(['https://images.example.com/cat'], f, 'image_url');
    expect(file).toMatchObject({ mimeType: 'image/png', name: 'image-1.png', size: PNG.byteLength, base64: bytesToBase64(PNG) });
    const init = f.mock.calls[0][1] as RequestInit;
    expect(init.redirect).toBe('manual');
  });

  it('numbers files by their position among data URIs and URLs', async () => {
    const f = fetchReturning(() => new Response(GIF));
    const files = await prepareAttachments([dataUri('image/jpeg', JPEG), 'https://images.example.com/a.gif'], f);
    expect(files.map((x) => x.name)).toEqual(['image-1.jpg', 'image-2.gif']);
  });

  const generic = { message: 'Image 2 could not be fetched', code: 'image_fetch_failed', param: 'image_url', status: 400 };

  it.each(['http://127.0.0.1/a.png', 'http://2130706433/a.png', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:7f00:1]/', 'http://localhost:3000/', 'http://printer.local/'])(
    'refuses %s without fetching, with the generic text',
    async (url) => {
      const e = await rejection(prepareAttachments([dataUri('image/png', PNG), url], neverFetch, 'image_url'));
      expect(e).toMatchObject(generic);
      expect(neverFetch).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['a redirect to a private host', () => new Response(null, { status: 302, headers: { location: 'http://10.0.0.1/' } })],
    ['a non-2xx answer', () => new Response('nope', { status: 404 })],
    ['a network error', () => Promise.reject(new TypeError('connect ECONNREFUSED'))],
    ['an image type over HTML bytes', () => new Response(HTML, { headers: { 'content-type': 'image/png' } })],
    ['a body over the limit', () => new Response(null, { headers: { 'content-length': String(MAX_ATTACHMENT_BYTES + 1) } })],
  ])('answers %s with the same generic text', async (_kind, answer) => {
    const f = vi.fn(answer) as unknown as typeof fetch;
    const e = await rejection(prepareAttachments([dataUri('image/png', PNG), 'https://images.example.com/x'], f, 'image_url'));
    expect(e).toMatchObject(generic);
  });

  it('keeps its input errors for what is not a URL', async () => {
    expect((await rejection(prepareAttachments(['not a url'], neverFetch))).message).toBe('Image 1: expected an http(s) URL or a data URI');
    expect((await rejection(prepareAttachments(['ftp://example.com/a.png'], neverFetch))).message).toBe('Image 1: only http(s) URLs and data URIs are supported');
  });

  it('stops early when the caller aborts', async () => {
    const caller = new AbortController();
    caller.abort();
    const f = fetchReturning(() => new Response(PNG));
    const e = await rejection(prepareAttachments(['https://images.example.com/a.png'], f, 'messages', caller.signal));
    expect(e.code).toBe('image_fetch_failed');
  });

  it('caps the count', async () => {
    const e = await rejection(prepareAttachments(new Array(11).fill('https://images.example.com/a.png'), neverFetch));
    expect(e.message).toBe('At most 10 images per request');
  });
});

describe('readImageUploads', () => {
  it('keeps to PNG, JPEG and WebP', async () => {
    const [png] = await readImageUploads([new File([PNG], 'a.png')], 1024, 'image');
    expect(png.mimeType).toBe('image/png');
    const e = await rejection(readImageUploads([new File([GIF], 'a.gif')], 1024, 'image'));
    expect(e.code).toBe('invalid_image');
  });
});
