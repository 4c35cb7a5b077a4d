import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, hmacSign, hmacVerify, sha256Hex, timingSafeEqual } from './crypto';

const SECRET = 'test-secret-key-0123456789abcdef';

describe('encryptSecret / decryptSecret', () => {
  it('round-trips, including non-ASCII text', async () => {
    const plain = 'eyJhbGciOi.payload.sig — 你好';
    const sealed = await encryptSecret(SECRET, plain);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/); // 12-byte IV = 16 base64url chars
    expect(sealed).not.toContain('payload');
    expect(await decryptSecret(SECRET, sealed)).toBe(plain);
  });

  it('uses a fresh IV each time', async () => {
    const a = await encryptSecret(SECRET, 'same');
    const b = await encryptSecret(SECRET, 'same');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it('fails with the wrong secret', async () => {
    const sealed = await encryptSecret(SECRET, 'token');
    await expect(decryptSecret('another-secret', sealed)).rejects.toThrow();
  });

  it('fails on tampered ciphertext', async () => {
    const sealed = await encryptSecret(SECRET, 'token');
    const [v, iv, ct] = sealed.split('.');
    const flipped = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
    await expect(decryptSecret(SECRET, `${v}.${iv}.${flipped}`)).rejects.toThrow();
  });

  it('rejects an unknown format', async () => {
    await expect(decryptSecret(SECRET, 'plain-token')).rejects.toThrow('unsupported ciphertext format');
    await expect(decryptSecret(SECRET, 'v2.abc.def')).rejects.toThrow('unsupported ciphertext format');
  });
});

describe('timingSafeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['', '', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
    ['ab', 'abc', false],
    ['abc\u0000', 'abc', false],
    ['é', 'e\u0301', false],
  ])('%j vs %j → %s', (a, b, eq) => {
    expect(timingSafeEqual(a, b)).toBe(eq);
  });
});

describe('hmacSign / hmacVerify', () => {
  it('signs deterministically and verifies', async () => {
    const sig = await hmacSign(SECRET, 'GET /images/users/a/image.jpg 1800000000');
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url unpadded
    expect(await hmacSign(SECRET, 'GET /images/users/a/image.jpg 1800000000')).toBe(sig);
    expect(await hmacVerify(SECRET, 'GET /images/users/a/image.jpg 1800000000', sig)).toBe(true);
  });

  it('rejects another message, another secret or a modified signature', async () => {
    const sig = await hmacSign(SECRET, 'message');
    expect(await hmacVerify(SECRET, 'message!', sig)).toBe(false);
    expect(await hmacVerify('other-secret', 'message', sig)).toBe(false);
    expect(await hmacVerify(SECRET, 'message', sig.slice(0, -1) + (sig.at(-1) === 'A' ? 'B' : 'A'))).toBe(false);
    expect(await hmacVerify(SECRET, 'message', '')).toBe(false);
  });

  it('the signing key differs from a plain HMAC of the secret (HKDF purpose binding)', async () => {
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const raw = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('m')));
    const rawB64 = btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(await hmacSign(SECRET, 'm')).not.toBe(rawB64);
  });
});

describe('sha256Hex', () => {
  it('matches the known digest', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
