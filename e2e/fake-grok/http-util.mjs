// Small HTTP helpers shared by the fake grok.com server: body reading, JSON
// replies, grok-style error envelopes, cookie parsing, UUID-shaped ids.
import { createHash } from 'node:crypto';

/** Largest request body accepted (uploads are base64 JSON). */
export const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** grok.com error envelope (spec §7): `{"error":{"code","message","details":[]}}`. */
export function grokError(code, message) {
  return { error: { code, message, details: [] } };
}

/** Canonical upstream error bodies used in several places. */
export const ERRORS = {
  missingCookie: () => grokError(16, 'unauthenticated: missing sso cookie'),
  unauthenticated: () => grokError(16, 'unauthenticated: session is not valid'),
  revoked: () => grokError(16, 'invalid-credentials: token revoked'),
  expired: () => grokError(16, 'invalid-credentials: token expired'),
  blocked: () => grokError(7, 'blocked-user: user is blocked'),
  antiBot: () => grokError(7, 'Request rejected by anti-bot rules.'),
  tooManyRequests: () => grokError(8, 'Too many requests'),
  internal: () => grokError(13, 'Internal error'),
  badRequest: (why) => grokError(3, `invalid argument: ${why}`),
  notFound: (path) => grokError(5, `not found: ${path}`),
};

/** Read the whole request body as a Buffer (rejects with `.status = 413` when too big). */
export function readBody(req, limit = MAX_BODY_BYTES) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        const err = new Error('request body too large');
        err.status = 413;
        reject(err);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parse a Buffer as JSON; returns `{ok:true, value}` or `{ok:false}`. */
export function parseJson(buf) {
  try {
    return { ok: true, value: JSON.parse(buf.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Parse a Cookie header into a Map (first occurrence of a name wins). */
export function parseCookies(header) {
  const cookies = new Map();
  if (!header) return cookies;
  for (const part of String(header).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The `sso` token of a request, or null when absent/empty. */
export function ssoToken(req) {
  const value = parseCookies(req.headers.cookie).get('sso');
  return value ? value : null;
}

export function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A deterministic UUID (version 4 / RFC variant bits, so strict validators
 * accept it) derived from the sha256 of `data`.
 */
export function uuidFromData(data) {
  const h = sha256Hex(data).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16], 16) & 3];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
