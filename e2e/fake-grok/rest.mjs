// The grok.com side of the fake: REST endpoints E1, E3, E5, E6, E19 and the
// asset paths E12 (spec §1), behind the sso-cookie check of spec §2.1.
// The WebSockets E13/E14 live in ws.mjs.
import { resolveAsset, sendAsset } from './assets.mjs';
import { failurePlan } from './failures.mjs';
import {
  ERRORS,
  parseJson,
  readBody,
  sendJson,
  sha256Hex,
  ssoToken,
  uuidFromData,
} from './http-util.mjs';
import { chatQuota, consume, QUOTA_RETRY_AFTER, rateLimitsBody } from './quota.mjs';
import { defaultScenario, parseDirectives, scenarioPlan } from './scenarios.mjs';
import { recordCall, storeUpload, takeFailure, tokenState } from './state.mjs';
import { runDropPlan, runStreamPlan, sendHttpPlan } from './stream.mjs';

export const FAKE_USER_ID = '5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10';
/** Post id of the video fixture (10-video-generation.ndjson). */
export const VIDEO_POST_ID = 'd00df00d-6666-4f00-9000-000000000040';

const LOGGED_TEXT_MAX = 64 * 1024;
const isText = (v) => typeof v === 'string' && v !== '';
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---- E1 POST /rest/app-chat/conversations/new -------------------------------

function hasModelSelector(body) {
  if (isText(body.modeId) || isObject(body.mediaGenInput)) return true;
  // Media bodies (video v1/v2, image edit) name a model without a mode (spec §6.4, §6.5).
  return isText(body.modelName) && (isText(body.modelMode) || defaultScenario(body).name !== 'plain');
}

async function conversationNew(req, res, c) {
  const body = c.json;
  if (!isObject(body)) return sendJson(res, 400, ERRORS.badRequest('body is not a JSON object'));
  if (typeof body.message !== 'string') return sendJson(res, 400, ERRORS.badRequest('message must be a string'));
  if (!hasModelSelector(body)) {
    return sendJson(res, 400, ERRORS.badRequest('need modelName+modelMode, modeId or mediaGenInput'));
  }
  if (!consume(c.state, c.token, chatQuota(body))) {
    c.entry.scenario = { name: 'quota-exhausted' };
    return sendJson(res, 429, ERRORS.tooManyRequests(), { 'Retry-After': String(QUOTA_RETRY_AFTER) });
  }

  const directives = parseDirectives(body.message);
  const ctx = {
    body,
    message: body.message,
    // The model userResponse/modelResponse report: the requested one, unless `#model:NAME` says otherwise.
    model: directives.model ?? (isText(body.modeId) ? body.modeId : isText(body.modelName) ? body.modelName : undefined),
  };
  const build = (name, arg) => scenarioPlan(name, arg, ctx);
  const failure = takeFailure(c.state);
  let plan;
  if (failure) {
    c.entry.injected = failure;
    c.entry.scenario = failure.kind === 'scenario' ? { name: failure.name, arg: failure.arg } : { name: 'injected' };
    plan = failurePlan(failure, build);
  } else {
    const choice = directives.scenario ?? defaultScenario(body);
    c.entry.scenario = choice;
    plan = build(choice.name, choice.arg);
  }

  if (plan.type === 'http') return sendHttpPlan(res, plan);
  if (plan.type === 'drop') return runDropPlan(req.socket, plan, c.activeStreams);
  await runStreamPlan(res, plan, {
    delayMs: directives.delayMs ?? c.state.options.frameDelayMs,
    active: c.activeStreams,
  });
}

// ---- E3 POST /rest/app-chat/upload-file --------------------------------------

const UPLOAD_PATH = '/rest/app-chat/upload-file';
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decoded upload content, or null when it is not non-empty strict base64. */
function decodeContent(content) {
  const clean = typeof content === 'string' ? content.replace(/\s+/g, '') : '';
  if (!clean || !BASE64_RE.test(clean)) return null;
  return Buffer.from(clean, 'base64');
}

/** What the call log keeps of an upload body: size + sha256, not the content. */
function uploadSummary(value) {
  if (!isObject(value)) return value ?? null;
  const { content, ...rest } = value;
  const bytes = decodeContent(content);
  return bytes
    ? { ...rest, contentBytes: bytes.length, contentSha256: sha256Hex(bytes) }
    : { ...rest, contentChars: typeof content === 'string' ? content.length : null };
}

function uploadFile(req, res, c) {
  const body = c.json;
  if (!isObject(body)) return sendJson(res, 400, ERRORS.badRequest('body is not a JSON object'));
  const bytes = decodeContent(body.content);
  if (!bytes) return sendJson(res, 400, ERRORS.badRequest('content must be non-empty base64 (no data: prefix)'));
  const fileMetadataId = uuidFromData(bytes);
  const fileUri = `users/${FAKE_USER_ID}/${fileMetadataId}/content`;
  const mime = isText(body.fileMimeType) ? body.fileMimeType : 'application/octet-stream';
  storeUpload(c.state, fileUri, { bytes, mime, fileName: body.fileName, fileMetadataId });
  sendJson(res, 200, { fileMetadataId, fileUri });
}

// ---- E5 POST /rest/rate-limits -------------------------------------------------

function rateLimits(req, res, c) {
  const body = c.json;
  if (!isObject(body) || !isText(body.modelName)) {
    return sendJson(res, 400, ERRORS.badRequest('modelName must be a non-empty string'));
  }
  sendJson(res, 200, rateLimitsBody(c.state, c.token, body));
}

// ---- E6 POST /rest/media/post/create -----------------------------------------

const MEDIA_TYPES = new Set(['MEDIA_POST_TYPE_VIDEO', 'MEDIA_POST_TYPE_IMAGE']);

function createPost(req, res, c) {
  const body = c.json;
  if (!isObject(body)) return sendJson(res, 400, ERRORS.badRequest('body is not a JSON object'));
  // CY-1 sent snake_case names (spec §6.5).
  const mediaType = body.mediaType ?? body.media_type;
  const prompt = body.prompt;
  const mediaUrl = body.mediaUrl ?? body.media_url;
  if (!MEDIA_TYPES.has(mediaType)) return sendJson(res, 400, ERRORS.badRequest('unknown mediaType'));
  if (!isText(prompt) && !isText(mediaUrl)) return sendJson(res, 400, ERRORS.badRequest('prompt or mediaUrl required'));
  const id =
    mediaType === 'MEDIA_POST_TYPE_VIDEO'
      ? VIDEO_POST_ID
      : uuidFromData(JSON.stringify([mediaType, prompt ?? '', mediaUrl ?? '']));
  sendJson(res, 200, { post: { id } });
}

// ---- E12 GET /users/... --------------------------------------------------------

function asset(req, res, c) {
  let path;
  try {
    path = decodeURIComponent(c.path.slice(1));
  } catch {
    return sendJson(res, 400, ERRORS.badRequest('bad path encoding'));
  }
  const found = resolveAsset(c.state, path);
  if (!found) return sendJson(res, 404, ERRORS.notFound(c.path));
  if (found.error) return sendJson(res, 400, ERRORS.badRequest(found.error));
  sendAsset(req, res, found);
}

// ---- E19 GET /api/auth/session ---------------------------------------------------

export const SESSION_PATH = '/api/auth/session';
export const FAKE_USER_EMAIL = 'demo@example.com';

/**
 * Session identity (spec §9.5). Answered 200 for every known cookie: revoked
 * tokens get `{"status":"unauthenticated"}`, blocked ones `{"status":"blocked"}`
 * (the gateway maps these to 401 / blocked). A missing cookie is a 401 as on
 * every endpoint.
 */
function authSession(req, res, c) {
  const tstate = tokenState(c.state, c.token);
  if (tstate === 'revoked') return sendJson(res, 200, { status: 'unauthenticated' });
  if (tstate === 'blocked') return sendJson(res, 200, { status: 'blocked' });
  sendJson(res, 200, {
    status: 'authenticated',
    session: { userId: FAKE_USER_ID },
    user: { id: FAKE_USER_ID, email: FAKE_USER_EMAIL },
  });
}

// ---- routing, auth, logging ------------------------------------------------------

const ROUTES = {
  'POST /rest/app-chat/conversations/new': conversationNew,
  [`POST ${UPLOAD_PATH}`]: uploadFile,
  'POST /rest/rate-limits': rateLimits,
  'POST /rest/media/post/create': createPost,
  [`GET ${SESSION_PATH}`]: authSession,
};

function routeFor(method, path) {
  if ((method === 'GET' || method === 'HEAD') && (path.startsWith('/users/') || path.startsWith('/imagine-public/'))) {
    return asset;
  }
  return ROUTES[`${method} ${path}`] ?? null;
}

function loggedBody(raw, parsed) {
  if (raw.length === 0) return null;
  if (parsed.ok) return parsed.value;
  const text = raw.toString('utf8');
  return text.length > LOGGED_TEXT_MAX ? `${text.slice(0, LOGGED_TEXT_MAX)}…` : text;
}

/** Handle every non-control request. `server` = {state, activeStreams}. */
export async function handleUpstream(req, res, url, server) {
  const { state } = server;
  const path = url.pathname;
  const raw = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  const parsed = raw.length ? parseJson(raw) : { ok: false };
  const token = ssoToken(req);
  const body = path === UPLOAD_PATH && parsed.ok ? uploadSummary(parsed.value) : loggedBody(raw, parsed);
  const entry = recordCall(state, { req, path, token, body });
  res.once('close', () => {
    entry.status = res.headersSent ? res.statusCode : null;
    entry.endedAt = new Date().toISOString();
  });

  const handler = routeFor(req.method, path);
  if (!handler) return sendJson(res, 404, ERRORS.notFound(path));

  if (!token) return sendJson(res, 401, ERRORS.missingCookie());
  const context = {
    state,
    activeStreams: server.activeStreams,
    entry,
    path,
    token,
    json: parsed.ok ? parsed.value : undefined,
  };
  if (handler === authSession) return handler(req, res, context); // reports the token state itself
  const tstate = tokenState(state, token);
  if (tstate === 'revoked') return sendJson(res, 401, ERRORS.revoked());
  if (tstate === 'blocked') return sendJson(res, 403, ERRORS.blocked());
  if (path.startsWith('/rest/') && state.options.requireStatsig && !req.headers['x-statsig-id']) {
    return sendJson(res, 403, ERRORS.antiBot());
  }

  await handler(req, res, context);
}
