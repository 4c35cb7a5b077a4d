// WebSocket side of the fake (spec §2.4, §6.2, Appendix A): the upgrade of
// `/ws/imagine/listen` (E13) and `/ws/mgw/?uid=…` (E14) on the http server's
// `upgrade` event, behind the same sso-cookie check as REST, with injected
// failures (`endpoint: "imagine"|"mgw"`) answered instead of the 101.
// The protocols themselves are in imagine.mjs and mgw.mjs.
import { STATUS_CODES } from 'node:http';
import { WebSocketServer } from 'ws';
import { failurePlan } from './failures.mjs';
import { ERRORS, grokError, parseCookies, ssoToken } from './http-util.mjs';
import { IMAGINE_PATH, isImagineScenario, runImagineSession } from './imagine.mjs';
import { isMgwScenario, MGW_PATH, runMgwSession } from './mgw.mjs';
import { FAKE_USER_ID } from './rest.mjs';
import { WsConn } from './ws-conn.mjs';
import { runDropPlan } from './stream.mjs';
import { recordCall, takeFailure, tokenState, WS_LOGGED_HEADERS } from './state.mjs';

/** Largest client message accepted (CY-4 uses a 16 MiB frame limit). */
const MAX_PAYLOAD = 16 * 1024 * 1024;

const ENDPOINTS = {
  [IMAGINE_PATH]: { name: 'imagine', run: runImagineSession, isScenario: isImagineScenario },
  [MGW_PATH]: { name: 'mgw', run: runMgwSession, isScenario: isMgwScenario },
};

/** Is `name` a scenario of WebSocket endpoint `endpoint` ("imagine" | "mgw")? */
export function isWsScenario(name, endpoint) {
  const found = Object.values(ENDPOINTS).find((e) => e.name === endpoint);
  return found ? found.isScenario(name) : false;
}

/** Answer an upgrade request with a plain HTTP response and close the socket. */
function rejectUpgrade(socket, entry, { status, headers = {}, body }) {
  entry.status = status;
  const isString = typeof body === 'string';
  const text = isString ? body : JSON.stringify(body);
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  const all = {
    ...(hasType ? {} : { 'Content-Type': isString ? 'text/plain; charset=utf-8' : 'application/json' }),
    ...headers,
    'Content-Length': Buffer.byteLength(text),
    Connection: 'close',
  };
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`];
  for (const [name, value] of Object.entries(all)) head.push(`${name}: ${value}`);
  if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${text}`, () => socket.destroy());
  else socket.destroy();
}

const http = (status, body) => ({ status, body });

/**
 * Check an upgrade request; returns `{reject: plan}` or `{forced, uid}`.
 * Order as for REST: cookie, token state, (mgw: uid), injected failure.
 */
function admit(state, endpoint, req, url, token) {
  if (!token) return { reject: http(401, ERRORS.missingCookie()) };
  const tstate = tokenState(state, token);
  if (tstate === 'revoked') return { reject: http(401, ERRORS.revoked()) };
  if (tstate === 'blocked') return { reject: http(403, ERRORS.blocked()) };

  let uid;
  if (endpoint.name === 'mgw') {
    uid = url.searchParams.get('uid');
    if (!uid) return { reject: http(400, ERRORS.badRequest('missing uid query parameter')) };
    const cookieUid = parseCookies(req.headers.cookie).get('x-userid');
    if (cookieUid !== uid) {
      return { reject: http(403, grokError(7, 'permission-denied: x-userid cookie does not match uid')) };
    }
    if (uid !== FAKE_USER_ID) {
      return { reject: http(403, grokError(7, 'permission-denied: uid is not the session user')) };
    }
  }

  const failure = takeFailure(state, endpoint.name);
  let forced = null;
  if (failure) {
    if (failure.kind === 'scenario') forced = { name: failure.name, arg: failure.arg == null ? undefined : String(failure.arg) };
    else if (failure.kind === 'inband-rate-limit') forced = { name: 'ws-error' };
    else return { reject: failurePlan(failure), failure };
  }
  return { forced, uid, failure };
}

/**
 * Serve the WebSocket endpoints on `httpServer`. `server` = {state,
 * activeStreams, origin}; each open socket is in `activeStreams` (closing the
 * fake terminates it).
 */
export function attachWebSockets(httpServer, server) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });

  httpServer.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    const { state } = server;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const token = ssoToken(req);
    const endpoint = Object.hasOwn(ENDPOINTS, path) ? ENDPOINTS[path] : null;
    if (path.startsWith('/__fake/')) {
      rejectUpgrade(socket, { status: null }, http(404, { error: `no control route for WebSocket ${path}` }));
      return;
    }
    const entry = recordCall(state, { req, path, token, body: null }, WS_LOGGED_HEADERS);
    entry.websocket = true;
    entry.messages = [];
    entry.framesSent = 0;
    entry.closeCode = null;
    if (!endpoint) return rejectUpgrade(socket, entry, http(404, ERRORS.notFound(path)));

    const verdict = admit(state, endpoint, req, url, token);
    if (verdict.failure) entry.injected = verdict.failure;
    if (verdict.reject) {
      if (verdict.failure) entry.scenario = { name: 'injected' };
      // `drop` / `hang`: no HTTP answer at all, the upgrade's connection is dropped (status stays null).
      if (verdict.reject.type === 'drop') return runDropPlan(socket, verdict.reject, server.activeStreams);
      return rejectUpgrade(socket, entry, verdict.reject);
    }
    if (verdict.uid) entry.uid = verdict.uid;

    wss.handleUpgrade(req, socket, head, (ws) => {
      entry.status = 101;
      const conn = new WsConn(ws, entry);
      const abort = () => ws.terminate();
      server.activeStreams.add(abort);
      ws.on('close', () => server.activeStreams.delete(abort));
      endpoint.run(conn, {
        state,
        entry,
        token,
        uid: verdict.uid,
        forced: verdict.forced,
        origin: server.origin,
      });
    });
  });
  return wss;
}
