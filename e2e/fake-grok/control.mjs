// Control API for tests and benchmarks (`/__fake/*`, no cookie needed).
import { validateFailure } from './failures.mjs';
import { parseJson, readBody, sendJson } from './http-util.mjs';
import { setRemaining } from './quota.mjs';
import { isScenario } from './scenarios.mjs';
import { isWsScenario } from './ws.mjs';
import {
  enqueueFailures,
  listCalls,
  resetState,
  setOptions,
  setTokenState,
  TOKEN_STATES,
} from './state.mjs';

const bad = (res, message) => sendJson(res, 400, { error: message });

/** Scenario names an injected `scenario` failure may use, per endpoint. */
const knownScenario = (name, endpoint = 'chat') =>
  endpoint === 'chat' ? isScenario(name) : isWsScenario(name, endpoint);

async function jsonBody(req) {
  const raw = await readBody(req);
  if (raw.length === 0) return { ok: true, value: {} };
  const parsed = parseJson(raw);
  return parsed.ok && parsed.value && typeof parsed.value === 'object' ? parsed : { ok: false };
}

const ROUTES = {
  'GET /__fake/health': (req, res, url, state, body, server) =>
    sendJson(res, 200, { ok: true, activeStreams: server.activeStreams.size }),

  'POST /__fake/reset': (req, res, url, state) => {
    resetState(state);
    sendJson(res, 200, { ok: true });
  },

  'GET /__fake/calls': (req, res, url, state) => {
    const path = url.searchParams.get('path');
    const since = url.searchParams.get('since');
    if (since != null && !/^\d+$/.test(since)) return bad(res, 'since must be a sequence number');
    sendJson(res, 200, { calls: listCalls(state, { path, since: since == null ? null : Number(since) }) });
  },

  'GET /__fake/inject': (req, res, url, state) =>
    sendJson(res, 200, { queued: state.failures.length, failures: state.failures }),

  'POST /__fake/inject': (req, res, url, state, body) => {
    const failures = Array.isArray(body.failures) ? body.failures : body.kind ? [body] : null;
    if (!failures) return bad(res, 'expected {failures:[...]}');
    for (const f of failures) {
      const why = validateFailure(f, knownScenario);
      if (why) return bad(res, why);
    }
    sendJson(res, 200, { queued: enqueueFailures(state, failures) });
  },

  'POST /__fake/tokens': (req, res, url, state, body) => {
    if (typeof body.token !== 'string' || !body.token) return bad(res, 'token must be a non-empty string');
    if (!TOKEN_STATES.includes(body.state)) return bad(res, `state must be one of ${TOKEN_STATES.join(', ')}`);
    setTokenState(state, body.token, body.state);
    sendJson(res, 200, { ok: true });
  },

  'GET /__fake/options': (req, res, url, state) => sendJson(res, 200, { options: state.options }),

  'POST /__fake/options': (req, res, url, state, body) => {
    const why = setOptions(state, body);
    if (why) return bad(res, why);
    sendJson(res, 200, { options: state.options });
  },

  'POST /__fake/quota': (req, res, url, state, body) => {
    const { token, model, remaining } = body;
    if (typeof token !== 'string' || typeof model !== 'string' || !Number.isInteger(remaining) || remaining < 0) {
      return bad(res, 'expected {token, model, remaining: integer >= 0}');
    }
    setRemaining(state, token, model, remaining);
    sendJson(res, 200, { ok: true });
  },
};

/** Handle `/__fake/*`. `server` = {state, activeStreams}. */
export async function handleControl(req, res, url, server) {
  const { state } = server;
  const route = ROUTES[`${req.method} ${url.pathname}`];
  if (!route) return sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
  let body = {};
  if (req.method === 'POST') {
    const parsed = await jsonBody(req);
    if (!parsed.ok) return bad(res, 'body must be a JSON object');
    body = parsed.value;
  }
  return route(req, res, url, state, body, server);
}
