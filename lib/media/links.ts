/**
 * @module media/links
 * Gateway URLs for upstream media. Upstream assets need the owning account's cookie, so clients get
 * `<origin>/images/<ref>?t=<tokenId>&exp=<unix>&sig=<hmac>` instead: `ref` encodes the upstream path
 * (`p_` + base64url) or absolute URL (`u_` + base64url); the HMAC (key derived from SECRET_KEY) covers
 * ref, token id and expiry, so links cannot be forged, re-pointed or extended.
 */
import { base64UrlToBytes, bytesToBase64Url, utf8 } from '@/lib/encoding';
import { hmacSign, hmacVerify } from '@/lib/crypto';

export type MediaKind = 'image' | 'video';

export function encodeMediaRef(upstream: string): string {
  if (/^https?:\/\//i.test(upstream)) return `u_${bytesToBase64Url(utf8(upstream))}`;
  return `p_${bytesToBase64Url(utf8(upstream.startsWith('/') ? upstream : `/${upstream}`))}`;
}

type DecodedRef = { kind: 'path'; path: string } | { kind: 'url'; url: URL };

export function decodeMediaRef(ref: string): DecodedRef | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(base64UrlToBytes(ref.slice(2)));
    if (ref.startsWith('p_')) return { kind: 'path', path: text };
    if (ref.startsWith('u_')) return { kind: 'url', url: new URL(text) };
  } catch {
    /* malformed */
  }
  return undefined;
}

export function mediaKindOf(pathOrUrl: string): MediaKind {
  return /\.(mp4|webm|mov|avi)(\?|$)/i.test(pathOrUrl) ? 'video' : 'image';
}

const signed = (ref: string, tokenId: string, exp: number) => `${ref}.${tokenId}.${exp}`;

interface SignOptions {
  origin: string;
  secret: string;
  tokenId: string;
  ttlSeconds: number;
  now?: number;
}

export async function signMediaUrl(upstream: string, o: SignOptions): Promise<string> {
  const ref = encodeMediaRef(upstream);
  const exp = Math.floor((o.now ?? Date.now()) / 1000) + o.ttlSeconds;
  const sig = await hmacSign(o.secret, signed(ref, o.tokenId, exp));
  return `${o.origin}/images/${ref}?t=${encodeURIComponent(o.tokenId)}&exp=${exp}&sig=${sig}`;
}

type LinkCheck = { ok: true; tokenId: string } | { ok: false; reason: 'missing' | 'expired' | 'bad_signature' };

export async function verifyMediaLink(ref: string, params: URLSearchParams, secret: string, now = Date.now()): Promise<LinkCheck> {
  const tokenId = params.get('t');
  const exp = Number(params.get('exp'));
  const sig = params.get('sig');
  if (!tokenId || !sig || !Number.isInteger(exp)) return { ok: false, reason: 'missing' };
  if (!(await hmacVerify(secret, signed(ref, tokenId, exp), sig))) return { ok: false, reason: 'bad_signature' };
  if (exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, tokenId };
}

/**
 * Resolves a decoded ref to the upstream URL, or undefined when it points outside the allowed hosts and
 * prefixes (the proxy must never become an open relay).
 */
export function upstreamMediaUrl(ref: DecodedRef, assetsBase: string, extraHosts: string[]): URL | undefined {
  const assets = new URL(assetsBase);
  if (ref.kind === 'path') {
    const path = ref.path.replace(/\/{2,}/g, '/');
    if (!/^\/users\/[A-Za-z0-9._-]+\/[A-Za-z0-9._\-/]+$/.test(path) || path.includes('..')) return undefined;
    return new URL(path, assets);
  }
  const { url } = ref;
  if (url.protocol !== 'https:' && url.protocol !== assets.protocol) return undefined;
  const host = url.hostname.toLowerCase();
  const allowed =
    url.host === assets.host ||
    extraHosts.includes(url.host) ||
    host === 'grok.com' ||
    host.endsWith('.grok.com') ||
    host === 'x.ai' ||
    host.endsWith('.x.ai');
  return allowed ? url : undefined;
}
