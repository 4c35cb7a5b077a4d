// Mutable state of one fake server: call log, queued failures, token states,
// options, quota counters and uploaded files. Everything but the call sequence
// number is cleared by reset().

export const DEFAULT_OPTIONS = Object.freeze({
  requireStatsig: false, // reject /rest/* calls without a non-empty x-statsig-id
  quotaTotal: 80, // queries per token+model and window (spec §7.5)
  quotaWindowSeconds: 72000,
  frameDelayMs: 5, // pause between two stream writes
});

export const TOKEN_STATES = ['ok', 'revoked', 'blocked'];

/** Request headers kept in the call log (lower-case names). */
const LOGGED_HEADERS = [
  'x-statsig-id',
  'x-xai-request-id',
  'user-agent',
  'origin',
  'referer',
  'content-type',
  'cookie',
  'range',
];

export function createState() {
  return {
    seq: 0, // keeps growing across resets so `?since=` stays meaningful
    calls: [],
    failures: [], // FIFO of injected failures (E1 by default; `endpoint` imagine/mgw for the WebSockets)
    tokenStates: new Map(), // token -> 'revoked' | 'blocked'
    options: { ...DEFAULT_OPTIONS },
    counters: new Map(), // `${token}\n${model}` -> {used, windowStart}
    uploads: new Map(), // fileUri -> {bytes, mime, fileName, fileMetadataId}
    imagineImages: new Set(), // image ids issued by the Imagine WebSocket (served as JPEG)
  };
}

export function resetState(state) {
  state.calls = [];
  state.failures = [];
  state.tokenStates.clear();
  state.options = { ...DEFAULT_OPTIONS };
  state.counters.clear();
  state.uploads.clear();
  state.imagineImages.clear();
}

// ---- call log -------------------------------------------------------------

/** Extra request headers kept for WebSocket upgrades (spec §2.4). */
export const WS_LOGGED_HEADERS = [
  ...LOGGED_HEADERS,
  'accept-language',
  'cache-control',
  'pragma',
  'sec-websocket-version',
  'sec-websocket-protocol',
];

/** Append a call entry; the caller may add fields later (status, scenario). */
export function recordCall(state, { req, path, token, body }, headerNames = LOGGED_HEADERS) {
  const headers = {};
  for (const name of headerNames) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const entry = {
    seq: ++state.seq,
    at: new Date().toISOString(),
    method: req.method,
    path,
    url: req.url,
    token,
    headers,
    body,
    status: null,
  };
  state.calls.push(entry);
  return entry;
}

export function listCalls(state, { path, since } = {}) {
  return state.calls.filter(
    (c) => (path == null || c.path === path) && (since == null || c.seq > since),
  );
}

// ---- injected failures ----------------------------------------------------

export function enqueueFailures(state, failures) {
  state.failures.push(...failures);
  return state.failures.length;
}

/** Endpoint an injected failure applies to (`endpoint` field, default "chat" = E1). */
export const failureEndpoint = (f) => f.endpoint ?? 'chat';

/** Take the oldest queued failure for `endpoint` ("chat" = E1, "imagine", "mgw"). */
export function takeFailure(state, endpoint = 'chat') {
  const i = state.failures.findIndex((f) => failureEndpoint(f) === endpoint);
  return i < 0 ? null : state.failures.splice(i, 1)[0];
}

// ---- tokens and options ---------------------------------------------------

export function setTokenState(state, token, value) {
  if (value === 'ok') state.tokenStates.delete(token);
  else state.tokenStates.set(token, value);
}

export function tokenState(state, token) {
  return state.tokenStates.get(token) ?? 'ok';
}

/** Validate and apply an options patch; returns an error string or null. */
export function setOptions(state, patch) {
  const next = { ...state.options };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (!(key in DEFAULT_OPTIONS)) return `unknown option ${key}`;
    const expected = typeof DEFAULT_OPTIONS[key];
    if (typeof value !== expected) return `option ${key} must be a ${expected}`;
    if (expected === 'number' && !(Number.isFinite(value) && value >= 0)) {
      return `option ${key} must be a non-negative number`;
    }
    next[key] = value;
  }
  state.options = next;
  return null;
}

// ---- uploads --------------------------------------------------------------

export function storeUpload(state, fileUri, upload) {
  state.uploads.set(fileUri, upload);
}

export function getUpload(state, fileUri) {
  return state.uploads.get(fileUri) ?? null;
}
