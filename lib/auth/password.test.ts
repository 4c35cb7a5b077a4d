import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

// 100 000 PBKDF2 iterations cost ~100 ms each in Node: one hash, a handful of verifies.
describe('hashPassword / verifyPassword', () => {
  it('hashes with a salt and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^pbkdf2\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);

    // A tampered hash fails too.
    const parts = stored.split('$');
    parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1);
    expect(await verifyPassword('correct horse battery staple', parts.join('$'))).toBe(false);
  });

  it('verifies a hash with fewer iterations (stored by an older version)', async () => {
    // pbkdf2-sha256("pw", salt = 16 zero bytes, 1 iteration, 32 bytes), computed independently.
    const salt = new Uint8Array(16);
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits']);
    const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1 }, key, 256));
    const b64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const stored = `pbkdf2$1$${b64url(salt)}$${b64url(bits)}`;
    expect(await verifyPassword('pw', stored)).toBe(true);
    expect(await verifyPassword('pW', stored)).toBe(false);
  });

  it.each([
    ['not a hash'],
    ['bcrypt$10$abc$def'],
    ['pbkdf2$0$AAAAAAAAAAAAAAAAAAAAAA$abc'],
    ['pbkdf2$1000001$AAAAAAAAAAAAAAAAAAAAAA$abc'],
    ['pbkdf2$1.5$AAAAAAAAAAAAAAAAAAAAAA$abc'],
    ['pbkdf2$1$$abc'],
  ])('rejects a malformed stored value %j without throwing', async (stored) => {
    expect(await verifyPassword('pw', stored)).toBe(false);
  });
});
