/**
 * @module platform
 * The only file that knows about `@cloudflare/next-on-pages`. Everything else receives a `Platform`:
 * typed env, the D1/KV bindings and `waitUntil`, read per request (bindings are per request on Workers).
 */
import { getRequestContext } from '@cloudflare/next-on-pages';
import { z } from 'zod';
import { meterD1, type D1Meter } from '@/lib/db/metered';

/** Empty strings from dashboards and `.dev.vars` mean "not set". */
const optional = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().optional());

const intVar = (fallback: number, schema: z.ZodNumber) =>
  z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? fallback : Number(v)), schema);

const envSchema = z.object({
  /** grok.com REST base. */
  GROK_BASE_URL: optional.default('https://grok.com'),
  /** Host serving generated media (needs the account cookie). */
  GROK_ASSETS_URL: optional.default('https://assets.grok.com'),
  /** WebSocket base for the Imagine / chat gateways. */
  GROK_WS_URL: optional.default('wss://grok.com'),
  /** First-boot admin account; a forced password change follows the first login. */
  ADMIN_USERNAME: optional.default('admin'),
  ADMIN_PASSWORD: optional.default('admin'),
  /** One-time token for the first login when ADMIN_PASSWORD is the default; else a random one is logged. */
  ADMIN_SETUP_TOKEN: optional,
  /** Set by the local server when it listens on a loopback address only: every client is on this machine. */
  SERVED_ON_LOOPBACK: z.preprocess((v) => v === '1' || v === 'true', z.boolean()),
  /** Encrypts sso tokens at rest and signs media URLs. */
  SECRET_KEY: optional,
  /** Local midnight for the media cache, in minutes east of UTC (480 = UTC+8). */
  CACHE_RESET_TZ_OFFSET_MINUTES: intVar(480, z.number().int().min(-840).max(840)),
  KV_CACHE_MAX_BYTES: intVar(26_214_400, z.number().int().positive()),
  /** Build id shown by /health; Cloudflare Pages provides CF_PAGES_COMMIT_SHA when BUILD_SHA is not set. */
  BUILD_SHA: optional,
  CF_PAGES_COMMIT_SHA: optional,
}).transform(({ CF_PAGES_COMMIT_SHA, ...env }) => ({ ...env, BUILD_SHA: env.BUILD_SHA ?? CF_PAGES_COMMIT_SHA?.slice(0, 12) ?? 'dev' }));

type Env = z.infer<typeof envSchema>;

interface Bindings {
  DB: D1Database;
  KV_CACHE: KVNamespace;
}

export interface Platform {
  env: Env;
  bindings: Bindings;
  /** Keeps the isolate alive for work that must not delay the response (logs, quota sync). */
  waitUntil(promise: Promise<unknown>): void;
  /** The platform's own fetch (outbound WebSockets need it). */
  fetch: typeof fetch;
  /** What this request has asked of D1 so far (bindings.DB is metered). */
  d1: D1Meter;
}

const parsedEnv = new WeakMap<object, Env>();

/** Parses env once per env object; a missing SECRET_KEY is a deploy error, reported at first use. */
function parseEnv(raw: Record<string, unknown>): Env {
  const cached = parsedEnv.get(raw);
  if (cached) return cached;
  const env = envSchema.parse(raw);
  parsedEnv.set(raw, env);
  return env;
}

export function getPlatform(): Platform {
  const { env, ctx } = getRequestContext();
  const raw = env as unknown as Record<string, unknown> & Partial<Bindings>;
  if (!raw.DB || !raw.KV_CACHE) throw new Error('D1 binding DB and KV binding KV_CACHE are required (see wrangler.toml)');
  const metered = meterD1(raw.DB);
  return {
    env: parseEnv(raw),
    bindings: { DB: metered.db, KV_CACHE: raw.KV_CACHE },
    d1: metered.meter,
    waitUntil: (p) => ctx.waitUntil(p.catch((e) => console.error('background task failed', e))),
    fetch: platformFetch,
  };
}

/**
 * Next patches the global fetch for its data cache; the patched one does not hand back `response.webSocket`
 * (outbound WebSockets) and adds work per call. The original is kept on the patched function.
 */
const platformFetch: typeof fetch = (() => {
  const patched = globalThis.fetch as typeof fetch & { _nextOriginalFetch?: typeof fetch };
  return (patched._nextOriginalFetch ?? patched).bind(globalThis);
})();
