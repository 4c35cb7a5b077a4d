/**
 * @module grok/errors
 * Classifies every upstream failure once, where it enters (spec §7, §8.5). The pool decides token state
 * from `kind`; the gateway decides retry and client status from `retryable` and `kind`. Nothing else
 * matches upstream message strings.
 */

export type FailureKind =
  /** Dead or logged-out credentials (401, invalid-credential markers). */
  | 'auth'
  /** The account is blocked by grok.com. */
  | 'blocked'
  /** 429, in-band code 8, "usage limit". */
  | 'rate_limited'
  /** Cloudflare challenge page: the egress IP/clearance is at fault, not the token. */
  | 'challenge'
  /** Anti-bot rejection (code 7 / statsig): not the token's fault either. */
  | 'anti_bot'
  /** The prompt or output was moderated: the client's request, not the token. */
  | 'moderated'
  /** 5xx, network errors, truncated streams. */
  | 'transient'
  /** No frame within the first-frame or idle timeout. */
  | 'timeout'
  /** 4xx that is neither auth nor rate limit: our request was rejected. */
  | 'rejected'
  /** The model reported an error in-band. */
  | 'model_error';

export interface UpstreamFailure {
  kind: FailureKind;
  /** HTTP status of the upstream response, when there was one. */
  status?: number;
  message: string;
  /** Seconds until the account may be used again (Retry-After / waitTimeSeconds). */
  retryAfterSeconds?: number;
  /** Another account (or a fresh attempt) may succeed. */
  retryable: boolean;
  /** Whether the account's health should suffer. */
  tokenAtFault: boolean;
}

const CHALLENGE_MARKERS = ['just a moment', 'challenge-platform', '__cf_chl', 'cf-chl-'];
const INVALID_CREDENTIAL_MARKERS = [
  'invalid-credentials',
  'bad-credentials',
  'failed to look up session id',
  'email-domain-rejected',
  'session not found',
  'account suspended',
  'token revoked',
  'token expired',
];
const BLOCKED_MARKERS = ['blocked-user', 'user is blocked'];
const MODERATION_MARKERS = ['content moderated', 'content-moderated', 'wke=grok:content-moderated'];
const ANTI_BOT_MARKERS = ['anti-bot'];
const RATE_LIMIT_MARKERS = ['too many requests', 'rate limit', 'usage limit', 'usage quota'];

const has = (text: string, markers: string[]) => markers.some((m) => text.includes(m));

function failure(kind: FailureKind, message: string, extra: Partial<UpstreamFailure> = {}): UpstreamFailure {
  const tokenAtFault = kind === 'auth' || kind === 'blocked' || kind === 'rate_limited' || kind === 'transient' || kind === 'timeout';
  const retryable = kind !== 'moderated' && kind !== 'rejected';
  return { kind, message, retryable, tokenAtFault, ...extra };
}

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

/** Short, single-line excerpt of an upstream body for logs and error messages (never HTML). */
export function excerpt(body: string, max = 200): string {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function jsonMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (parsed.error && typeof parsed.error.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    /* not JSON */
  }
  return undefined;
}

/** A non-2xx HTTP answer from grok.com before any stream started. */
export function classifyHttpFailure(
  status: number,
  headers: Headers,
  body: string,
  now = Date.now(),
): UpstreamFailure {
  const lower = body.toLowerCase();
  const contentType = headers.get('content-type') ?? '';
  const message = jsonMessage(body) ?? (excerpt(body) || `HTTP ${status}`);
  const detail = `upstream ${status}: ${excerpt(message)}`;
  const retryAfterSeconds = parseRetryAfter(headers.get('retry-after'), now);

  if (has(lower, CHALLENGE_MARKERS)) return failure('challenge', `${status}: Cloudflare challenge`, { status });
  if (has(lower, BLOCKED_MARKERS)) return failure('blocked', detail, { status });
  if (status === 401 || ((status === 400 || status === 403) && has(lower, INVALID_CREDENTIAL_MARKERS))) {
    return failure('auth', detail, { status });
  }
  if (status === 429 || has(lower, RATE_LIMIT_MARKERS)) return failure('rate_limited', detail, { status, retryAfterSeconds });
  if (has(lower, MODERATION_MARKERS)) return failure('moderated', detail, { status });
  if (status === 403) {
    if (has(lower, ANTI_BOT_MARKERS)) return failure('anti_bot', detail, { status });
    // An empty or HTML 403 (or one served by Cloudflare without JSON) is the edge refusing our egress.
    const cloudflareHtml = !contentType.includes('json') && (body.trim() === '' || /html/.test(contentType) || headers.get('server')?.toLowerCase() === 'cloudflare');
    if (cloudflareHtml) return failure('challenge', `${status}: blocked by Cloudflare`, { status });
    return failure('rejected', detail, { status });
  }
  if (status === 408 || status >= 500) return failure('transient', detail, { status, retryAfterSeconds });
  return failure('rejected', detail, { status });
}

/** A top-level `{"error":{code,message}}` frame or a response-level error inside a 200 stream. */
export function classifyInBandError(error: { code?: unknown; message?: unknown }): UpstreamFailure {
  const message = typeof error.message === 'string' ? error.message : 'upstream error';
  const lower = message.toLowerCase();
  const detail = `upstream in-band error${typeof error.code === 'number' ? ` ${error.code}` : ''}: ${excerpt(message)}`;
  if (has(lower, MODERATION_MARKERS)) return failure('moderated', detail);
  if (error.code === 8 || has(lower, RATE_LIMIT_MARKERS)) return failure('rate_limited', detail);
  if (error.code === 7 || has(lower, ANTI_BOT_MARKERS)) return failure('anti_bot', detail);
  if (has(lower, BLOCKED_MARKERS)) return failure('blocked', detail);
  if (error.code === 16 || has(lower, INVALID_CREDENTIAL_MARKERS)) return failure('auth', detail);
  return failure('model_error', detail);
}

export function networkFailure(e: unknown): UpstreamFailure {
  const message = e instanceof Error ? e.message : String(e);
  return failure('transient', `upstream connection failed: ${excerpt(message)}`);
}

export function timeoutFailure(what: string, seconds: number): UpstreamFailure {
  return failure('timeout', `upstream sent nothing for ${seconds}s (${what})`);
}

export function truncatedFailure(): UpstreamFailure {
  return failure('transient', 'upstream stream ended before the answer was complete');
}
