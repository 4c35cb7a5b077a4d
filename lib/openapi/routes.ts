/**
 * @module openapi/routes
 * The route table behind `/openapi.json`: one row per path + method in `app/`. Request schemas are the zod
 * objects the handlers parse with (imported, never restated), so the document cannot drift from validation.
 * `openapi.test.ts` fails when a `route.ts` export has no row here.
 */
import type { z } from 'zod';
import { chatCompletionRequestSchema } from '@/lib/openai/schemas';
import { editFormSchema, editJsonSchema, imageGenerationRequestSchema } from '@/lib/openai/image-schemas';
import { messagesRequestSchema } from '@/lib/anthropic/schemas';
import { responsesRequestSchema } from '@/lib/responses/schemas';
import { createSchema as videoCreateSchema } from '@/lib/gateway/videos-api';
import { loginSchema, passwordSchema } from '@/lib/admin/account';
import * as tokens from '@/lib/admin/tokens';
import { keyCreateSchema, keyPatchSchema } from '@/lib/admin/keys';
import { logQuerySchema, statsQuerySchema } from '@/lib/admin/logs';
import { querySchema as cacheQuerySchema } from '@/lib/admin/cache';
import { settingsSchema } from '@/lib/settings/schema';
import { settingsBackupSchema } from '@/lib/settings/backup';

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * - `apiKey`: `Authorization: Bearer <key>` or `x-api-key` (not needed while `open_access` is on)
 * - `admin`: the `g2a_session` cookie (plus a same-origin `Origin` on state changes)
 * - `signedLink`: HMAC-signed query (`t`, `exp`, `sig`) minted by the gateway
 * - `none`: public
 */
export type Auth = 'apiKey' | 'admin' | 'signedLink' | 'none';

export type ContentKind = 'json' | 'sse' | 'text' | 'csv' | 'image' | 'video' | 'binary';

export const TAGS = {
  OpenAI: 'OpenAI-compatible chat and Responses API',
  Anthropic: 'Anthropic Messages API (Claude Code, the Anthropic SDK)',
  Images: 'Image generation and editing',
  Videos: 'Asynchronous video jobs',
  Media: 'Signed links to generated images and videos (KV-cached)',
  Service: 'Liveness, this document, and the `/v1` fallback',
  'Admin: account': 'Dashboard login and the admin account',
  'Admin: tokens': 'The grok.com account pool',
  'Admin: keys': 'API keys and their limits',
  'Admin: settings': 'Runtime settings (`lib/settings/schema.ts`)',
  'Admin: logs': 'Request log and usage statistics',
  'Admin: cache': 'The KV media cache',
  'Admin: chat': 'The dashboard chat (same pipeline as `/v1`, session auth)',
} as const;
type Tag = keyof typeof TAGS;

export interface BodySpec {
  /** Name under `components.schemas`; one name per zod object. */
  name: string;
  schema: z.ZodType;
  type?: 'application/json' | 'multipart/form-data';
  /** Multipart file fields read beside the zod-validated text fields. */
  files?: { name: string; description: string; multiple?: boolean }[];
  /** Fields the handler fills in before validating, so the client may omit them. */
  filled?: string[];
  /** The handler rejects keys the schema does not list. */
  closed?: boolean;
}

interface ParamSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI template: `[id]` → `{id}`, `[...key]` → `{key}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  auth: Auth;
  /** Alternatives by content type. */
  body?: BodySpec[];
  bodyOptional?: boolean;
  /** The zod object the handler parses `searchParams` with. */
  query?: z.ZodObject;
  /** Descriptions of `{…}` path segments (each is required). */
  pathParams?: Record<string, string>;
  headers?: ParamSpec[];
  ok: { status?: number; description: string; content?: ContentKind[]; headers?: Record<string, string> };
  /** Error statuses beyond those the auth, body, query and path already imply. */
  errors?: number[];
  /** Error body: the shared envelope unless stated (`fieldErrors`: a 400 adds them beside the envelope). */
  errorBody?: 'anthropic' | 'fieldErrors';
}

/** Failures of any route that runs an upstream conversation or media job. */
const UPSTREAM = [403, 413, 429, 502, 503];
const json = (description: string, status?: number): RouteSpec['ok'] => ({ status, description, content: ['json'] });
const jsonOrSse = (description: string): RouteSpec['ok'] => ({ description: `${description} With \`stream: true\`, Server-Sent Events instead.`, content: ['json', 'sse'] });

const chatBody: BodySpec = { name: 'ChatCompletionRequest', schema: chatCompletionRequestSchema };
const messagesBody: BodySpec = { name: 'MessagesRequest', schema: messagesRequestSchema };
const tokenId = { id: 'Account id (from `GET /api/admin/tokens`).' };
const keyId = { id: 'API key id (from `GET /api/admin/keys`).' };

export const ROUTES: RouteSpec[] = [
  // ── /v1 ────────────────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'get', path: '/v1/models', operationId: 'listModels', tag: 'OpenAI', auth: 'apiKey',
    summary: 'List models',
    description: "The catalog, filtered by the key's model allow-list.",
    ok: json('`{object:"list", data:[{id, object:"model", owned_by, display_name, capability, tier}]}`'),
  },
  {
    method: 'post', path: '/v1/chat/completions', operationId: 'createChatCompletion', tag: 'OpenAI', auth: 'apiKey',
    summary: 'Create a chat completion',
    description: 'OpenAI Chat Completions. Tool calls are emulated (setting `tool_calling`); reasoning is returned as `reasoning_content` or `<think>` tags (setting `reasoning_output`). Video models take `video_config`.',
    body: [chatBody],
    ok: jsonOrSse('A `chat.completion`.'),
    errors: UPSTREAM,
  },
  {
    method: 'post', path: '/v1/responses', operationId: 'createResponse', tag: 'OpenAI', auth: 'apiKey',
    summary: 'Create a response (Responses API)',
    description: 'Stateless: `previous_response_id` is rejected; send the whole conversation in `input`.',
    body: [{ name: 'ResponsesRequest', schema: responsesRequestSchema }],
    ok: jsonOrSse('A `response` object.'),
    errors: UPSTREAM,
  },
  {
    method: 'post', path: '/v1/messages', operationId: 'createMessage', tag: 'Anthropic', auth: 'apiKey',
    summary: 'Create a message (Anthropic Messages API)',
    body: [messagesBody],
    ok: jsonOrSse('A `message`.'),
    errors: UPSTREAM,
    errorBody: 'anthropic',
  },
  {
    method: 'post', path: '/v1/messages/count_tokens', operationId: 'countMessageTokens', tag: 'Anthropic', auth: 'apiKey',
    summary: 'Estimate the input tokens of a message request',
    description: 'Takes the Messages request body; `max_tokens` may be omitted.',
    body: [{ name: 'CountTokensRequest', schema: messagesRequestSchema, filled: ['max_tokens'] }],
    ok: json('`{input_tokens}`'),
    errorBody: 'anthropic',
  },
  {
    method: 'post', path: '/v1/images/generations', operationId: 'createImage', tag: 'Images', auth: 'apiKey',
    summary: 'Generate images',
    body: [{ name: 'ImageGenerationRequest', schema: imageGenerationRequestSchema }],
    ok: jsonOrSse('`{created, data:[{url | b64_json}], usage}`; URLs are signed `/images/…` links.'),
    errors: UPSTREAM,
  },
  {
    method: 'post', path: '/v1/images/edits', operationId: 'editImage', tag: 'Images', auth: 'apiKey',
    summary: 'Edit images',
    description: 'Multipart like OpenAI (`image` / `image[]` files), or JSON with `image_url` / `images[].image_url` (http(s) or data: URLs).',
    body: [
      {
        name: 'ImageEditForm',
        schema: editFormSchema,
        type: 'multipart/form-data',
        files: [
          { name: 'image', description: 'Image(s) to edit; also accepted as `image[]`.', multiple: true },
          { name: 'mask', description: 'Accepted and size-checked; grok.com does not use masks.' },
        ],
      },
      { name: 'ImageEditRequest', schema: editJsonSchema },
    ],
    ok: jsonOrSse('`{created, data:[{url | b64_json}], usage}`.'),
    errors: UPSTREAM,
  },
  {
    method: 'get', path: '/v1/images/method', operationId: 'getImageMethod', tag: 'Images', auth: 'apiKey',
    summary: 'Which image generation method is active',
    ok: json('`{image_generation_method: "legacy" | "imagine_ws"}`'),
  },
  {
    method: 'post', path: '/v1/videos', operationId: 'createVideo', tag: 'Videos', auth: 'apiKey',
    summary: 'Start a video job',
    description: 'Returns at once; poll `GET /v1/videos/{id}`.',
    body: [{ name: 'VideoCreateRequest', schema: videoCreateSchema }],
    ok: json('`{id, object:"video", model, status:"queued", progress, created_at}`'),
    errors: UPSTREAM,
  },
  {
    method: 'get', path: '/v1/videos/{id}', operationId: 'getVideo', tag: 'Videos', auth: 'apiKey',
    summary: 'Poll a video job',
    pathParams: { id: 'Video job id (`video_…`); jobs are private to the key that created them.' },
    ok: json('`{id, object:"video", model, status, progress, created_at, completed_at?, url?, thumbnail_url?, error?}`'),
  },
  {
    method: 'get', path: '/v1/videos/{id}/content', operationId: 'getVideoContent', tag: 'Videos', auth: 'apiKey',
    summary: 'Download a finished video',
    pathParams: { id: 'Video job id (`video_…`).' },
    ok: { status: 302, description: 'Redirect to the signed `/images/…` link of the video.', headers: { location: 'The signed media link.' } },
    errors: [400],
  },
  ...(['get', 'post', 'put', 'patch', 'delete'] as const).map(
    (method): RouteSpec => ({
      method, path: '/v1/{path}', operationId: `unknownV1Endpoint${method[0].toUpperCase()}${method.slice(1)}`, tag: 'Service', auth: 'none',
      summary: 'Any other /v1 path',
      description: 'Catch-all: unknown endpoints answer 404 with the error envelope, never an HTML page.',
      pathParams: { path: 'The rest of the path; may contain `/`.' },
      ok: { status: 404, description: 'Unknown endpoint (the error envelope, code `not_found`).', content: ['json'] },
    }),
  ),

  // ── media, service ────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'get', path: '/images/{ref}', operationId: 'getMedia', tag: 'Media', auth: 'signedLink',
    summary: 'Fetch a generated image or video',
    description: 'Links come from the API answers (`url`, `thumbnail_url`) and expire after the `media_link_ttl_hours` setting. `Range` works; `x-cache` says HIT or MISS.',
    pathParams: { ref: 'Encoded media reference; may contain `/`.' },
    headers: [{ name: 'range', description: 'Byte range, e.g. `bytes=0-`.' }],
    ok: { description: 'The media bytes (206 for a range request, 416 for an unsatisfiable one).', content: ['image', 'video'] },
    errors: [400, 403, 404, 502],
  },
  {
    method: 'get', path: '/health', operationId: 'getHealth', tag: 'Service', auth: 'none',
    summary: 'Liveness',
    description: 'Never touches the upstream. 503 with the same body when D1 or KV does not answer.',
    ok: json('`{status:"ok" | "degraded", build, bindings:{db, kv}}`'),
  },
  {
    method: 'get', path: '/openapi.json', operationId: 'getOpenApi', tag: 'Service', auth: 'none',
    summary: 'This document',
    ok: json('OpenAPI 3.1 document'),
  },

  // ── /api/admin ────────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'post', path: '/api/admin/login', operationId: 'adminLogin', tag: 'Admin: account', auth: 'none',
    summary: 'Log in',
    description: 'Creates the first admin from `ADMIN_USERNAME` / `ADMIN_PASSWORD` on first boot. After 5 failures per username and IP, logins lock with a doubling delay (429 + `Retry-After`). Needs a same-origin `Origin`.',
    body: [{ name: 'AdminLoginRequest', schema: loginSchema }],
    ok: { description: '`{ok:true, username, mustChangePassword}`', content: ['json'], headers: { 'set-cookie': 'The `g2a_session` cookie (HttpOnly, SameSite=Strict).' } },
    errors: [401, 403, 429],
  },
  {
    method: 'post', path: '/api/admin/logout', operationId: 'adminLogout', tag: 'Admin: account', auth: 'admin',
    summary: 'Log out',
    ok: { description: '`{ok:true}`', content: ['json'], headers: { 'set-cookie': 'Clears `g2a_session`.' } },
  },
  {
    method: 'get', path: '/api/admin/me', operationId: 'adminMe', tag: 'Admin: account', auth: 'admin',
    summary: 'The logged-in admin',
    ok: json('`{username, mustChangePassword}`'),
  },
  {
    method: 'post', path: '/api/admin/password', operationId: 'adminChangePassword', tag: 'Admin: account', auth: 'admin',
    summary: 'Change the admin password',
    description: 'Ends every other session of the admin.',
    body: [{ name: 'AdminPasswordRequest', schema: passwordSchema }],
    ok: { description: '`{ok:true, mustChangePassword:false}`', content: ['json'], headers: { 'set-cookie': 'A fresh `g2a_session`.' } },
  },
  {
    method: 'get', path: '/api/admin/tokens', operationId: 'listTokens', tag: 'Admin: tokens', auth: 'admin',
    summary: 'List accounts',
    query: tokens.listQuerySchema,
    ok: json('`{items:[token], total, page, pageSize, outcomes}` (tokens shown by suffix only); `outcomes` maps the id of each listed account that served requests to its last 20 outcomes, oldest first: `[{at, status, reason, kind}]`, `kind` = `ok` | `client_closed` | `cooled` | `failed` | `quarantined`'),
  },
  {
    method: 'post', path: '/api/admin/tokens', operationId: 'importTokens', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Import accounts',
    description: '`tokens` is one string (one token per line) or an array; `sso=` prefixes and whole cookie strings are accepted; duplicates are skipped.',
    body: [{ name: 'TokenImportRequest', schema: tokens.importSchema }],
    ok: json('`{added, duplicates, invalid, invalidSamples}`'),
  },
  {
    method: 'patch', path: '/api/admin/tokens/{id}', operationId: 'updateToken', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Edit an account',
    pathParams: tokenId,
    body: [{ name: 'TokenPatchRequest', schema: tokens.patchSchema }],
    ok: json('The updated token'),
  },
  {
    method: 'delete', path: '/api/admin/tokens/{id}', operationId: 'deleteToken', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Delete an account',
    pathParams: tokenId,
    ok: json('`{ok:true}`'),
  },
  {
    method: 'post', path: '/api/admin/tokens/batch', operationId: 'batchTokens', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Act on many accounts',
    description: '`add_tag` / `remove_tag` need `tag`.',
    body: [{ name: 'TokenBatchRequest', schema: tokens.batchSchema }],
    ok: json('`{ok:true, affected}`'),
  },
  {
    method: 'get', path: '/api/admin/tokens/export', operationId: 'exportTokens', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Export raw tokens',
    headers: [{ name: 'x-confirm-password', description: 'The admin password, re-entered (403 `password_required` otherwise).', required: true }],
    ok: { description: 'One token per line, as an attachment.', content: ['text'] },
  },
  {
    method: 'post', path: '/api/admin/tokens/{id}/test', operationId: 'testToken', tag: 'Admin: tokens', auth: 'admin',
    summary: "Query an account's quota",
    description: 'A failure marks the account exactly as a failed request would.',
    pathParams: tokenId,
    ok: json('`{id, ok, remaining?, total?, windowSeconds?, kind?, message?, token}`'),
    errors: [502],
  },
  {
    method: 'post', path: '/api/admin/tokens/{id}/probe', operationId: 'probeToken', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Which upstream profile (A/B/C) works today',
    description: 'Sends one short chat through each profile on this account (up to three requests of its quota); changes no account state.',
    pathParams: tokenId,
    ok: json('`{tokenId, current, results:[{profile, ok, kind?, message?, sample?, ms}], recommended}`'),
  },
  {
    method: 'post', path: '/api/admin/tokens/refresh', operationId: 'refreshTokens', tag: 'Admin: tokens', auth: 'admin',
    summary: 'Refresh account quotas',
    description: 'The given accounts, or (empty body) the 100 least recently synced.',
    body: [{ name: 'TokenRefreshRequest', schema: tokens.refreshSchema }],
    bodyOptional: true,
    ok: json('`{refreshed, failed, results}`'),
  },
  {
    method: 'get', path: '/api/admin/keys', operationId: 'listKeys', tag: 'Admin: keys', auth: 'admin',
    summary: 'List API keys',
    ok: json("`{items:[{id, name, prefix, status, expiresAt, models, limits, createdAt, lastUsedAt, usageToday, inFlight}], total}`"),
  },
  {
    method: 'post', path: '/api/admin/keys', operationId: 'createKey', tag: 'Admin: keys', auth: 'admin',
    summary: 'Create an API key',
    description: 'An omitted limit is unlimited; `models` null or empty allows every model.',
    body: [{ name: 'KeyCreateRequest', schema: keyCreateSchema }],
    ok: json('`{id, key, name, prefix}`; the only time the plaintext `key` is shown.', 201),
  },
  {
    method: 'patch', path: '/api/admin/keys/{id}', operationId: 'updateKey', tag: 'Admin: keys', auth: 'admin',
    summary: 'Edit an API key',
    pathParams: keyId,
    body: [{ name: 'KeyPatchRequest', schema: keyPatchSchema }],
    ok: json('The updated key'),
  },
  {
    method: 'delete', path: '/api/admin/keys/{id}', operationId: 'deleteKey', tag: 'Admin: keys', auth: 'admin',
    summary: 'Delete an API key',
    pathParams: keyId,
    ok: json('`{ok:true}`'),
  },
  {
    method: 'get', path: '/api/admin/settings', operationId: 'getSettings', tag: 'Admin: settings', auth: 'admin',
    summary: 'Read the settings',
    ok: json('`{values, defaults, defaultModels}`'),
  },
  {
    method: 'put', path: '/api/admin/settings', operationId: 'updateSettings', tag: 'Admin: settings', auth: 'admin',
    summary: 'Change settings',
    description: 'Send only the settings to change (`default` in the schema is the built-in value, not what an omitted key becomes). A 400 carries `fieldErrors` beside the envelope.',
    body: [{ name: 'SettingsPatch', schema: settingsSchema, closed: true }],
    ok: json('`{values}`: all settings after the change'),
    errorBody: 'fieldErrors',
  },
  {
    method: 'get', path: '/api/admin/settings/export', operationId: 'exportSettings', tag: 'Admin: settings', auth: 'admin',
    summary: 'Export the settings (backup)',
    description: 'Every setting, defaults included. The file holds `cf_cookies` and the custom instruction: keep it private. Restore it with `POST /api/admin/settings/import`.',
    ok: {
      description: '`{format:"grok2api-settings", version:1, exportedAt, settings:{…}}` as an attachment.',
      content: ['json'],
      headers: { 'content-disposition': '`attachment; filename="grok2api-settings-YYYY-MM-DD.json"`' },
    },
  },
  {
    method: 'post', path: '/api/admin/settings/import', operationId: 'importSettings', tag: 'Admin: settings', auth: 'admin',
    summary: 'Import a settings export (restore)',
    description: 'Checks the whole document first (format, version, every setting as `PUT /api/admin/settings` does) and stores nothing unless all of it is valid; then saves it in one batch. Settings the file does not list keep their value. A 400 names the field in `param` (`format`, `version`, `settings.<name>`); a bad or unknown setting (code `invalid_settings`) also carries `fieldErrors`.',
    body: [{ name: 'SettingsBackup', schema: settingsBackupSchema }],
    ok: json('`{ok:true, applied, values}`: how many settings the file set, and all settings after the import'),
    errors: [413],
  },
  {
    method: 'get', path: '/api/admin/logs', operationId: 'listLogs', tag: 'Admin: logs', auth: 'admin',
    summary: 'Request log',
    description: '`from` / `to` are epoch milliseconds.',
    query: logQuerySchema,
    ok: json('`{items, total, page, pageSize}`'),
  },
  {
    method: 'get', path: '/api/admin/stats', operationId: 'getStats', tag: 'Admin: logs', auth: 'admin',
    summary: 'Usage statistics',
    query: statsQuerySchema,
    ok: json('`{period, bucketMs, requests, ok, successRate, latency, ttft, series, byReason, byModel, byKey, tokens, capacity, egress}`; `capacity` = `{bucketMs, points:[{at, available, cooling, quarantined, invalid, disabled}]}`: the pool over the period (snapshots averaged per bucket), the current counts last'),
  },
  {
    method: 'get', path: '/api/admin/stats/export', operationId: 'exportStats', tag: 'Admin: logs', auth: 'admin',
    summary: 'Usage per key as CSV',
    query: statsQuerySchema,
    ok: { description: '`key_id,key_name,requests,errors,prompt_tokens,completion_tokens`', content: ['csv'] },
  },
  {
    method: 'get', path: '/api/admin/cache', operationId: 'listCache', tag: 'Admin: cache', auth: 'admin',
    summary: 'Cache usage and entries',
    query: cacheQuerySchema,
    ok: json('`{count, bytes, byType, truncated, items:[{key, expiration, contentType, …, preview}], cursor}`'),
  },
  {
    method: 'delete', path: '/api/admin/cache', operationId: 'purgeCache', tag: 'Admin: cache', auth: 'admin',
    summary: 'Purge the media cache',
    ok: json('`{ok:true, deleted}`'),
  },
  {
    method: 'get', path: '/api/admin/cache/{key}', operationId: 'previewCacheEntry', tag: 'Admin: cache', auth: 'admin',
    summary: 'Preview a cached entry',
    pathParams: { key: 'Cache key (`media/…`), URL-encoded; may contain `/`.' },
    ok: { description: 'The cached bytes.', content: ['image', 'video', 'binary'] },
  },
  {
    method: 'delete', path: '/api/admin/cache/{key}', operationId: 'deleteCacheEntry', tag: 'Admin: cache', auth: 'admin',
    summary: 'Delete a cached entry',
    pathParams: { key: 'Cache key (`media/…`), URL-encoded; may contain `/`.' },
    ok: json('`{ok:true}`'),
  },
  {
    method: 'post', path: '/api/admin/chat/completions', operationId: 'adminChatCompletion', tag: 'Admin: chat', auth: 'admin',
    summary: 'Chat from the dashboard',
    description: 'Same request and answer as `POST /v1/chat/completions`, authorised by the session instead of an API key.',
    body: [chatBody],
    ok: jsonOrSse('A `chat.completion`.'),
    errors: UPSTREAM,
  },
];
