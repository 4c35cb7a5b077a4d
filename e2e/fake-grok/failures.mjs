// Failure responses of the conversation endpoint (spec §7.1–§7.3), used by
// the injection queue (`POST /__fake/inject`) and the `fail:` scenario.
//
// A "plan" is what the E1 handler executes:
//   {type:'http', status, headers, body}            plain HTTP answer
//   {type:'stream', format:'ndjson'|'sse', steps}    200 stream (see stream.mjs)
//   {type:'drop', afterMs}                           no answer at all: the connection is
//                                                    dropped after `afterMs` (0 = at once)
import { ERRORS, grokError } from './http-util.mjs';
import { topLevelError } from './frames.mjs';

export const FAILURE_KINDS = [
  'status',
  'unauthorized',
  'expired',
  'rate-limit',
  'cf-challenge',
  'anti-bot',
  'anti-bot-403',
  'blocked',
  'server-error',
  'inband-rate-limit',
  'drop',
  'hang',
  'scenario',
];

/** How long `hang` keeps the connection silent before dropping it, by default. */
export const HANG_DEFAULT_MS = 10_000;

const CF_CHALLENGE_HTML = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>\
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">\
</head><body><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">grok.com</h1>\
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>\
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript></div></div>\
<script>(function(){window._cf_chl_opt={cvId:'3',cZone:'grok.com',cType:'managed',cRay:'8f00000000000000'};\
var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f00000000000000';\
document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>`;

function http(status, body, headers = {}) {
  return { type: 'http', status, headers, body };
}

function inbandStream(code, message) {
  return { type: 'stream', format: 'ndjson', steps: [{ frame: topLevelError(code, message) }] };
}

/** Default grok-style JSON body for a bare HTTP status. */
export function defaultStatusBody(status) {
  switch (status) {
    case 400:
      return grokError(3, 'Bad request');
    case 401:
      return ERRORS.unauthenticated();
    case 403:
      return grokError(7, 'Permission denied');
    case 404:
      return grokError(5, 'Not found');
    case 429:
      return ERRORS.tooManyRequests();
    default:
      return status >= 500 ? ERRORS.internal() : grokError(2, `HTTP ${status}`);
  }
}

/**
 * Endpoints an injected failure can target (`endpoint` field): "chat" = E1
 * (default), "imagine" = the upgrade of `/ws/imagine/listen` (E13), "mgw" =
 * the upgrade of `/ws/mgw/` (E14).
 */
export const FAILURE_ENDPOINTS = ['chat', 'imagine', 'mgw'];

/**
 * Kinds usable on a WebSocket endpoint: every kind answered with a plain HTTP
 * response (it replaces the 101 of the upgrade), plus `scenario` (a WebSocket
 * scenario for the session) and `inband-rate-limit` (= scenario `ws-error`).
 */
export const WS_FAILURE_KINDS = [
  'status',
  'unauthorized',
  'expired',
  'rate-limit',
  'cf-challenge',
  'anti-bot-403',
  'blocked',
  'server-error',
  'inband-rate-limit',
  'drop',
  'hang',
  'scenario',
];

/**
 * Returns an error message when `f` is not a usable failure description.
 * `knownScenario(name, endpoint)` checks scenario names.
 */
export function validateFailure(f, knownScenario) {
  if (!f || typeof f !== 'object') return 'failure must be an object';
  if (!FAILURE_KINDS.includes(f.kind)) return `unknown failure kind ${JSON.stringify(f.kind)}`;
  const endpoint = f.endpoint ?? 'chat';
  if (!FAILURE_ENDPOINTS.includes(endpoint)) {
    return `unknown endpoint ${JSON.stringify(f.endpoint)} (expected ${FAILURE_ENDPOINTS.join(', ')})`;
  }
  if (endpoint !== 'chat' && !WS_FAILURE_KINDS.includes(f.kind)) {
    return `failure kind ${f.kind} is not supported for endpoint ${endpoint}`;
  }
  if (f.kind === 'status' && !(Number.isInteger(f.status) && f.status >= 200 && f.status <= 599)) {
    return 'status failure needs an integer status 200..599';
  }
  if (f.kind === 'hang' && f.ms != null && !(Number.isInteger(f.ms) && f.ms >= 0)) {
    return 'hang failure needs a non-negative integer ms';
  }
  if (f.kind === 'scenario' && !knownScenario(f.name, endpoint)) {
    return `unknown scenario ${JSON.stringify(f.name)}`;
  }
  return null;
}

/**
 * Plan for one failure. `runScenario(name, arg)` builds scenario plans (for
 * kind "scenario").
 */
export function failurePlan(f, runScenario) {
  switch (f.kind) {
    case 'status':
      return http(f.status, f.body ?? defaultStatusBody(f.status), f.headers ?? {});
    case 'unauthorized':
      return http(401, ERRORS.unauthenticated());
    case 'expired':
      return http(401, ERRORS.expired());
    case 'rate-limit':
      return http(
        429,
        ERRORS.tooManyRequests(),
        f.retryAfter != null ? { 'Retry-After': String(f.retryAfter) } : {},
      );
    case 'cf-challenge':
      return http(403, CF_CHALLENGE_HTML, {
        'Content-Type': 'text/html; charset=UTF-8',
        Server: 'cloudflare',
        'cf-mitigated': 'challenge',
        'cf-ray': '8f00000000000000-FRA',
        'Cache-Control': 'private, max-age=0, no-store, no-cache, must-revalidate',
      });
    case 'anti-bot':
      return inbandStream(7, 'Request rejected by anti-bot rules.');
    case 'anti-bot-403':
      return http(403, ERRORS.antiBot());
    case 'blocked':
      return http(403, ERRORS.blocked());
    case 'server-error': {
      const status = Number.isInteger(f.status) ? f.status : 500;
      return http(status, ERRORS.internal());
    }
    case 'inband-rate-limit':
      return inbandStream(8, 'Too many requests');
    case 'drop':
      return { type: 'drop', afterMs: 0 };
    case 'hang':
      return { type: 'drop', afterMs: Number.isInteger(f.ms) ? f.ms : HANG_DEFAULT_MS };
    case 'scenario':
      return runScenario(f.name, f.arg == null ? undefined : String(f.arg));
    default:
      throw new Error(`unknown failure kind ${f.kind}`);
  }
}

/** `#scenario:fail:ARG`: ARG is an HTTP status or a failure kind name. */
export function failDirectivePlan(arg) {
  if (arg && /^\d{3}$/.test(arg)) {
    const status = Number(arg);
    if (status === 429) return failurePlan({ kind: 'rate-limit', retryAfter: 60 });
    if (status === 401) return failurePlan({ kind: 'unauthorized' });
    return failurePlan({ kind: 'status', status });
  }
  if (arg && FAILURE_KINDS.includes(arg) && arg !== 'scenario' && arg !== 'status') {
    return failurePlan({ kind: arg, ...(arg === 'rate-limit' ? { retryAfter: 60 } : {}) });
  }
  return failurePlan({ kind: 'server-error' });
}
