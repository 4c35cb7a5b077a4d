/**
 * @module openapi/document
 * Builds the OpenAPI 3.1 document served at `/openapi.json` from the route table (`./routes.ts`), converting
 * each zod schema with zod 4's JSON Schema output (draft 2020-12, the dialect of OpenAPI 3.1). Built once per
 * isolate: the first request pays for it, later ones get the cached JSON text.
 */
import { z } from 'zod';
import pkg from '@/package.json';
import { anthropicErrorSchema, errorEnvelopeSchema, settingsErrorSchema } from './envelopes';
import { ROUTES, TAGS, type Auth, type BodySpec, type ContentKind, type RouteSpec } from './routes';

export type JsonSchema = { [key: string]: unknown };

interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** Request schemas describe what clients may send: the input side (defaults optional, coercions as declared). */
const TO_JSON = { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' } as const;

const MEDIA_TYPES: Record<ContentKind, string> = {
  json: 'application/json',
  sse: 'text/event-stream',
  text: 'text/plain',
  csv: 'text/csv',
  image: 'image/*',
  video: 'video/*',
  binary: 'application/octet-stream',
};

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from the dashboard (`sk-g2a-…`). Not needed while the `open_access` setting is on.',
  },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same API key, as Anthropic clients send it.' },
  adminSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'g2a_session',
    description: 'Set by `POST /api/admin/login` (HttpOnly, SameSite=Strict). State-changing calls must also send a same-origin `Origin` header (else 403 `bad_origin`); until the first-boot password is changed only `me`, `password` and `logout` answer (else 403 `password_change_required`).',
  },
};

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  apiKey: [{ apiKey: [] }, { apiKeyHeader: [] }],
  admin: [{ adminSession: [] }],
  signedLink: [],
  none: [],
};

const SIGNED_LINK_QUERY = [
  { name: 't', description: 'Id of the account that generated the media.' },
  { name: 'exp', description: 'Expiry, epoch seconds.' },
  { name: 'sig', description: 'HMAC signature over the path, `t` and `exp`.' },
];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `param` names the offending field',
  404: 'Not found',
  413: 'Request body too large',
  429: 'Rate limited: a key limit, the login throttle, or every account cooling down (see `Retry-After`)',
  502: 'The upstream failed or timed out',
  503: 'No usable account, or the egress is challenged by Cloudflare',
};

const AUTH_ERRORS: Record<Auth, { 401?: string; 403?: string }> = {
  apiKey: { 401: 'Missing, wrong, disabled or expired API key', 403: 'This key may not use the model (`model_not_allowed`)' },
  admin: {
    401: 'Not logged in',
    403: 'Cross-origin call (`bad_origin`), or the first-boot password change is still due (`password_change_required`)',
  },
  signedLink: { 403: 'Missing, expired or forged media link (`media_link_*`)' },
  none: { 401: 'Wrong username or password', 403: 'Cross-origin call (`bad_origin`)' },
};

const RETRY_AFTER = { 'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } };

/**
 * One zod schema → a JSON Schema to embed as `components.schemas[name]`: no `$schema` (the document sets the
 * dialect), `$defs` hoisted to `components.schemas[name_x]`, since `#…` refs resolve against the document root.
 */
export function toSchema(schema: z.ZodType, name: string, defs: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _dialect, $defs = {}, ...rest } = z.toJSONSchema(schema, TO_JSON) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const renamed = new Map(Object.keys($defs).map((k) => [`#/$defs/${k}`, `#/components/schemas/${name}_${k}`]));
  renamed.set('#', `#/components/schemas/${name}`);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? (renamed.get(v) ?? v) : rewrite(v)]));
  };
  for (const [k, def] of Object.entries($defs)) defs[`${name}_${k}`] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

/** zod → JSON Schema, once per zod object per build (two bodies may share one, e.g. Messages and count_tokens). */
type Convert = (schema: z.ZodType, name: string) => JsonSchema;

function bodySchema(spec: BodySpec, convert: Convert): JsonSchema {
  const schema = convert(spec.schema, spec.name);
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined) };
  let required = (schema.required as string[] | undefined) ?? [];
  for (const f of spec.files ?? []) {
    const file = { type: 'string', contentMediaType: 'application/octet-stream' };
    properties[f.name] = f.multiple ? { type: 'array', items: file, description: f.description } : { ...file, description: f.description };
  }
  if (spec.filled) required = required.filter((k) => !spec.filled!.includes(k));
  const out: JsonSchema = { ...schema, properties };
  if (required.length) out.required = required;
  else delete out.required;
  if (spec.closed) out.additionalProperties = false;
  return out;
}

function queryParameters(query: z.ZodObject, convert: Convert, name: string): JsonSchema[] {
  const schema = convert(query, name);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([param, s]) => ({
    name: param,
    in: 'query',
    required: required.has(param),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

function errorResponse(status: number, route: RouteSpec): JsonSchema {
  const schema = route.errorBody === 'anthropic' ? 'AnthropicError' : status === 400 && route.errorBody === 'fieldErrors' ? 'SettingsError' : 'Error';
  return {
    description: (status === 401 || status === 403 ? AUTH_ERRORS[route.auth][status] : undefined) ?? ERROR_DESCRIPTIONS[status] ?? 'Error',
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  };
}

function errorStatuses(route: RouteSpec): number[] {
  const implied = new Set(route.errors ?? []);
  if (route.auth === 'apiKey' || route.auth === 'admin') implied.add(401);
  if (route.auth === 'admin') implied.add(403);
  if (route.body || route.query) implied.add(400);
  if (route.path.includes('{') && route.tag !== 'Service') implied.add(404);
  const ok = route.ok.status ?? 200;
  return [...implied].filter((s) => s !== ok).sort((a, b) => a - b);
}

function operation(route: RouteSpec, convert: Convert): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    parameters.push({ name, in: 'path', required: true, description: route.pathParams?.[name] ?? '', schema: { type: 'string' } });
  }
  if (route.query) parameters.push(...queryParameters(route.query, convert, `${route.operationId}_query`));
  if (route.auth === 'signedLink') parameters.push(...SIGNED_LINK_QUERY.map((p) => ({ ...p, in: 'query', required: true, schema: { type: 'string' } })));
  for (const h of route.headers ?? []) parameters.push({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });

  const ok = route.ok;
  const responses: Record<string, JsonSchema> = {
    [String(ok.status ?? 200)]: {
      description: ok.description,
      ...(ok.headers
        ? { headers: Object.fromEntries(Object.entries(ok.headers).map(([h, description]) => [h, { description, schema: { type: 'string' } }])) }
        : {}),
      ...(ok.content?.length
        ? {
            content: Object.fromEntries(
              ok.content.map((kind) => [MEDIA_TYPES[kind], (ok.status ?? 200) >= 400 ? { schema: { $ref: '#/components/schemas/Error' } } : {}]),
            ),
          }
        : {}),
    },
  };
  for (const status of errorStatuses(route)) responses[String(status)] = errorResponse(status, route);
  if (route.auth !== 'none' || route.body) responses.default = { ...errorResponse(500, route), description: 'Unexpected error (500, code `internal_error`)' };

  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: SECURITY[route.auth],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: Object.fromEntries(route.body.map((b) => [b.type ?? 'application/json', { schema: { $ref: `#/components/schemas/${b.name}` } }])),
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(routes: RouteSpec[] = ROUTES): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  schemas.Error = toSchema(errorEnvelopeSchema, 'Error', schemas);
  schemas.SettingsError = toSchema(settingsErrorSchema, 'SettingsError', schemas);
  schemas.AnthropicError = toSchema(anthropicErrorSchema, 'AnthropicError', schemas);
  const converted = new Map<z.ZodType, JsonSchema>();
  const convert: Convert = (schema, name) => {
    if (!converted.has(schema)) converted.set(schema, toSchema(schema, name, schemas));
    return converted.get(schema)!;
  };
  const owners = new Map<string, BodySpec>();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    for (const body of route.body ?? []) {
      const seen = owners.get(body.name);
      if (seen && (seen.schema !== body.schema || seen.filled !== body.filled || seen.closed !== body.closed || seen.files !== body.files)) {
        // Same name, different request: give it its own name in the table.
        throw new Error(`openapi: schema name ${body.name} is used for two different bodies`);
      }
      if (!seen) {
        owners.set(body.name, body);
        schemas[body.name] = bodySchema(body, convert);
      }
    }
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`openapi: ${route.method.toUpperCase()} ${route.path} is listed twice`);
    item[route.method] = operation(route, convert);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: DIALECT,
    info: {
      title: 'Grok2API',
      version: pkg.version,
      description:
        'OpenAI- and Anthropic-compatible gateway in front of a pool of grok.com web accounts, plus its admin API. Errors are `{error:{message,type,param,code}}` with a real HTTP status (Anthropic routes: `{type:"error", error:{type,message}}`); the codes are listed in the README under "Errors".',
    },
    servers: [{ url: '/', description: 'This deployment' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

let cached: { doc: OpenApiDocument; json: string } | undefined;

/** The document of this isolate (built on first use). */
export function getOpenApiDocument(): OpenApiDocument {
  cached ??= (() => {
    const doc = buildOpenApiDocument();
    return { doc, json: JSON.stringify(doc) };
  })();
  return cached.doc;
}

/** `GET /openapi.json`. */
export function openApiResponse(): Response {
  getOpenApiDocument();
  return new Response(cached!.json, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' },
  });
}
