import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { anthropicError } from '@/lib/anthropic/format';
import { chatCompletionRequestSchema } from '@/lib/openai/schemas';
import { settingsSchema } from '@/lib/settings/schema';
import { GET } from '@/app/openapi.json/route';
import { buildOpenApiDocument, getOpenApiDocument, openApiResponse, toSchema, type JsonSchema } from './document';
import { anthropicErrorSchema, errorEnvelopeSchema } from './envelopes';
import { ROUTES } from './routes';

const APP_DIR = fileURLToPath(new URL('../../app', import.meta.url));
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const OPERATION_KEYS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const doc = buildOpenApiDocument();
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method, op: op as JsonSchema & { responses: Record<string, JsonSchema> } })),
);

/** Every `route.ts` under app/ as `{path, methods}`; private (`_x`) folders are not routes, groups `(x)` add nothing. */
function appRoutes(): { file: string; path: string; methods: string[] }[] {
  const files = (readdirSync(APP_DIR, { recursive: true }) as string[]).filter((f) => /(^|[\\/])route\.(ts|js)$/.test(f));
  return files
    .map((file) => {
      const segments = file.split(sep).slice(0, -1);
      if (segments.some((s) => s.startsWith('_'))) return null;
      const path = segments
        .filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith('@'))
        .map((s) => s.replace(/^\[\[?\.\.\.(\w+)\]?\]$/, '{$1}').replace(/^\[(\w+)\]$/, '{$1}'))
        .join('/');
      return { file, path: `/${path}`, methods: exportedMethods(readFileSync(join(APP_DIR, file), 'utf8')) };
    })
    .filter((r): r is NonNullable<typeof r> => r !== null);
}

/** `export function GET`, `export const POST =`, `export { handler as GET, PUT }`. */
function exportedMethods(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function\s*\*?|const|let|var)\s+(\w+)/g)) names.add(m[1]);
  for (const block of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const spec of block[1].split(',')) {
      const m = /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(spec);
      if (m) names.add(m[2] ?? m[1]);
    }
  }
  return HTTP_METHODS.filter((m) => names.has(m));
}

/** JSON pointer (`#/a/b~1c`) from the document root. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

function collectRefs(node: unknown, at: string, out: { ref: string; at: string }[] = []) {
  if (Array.isArray(node)) node.forEach((v, i) => collectRefs(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
      else collectRefs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

/** Ajv over JSON Schema 2020-12; `#/components/…` refs resolve inside a registered copy of the components. */
function compiler() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: { schemas: doc.components.schemas } });
  const rebase = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rebase);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : rebase(v)]));
  };
  let n = 0;
  return { ajv, compile: (schema: JsonSchema) => ajv.compile({ ...(rebase(schema) as JsonSchema), $id: `schema-${n++}` }) };
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, servers, tags and security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.info.title).toBe('Grok2API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminSession', 'apiKey', 'apiKeyHeader']);
    expect(doc.components.securitySchemes.adminSession).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'g2a_session' });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has well-formed operations: responses with descriptions, unique ids, declared tags, known security', () => {
    const tags = new Set(doc.tags.map((t) => t.name));
    const ids = new Set<string>();
    expect(operations.length).toBeGreaterThan(30);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(path.startsWith('/'), where).toBe(true);
      expect(OPERATION_KEYS.has(method), where).toBe(true);
      expect(typeof op.operationId, where).toBe('string');
      expect(ids.has(op.operationId as string), `duplicate operationId at ${where}`).toBe(false);
      ids.add(op.operationId as string);
      expect(typeof op.summary, where).toBe('string');
      for (const t of op.tags as string[]) expect(tags.has(t), `${where} tag ${t}`).toBe(true);
      for (const req of op.security as Record<string, string[]>[]) {
        for (const scheme of Object.keys(req)) expect(doc.components.securitySchemes[scheme], `${where} ${scheme}`).toBeDefined();
      }
      const responses = Object.entries(op.responses);
      expect(responses.length, where).toBeGreaterThan(0);
      for (const [status, res] of responses) {
        expect(status === 'default' || /^[1-5](\d\d|XX)$/.test(status), `${where} ${status}`).toBe(true);
        expect(typeof res.description, `${where} ${status}`).toBe('string');
      }
      // Every {template} segment has exactly one required path parameter, and nothing else claims `in: path`.
      const params = (op.parameters as JsonSchema[] | undefined) ?? [];
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const inPath = params.filter((p) => p.in === 'path');
      expect(inPath.map((p) => p.name).sort(), where).toEqual(templated);
      for (const p of inPath) expect(p.required, where).toBe(true);
      for (const p of params) expect(['path', 'query', 'header', 'cookie'], where).toContain(p.in);
      const keys = params.map((p) => `${p.in}:${p.name}`);
      expect(new Set(keys).size, `${where} duplicate parameter`).toBe(keys.length);
      if (op.requestBody) expect(Object.keys((op.requestBody as { content: object }).content).length, where).toBeGreaterThan(0);
    }
  });

  it('resolves every $ref', () => {
    const refs = collectRefs(doc, '#');
    expect(refs.length).toBeGreaterThan(0);
    for (const { ref, at } of refs) expect(resolvePointer(ref), `${ref} at ${at}`).toBeDefined();
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('holds only JSON Schema 2020-12 schemas, each compilable', () => {
    const { ajv, compile } = compiler();
    const schemas: [string, JsonSchema][] = [
      ...Object.entries(doc.components.schemas).map(([name, s]): [string, JsonSchema] => [`components.schemas.${name}`, s]),
      ...operations.flatMap(({ path, method, op }) =>
        ((op.parameters as JsonSchema[] | undefined) ?? []).map((p): [string, JsonSchema] => [`${method} ${path} ${p.name}`, p.schema as JsonSchema]),
      ),
    ];
    for (const [where, schema] of schemas) {
      expect(schema && typeof schema === 'object' && !Array.isArray(schema), where).toBe(true);
      expect(schema.$schema, `${where}: the dialect is set once, at the top`).toBeUndefined();
      expect(ajv.validateSchema(schema), `${where}: ${ajv.errorsText()}`).toBe(true);
      expect(() => compile(schema), where).not.toThrow();
    }
  });

  it('describes the same requests the zod schemas accept', () => {
    const { compile } = compiler();
    const chat = compile(doc.components.schemas.ChatCompletionRequest);
    const good = { model: 'grok-4', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: true, extra: 1 };
    expect(chatCompletionRequestSchema.safeParse(good).success).toBe(true);
    expect(chat(good)).toBe(true);
    for (const bad of [{ messages: good.messages }, { ...good, messages: [] }, { ...good, temperature: 3 }, { ...good, messages: [{ role: 'robot' }] }]) {
      expect(chatCompletionRequestSchema.safeParse(bad).success).toBe(false);
      expect(chat(bad), JSON.stringify(bad)).toBe(false);
    }
    // PUT /api/admin/settings: a partial patch; unknown keys are rejected, as validateSettingsPatch does.
    const settings = compile(doc.components.schemas.SettingsPatch);
    expect(settings({ open_access: true })).toBe(true);
    expect(settings({ keepalive_seconds: 0 })).toBe(false);
    expect(settings({ not_a_setting: 1 })).toBe(false);
    expect(Object.keys(doc.components.schemas.SettingsPatch.properties as object).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    // count_tokens fills max_tokens itself.
    expect(doc.components.schemas.MessagesRequest.required).toContain('max_tokens');
    expect(doc.components.schemas.CountTokensRequest.required).not.toContain('max_tokens');
  });

  it('describes the error bodies the app actually sends', () => {
    const err = new GatewayError('invalid_request', 'messages: required', { param: 'messages' });
    expect(errorEnvelopeSchema.parse(err.toJSON())).toEqual(err.toJSON());
    expect(errorEnvelopeSchema.safeParse(new GatewayError('internal', 'x').toJSON()).success).toBe(true);
    expect(anthropicErrorSchema.parse(anthropicError(err))).toEqual(anthropicError(err));
    const { compile } = compiler();
    expect(compile(doc.components.schemas.Error)(err.toJSON())).toBe(true);
  });

  it('lists every route.ts export under app/, and nothing that is not one', () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const expected = new Set<string>();
    for (const r of routes) {
      expect(r.methods.length, `${r.file} exports no HTTP method the test can see`).toBeGreaterThan(0);
      for (const m of r.methods) {
        const key = `${m} ${r.path}`;
        expected.add(key);
        expect(doc.paths[r.path]?.[m.toLowerCase()], `${key} (${r.file}) is missing from lib/openapi/routes.ts`).toBeDefined();
      }
    }
    const documented = operations.map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(documented.filter((k) => !expected.has(k)), 'documented but not in app/').toEqual([]);
    for (const r of ['GET /v1/models', 'POST /v1/chat/completions', 'DELETE /api/admin/cache/{key}', 'GET /images/{ref}', 'GET /openapi.json']) {
      expect(expected.has(r), r).toBe(true);
    }
  });

  it('marks auth per area: bearer or x-api-key for /v1, the session cookie for /api/admin, none for login', () => {
    for (const { path, method, op } of operations) {
      const security = op.security as Record<string, string[]>[];
      if (path === '/api/admin/login' || path === '/v1/{path}' || path === '/health' || path === '/openapi.json' || path.startsWith('/images/')) {
        expect(security, `${method} ${path}`).toEqual([]);
      } else if (path.startsWith('/api/admin/')) expect(security, `${method} ${path}`).toEqual([{ adminSession: [] }]);
      else if (path.startsWith('/v1/')) expect(security, `${method} ${path}`).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
    }
  });

  it('uses the routes’ own zod objects: request bodies by content type, query parameters from the query schema', () => {
    const edits = doc.paths['/v1/images/edits'].post.requestBody as { content: Record<string, unknown> };
    expect(Object.keys(edits.content).sort()).toEqual(['application/json', 'multipart/form-data']);
    const chat = (doc.paths['/v1/chat/completions'].post.responses as Record<string, { content: Record<string, unknown> }>)['200'];
    expect(Object.keys(chat.content)).toEqual(['application/json', 'text/event-stream']);
    const logs = (doc.paths['/api/admin/logs'].get.parameters as JsonSchema[]).map((p) => p.name);
    expect(logs).toEqual(['status', 'model', 'keyId', 'reason', 'from', 'to', 'page', 'pageSize']);
    const stats = (doc.paths['/api/admin/stats'].get.parameters as JsonSchema[])[0];
    expect(stats).toMatchObject({ name: 'period', in: 'query', required: false, schema: { enum: ['24h', '7d', '30d'] } });
    for (const r of ROUTES) expect(r.body === undefined || r.body.length > 0, r.operationId).toBe(true);
  });
});

describe('toSchema', () => {
  it('drops $schema and hoists $defs into components, rewriting refs (self-references included)', () => {
    const inner: z.ZodType = z.object({ v: z.string(), get next() { return inner.optional(); } });
    const tree: z.ZodType = z.object({ name: z.string(), get children() { return z.array(tree); } });
    const defs: Record<string, JsonSchema> = {};
    const outer = toSchema(z.object({ a: inner, b: inner }), 'Outer', defs);
    expect(outer.$schema).toBeUndefined();
    expect(outer.$defs).toBeUndefined();
    expect(outer.properties).toEqual({ a: { $ref: '#/components/schemas/Outer___schema0' }, b: { $ref: '#/components/schemas/Outer___schema0' } });
    expect(defs.Outer___schema0).toMatchObject({ properties: { next: { $ref: '#/components/schemas/Outer___schema0' } } });
    expect(toSchema(tree, 'Tree', defs).properties).toMatchObject({ children: { items: { $ref: '#/components/schemas/Tree' } } });
  });
});

describe('GET /openapi.json', () => {
  it('builds the document once per isolate', () => {
    expect(getOpenApiDocument()).toBe(getOpenApiDocument());
  });

  it('serves the document as cacheable JSON', async () => {
    const res = GET();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await res.json()).toEqual(getOpenApiDocument());
    expect(await openApiResponse().text()).toBe(JSON.stringify(getOpenApiDocument()));
  });
});
