/**
 * @module grok/errors
 * Classifies every upstream failure once, where it enters (spec §7, §8.5), and is the only place that
 * builds one: each kind's consequences (may another account try, what happens to the account) live in
 * `CONSEQUENCES`, so no caller can contradict them. Nothing else matches upstream message strings.
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
  /** 5xx, truncated streams. */
  | 'transient'
  /**
   * The connection failed before any response (refused, reset, a pooled keep-alive connection the far end
   * had just closed): the egress path is the same for every account, so no account is charged, and a fresh
   * connection may well succeed.
   */
  | 'network'
  /** No frame within the first-frame or idle timeout. */
  | 'timeout'
  /** 4xx that is neither auth nor rate limit: our request was rejected. */
  | 'rejected'
  /** The model reported an error in-band. */
  | 'model_error'
  /** A 2xx answer we could not use (not JSON, no id, a round without a result): upstream or us, not the account. */
  | 'malformed'
  /** The client went away: nothing to retry, nobody to blame. */
  | 'aborted';

/**
 * What a failure does to the account that produced it:
 * - `invalidate`: the credentials are dead (at once);
 * - `cool`: the account hit its limit (at once, for Retry-After or the rate-limit cooldown);
 * - `strike`: counts toward the allowed transient failures per minute; only repeated strikes cool it;
 * - `none`: not the account's doing (egress, moderation, our request, the client).
 */
export type AccountEffect = 'invalidate' | 'cool' | 'strike' | 'none';

const CONSEQUENCES: Record<FailureKind, { retryable: boolean; account: AccountEffect }> = {
  auth: { retryable: true, account: 'invalidate' },
  blocked: { retryable: true, account: 'invalidate' },
  rate_limited: { retryable: true, account: 'cool' },
  challenge: { retryable: true, account: 'none' },
  anti_bot: { retryable: true, account: 'none' },
  moderated: { retryable: false, account: 'none' },
  transient: { retryable: true, account: 'strike' },
  network: { retryable: true, account: 'none' },
  timeout: { retryable: true, account: 'strike' },
  rejected: { retryable: false, account: 'none' },
  model_error: { retryable: true, account: 'none' },
  malformed: { retryable: true, account: 'none' },
  aborted: { retryable: false, account: 'none' },
};

export interface UpstreamFailure {
  kind: FailureKind;
  /** HTTP status of the upstream response, when there was one. */
  status?: number;
  message: string;
  /** Seconds until the account may be used again (Retry-After / waitTimeSeconds). */
  retryAfterSeconds?: number;
  /** Another account (or a fresh attempt) may succeed. */
  retryable: boolean;
  account: AccountEffect;
}

/**
 * Only an account-specific failure (dead credentials, the account's own limit) is expected to differ from
 * one account to the next; any other failure that repeats identically on a second account was most likely
 * caused by the request, by the egress or by us, so retrying further would only spread it over the pool.
 */
export function isAccountSpecific(f: UpstreamFailure): boolean {
  return f.account === 'invalidate' || f.account === 'cool';
}

/**
 * A failure of the connection itself, not of anything the request said: repeating it on another account
 * spreads nothing (no account is charged), so it does not end the retries; the retry budget bounds them.
 */
export function isTransportFailure(f: UpstreamFailure): boolean {
  return f.kind === 'network';
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

type Detail = Pick<UpstreamFailure, 'status' | 'retryAfterSeconds'>;

/** The one constructor: consequences always come from the kind. */
export function upstreamFailure(kind: FailureKind, message: string, detail: Detail = {}): UpstreamFailure {
  return { kind, message, ...detail, ...CONSEQUENCES[kind] };
}

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

/** Short, single-line excerpt of an upstream body for logs and error messages (never HTML). */
function excerpt(body: string, max = 200): string {
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

  if (has(lower, CHALLENGE_MARKERS)) return upstreamFailure('challenge', `${status}: Cloudflare challenge`, { status });
  if (has(lower, BLOCKED_MARKERS)) return upstreamFailure('blocked', detail, { status });
  if (status === 401 || ((status === 400 || status === 403) && has(lower, INVALID_CREDENTIAL_MARKERS))) {
    return upstreamFailure('auth', detail, { status });
  }
  if (status === 429 || has(lower, RATE_LIMIT_MARKERS)) return upstreamFailure('rate_limited', detail, { status, retryAfterSeconds });
  if (has(lower, MODERATION_MARKERS)) return upstreamFailure('moderated', detail, { status });
  if (status === 403) {
    if (has(lower, ANTI_BOT_MARKERS)) return upstreamFailure('anti_bot', detail, { status });
    // An empty or HTML 403 (or one served by Cloudflare without JSON) is the edge refusing our egress.
    const cloudflareHtml = !contentType.includes('json') && (body.trim() === '' || /html/.test(contentType) || headers.get('server')?.toLowerCase() === 'cloudflare');
    if (cloudflareHtml) return upstreamFailure('challenge', `${status}: blocked by Cloudflare`, { status });
    return upstreamFailure('rejected', detail, { status });
  }
  if (status === 408 || status >= 500) return upstreamFailure('transient', detail, { status, retryAfterSeconds });
  return upstreamFailure('rejected', detail, { status });
}

/** A top-level `{"error":{code,message}}` frame or a response-level error inside a 200 stream. */
export function classifyInBandError(error: { code?: unknown; message?: unknown }): UpstreamFailure {
  const message = typeof error.message === 'string' ? error.message : 'upstream error';
  const lower = message.toLowerCase();
  const detail = `upstream in-band error${typeof error.code === 'number' ? ` ${error.code}` : ''}: ${excerpt(message)}`;
  if (has(lower, MODERATION_MARKERS)) return upstreamFailure('moderated', detail);
  if (error.code === 8 || has(lower, RATE_LIMIT_MARKERS)) return upstreamFailure('rate_limited', detail);
  if (error.code === 7 || has(lower, ANTI_BOT_MARKERS)) return upstreamFailure('anti_bot', detail);
  if (has(lower, BLOCKED_MARKERS)) return upstreamFailure('blocked', detail);
  if (error.code === 16 || has(lower, INVALID_CREDENTIAL_MARKERS)) return upstreamFailure('auth', detail);
  return upstreamFailure('model_error', detail);
}

const errorText = (e: unknown) => excerpt(e instanceof Error ? e.message : String(e));

/** The request could not be sent or no response came back on the connection. */
export function networkFailure(e: unknown): UpstreamFailure {
  return upstreamFailure('network', `upstream connection failed: ${errorText(e)}`);
}

/** The connection broke after the answer had started: the answer is truncated. */
export function connectionLostMidAnswer(e: unknown): UpstreamFailure {
  return truncatedFailure(`upstream connection lost mid-answer: ${errorText(e)}`);
}

export function timeoutFailure(what: string, seconds: number): UpstreamFailure {
  return upstreamFailure('timeout', `upstream sent nothing for ${seconds}s (${what})`);
}

/** A stream (HTTP body or WebSocket) that ended before its answer was complete. */
export function truncatedFailure(what = 'upstream stream ended before the answer was complete'): UpstreamFailure {
  return upstreamFailure('transient', what);
}

/** The WebSocket connection or handshake failed before any answer started. */
export function handshakeFailure(what: string): UpstreamFailure {
  return upstreamFailure('transient', what);
}

export function malformedAnswer(what: string): UpstreamFailure {
  return upstreamFailure('malformed', what);
}

export function clientAborted(): UpstreamFailure {
  return upstreamFailure('aborted', 'the client closed the request');
}

/** The account's session answer (E19) said what the account is. */
export function accountStateFailure(state: 'unauthenticated' | 'blocked'): UpstreamFailure {
  return state === 'blocked' ? upstreamFailure('blocked', 'session: account blocked') : upstreamFailure('auth', 'session: unauthenticated');
}

/** Our own limit on what we accept from upstream, not the account's doing. */
export function refusedAnswer(what: string): UpstreamFailure {
  return upstreamFailure('rejected', what);
}
