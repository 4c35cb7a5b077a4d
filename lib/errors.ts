/**
 * @module errors
 * One error type and one envelope for the whole app: `{error:{message,type,param,code}}` with a real HTTP
 * status. Route adapters catch, call `errorResponse(e)`, and never echo unexpected exception messages.
 */

type ErrorKind =
  | 'invalid_request'
  | 'invalid_json'
  | 'model_not_found'
  | 'content_policy'
  | 'unauthenticated'
  | 'invalid_api_key'
  | 'forbidden'
  | 'model_not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'key_limit'
  | 'login_throttled'
  | 'no_token'
  | 'upstream_rate_limited'
  | 'upstream_challenge'
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'internal';

const TABLE: Record<ErrorKind, { status: number; type: string; code: string }> = {
  invalid_request: { status: 400, type: 'invalid_request_error', code: 'invalid_request' },
  invalid_json: { status: 400, type: 'invalid_request_error', code: 'invalid_json' },
  model_not_found: { status: 400, type: 'invalid_request_error', code: 'model_not_found' },
  content_policy: { status: 400, type: 'invalid_request_error', code: 'content_policy_violation' },
  unauthenticated: { status: 401, type: 'authentication_error', code: 'unauthenticated' },
  invalid_api_key: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  forbidden: { status: 403, type: 'permission_error', code: 'forbidden' },
  model_not_allowed: { status: 403, type: 'permission_error', code: 'model_not_allowed' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'not_found' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', code: 'method_not_allowed' },
  payload_too_large: { status: 413, type: 'invalid_request_error', code: 'payload_too_large' },
  key_limit: { status: 429, type: 'rate_limit_error', code: 'key_limit_exceeded' },
  login_throttled: { status: 429, type: 'rate_limit_error', code: 'login_throttled' },
  no_token: { status: 503, type: 'server_error', code: 'no_available_token' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error', code: 'upstream_rate_limited' },
  upstream_challenge: { status: 503, type: 'server_error', code: 'upstream_challenge' },
  upstream_unavailable: { status: 503, type: 'server_error', code: 'upstream_unavailable' },
  upstream_error: { status: 502, type: 'upstream_error', code: 'upstream_error' },
  upstream_timeout: { status: 502, type: 'upstream_error', code: 'upstream_timeout' },
  internal: { status: 500, type: 'server_error', code: 'internal_error' },
};

interface GatewayErrorOptions {
  param?: string | null;
  /** Overrides the default machine code of the kind (e.g. `rpm_exceeded`). */
  code?: string;
  /** Overrides the default status (e.g. 429 instead of 503 when every token is only cooling). */
  status?: number;
  /** Seconds; sent as `Retry-After`. */
  retryAfter?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly retryAfter?: number;

  constructor(kind: ErrorKind, message: string, opts: GatewayErrorOptions = {}) {
    super(message, { cause: opts.cause });
    const row = TABLE[kind];
    this.kind = kind;
    this.status = opts.status ?? row.status;
    this.type = row.type;
    this.code = opts.code ?? row.code;
    this.param = opts.param ?? null;
    this.retryAfter = opts.retryAfter;
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Anything that is not a GatewayError becomes an opaque 500; the detail goes to the log, not the client. */
export function toGatewayError(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  console.error('unexpected error', e);
  return new GatewayError('internal', 'Internal server error');
}

export function errorResponse(e: unknown, headers?: HeadersInit): Response {
  const err = toGatewayError(e);
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  if (err.retryAfter !== undefined) h.set('retry-after', String(Math.max(1, Math.ceil(err.retryAfter))));
  return new Response(JSON.stringify(err.toJSON()), { status: err.status, headers: h });
}
