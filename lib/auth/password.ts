/**
 * @module auth/password
 * PBKDF2-SHA256 password hashes via WebCrypto: `pbkdf2$<iterations>$<salt>$<hash>` (base64url).
 * 100 000 iterations is the maximum Workers' WebCrypto accepts.
 */
import { base64UrlToBytes, bytesToBase64Url, utf8 } from '@/lib/encoding';
import { randomBytes, timingSafeEqual } from '@/lib/crypto';

const ITERATIONS = 100_000;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return bytesToBase64Url(new Uint8Array(bits));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `pbkdf2$${ITERATIONS}$${bytesToBase64Url(salt)}$${await derive(password, salt, ITERATIONS)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split('$');
  const iterations = Number(iter);
  if (scheme !== 'pbkdf2' || !salt || !hash || !Number.isInteger(iterations) || iterations < 1 || iterations > ITERATIONS) return false;
  return timingSafeEqual(await derive(password, base64UrlToBytes(salt), iterations), hash);
}
