/**
 * @module crypto
 * WebCrypto helpers: hashing, random ids, constant-time comparison and AES-GCM for secrets at rest.
 */
import { base64UrlToBytes, bytesToBase64Url, bytesToHex, utf8 } from './encoding';

export async function sha256Hex(input: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(input))));
}

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

export function randomId(bytes = 24): string {
  return bytesToBase64Url(randomBytes(bytes));
}

/** Compares two strings without leaking where they differ (length still leaks, which is fine for hashes). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = utf8(a);
  const y = utf8(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

/** Derives a purpose-bound key from SECRET_KEY with HKDF so encryption and signing never share a key. */
function deriveKey(secret: string, purpose: 'token-encryption' | 'media-signing'): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey']);
      const params = { name: 'HKDF', hash: 'SHA-256', salt: utf8('grok2api'), info: utf8(purpose) };
      return purpose === 'token-encryption'
        ? crypto.subtle.deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
        : crypto.subtle.deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
    })();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** `v1.<iv>.<ciphertext>` in base64url. */
export async function encryptSecret(secret: string, plaintext: string): Promise<string> {
  const key = await deriveKey(secret, 'token-encryption');
  const iv = randomBytes(12);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, utf8(plaintext)));
  return `v1.${bytesToBase64Url(iv)}.${bytesToBase64Url(ct)}`;
}

export async function decryptSecret(secret: string, sealed: string): Promise<string> {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new Error('unsupported ciphertext format');
  const key = await deriveKey(secret, 'token-encryption');
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: base64UrlToBytes(iv) }, key, base64UrlToBytes(ct));
  return new TextDecoder().decode(pt);
}

export async function hmacSign(secret: string, message: string): Promise<string> {
  const key = await deriveKey(secret, 'media-signing');
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(message))));
}

export async function hmacVerify(secret: string, message: string, signature: string): Promise<boolean> {
  return timingSafeEqual(await hmacSign(secret, message), signature);
}
