// The one place that knows how the app is served locally: the production build (next-on-pages output) on
// workerd, started through Miniflare's API — the runtime Cloudflare runs in production, without the
// development proxy of `wrangler pages dev`. D1 and KV persist where `wrangler d1 migrations apply --local`
// writes them (<persistTo>/v3), static assets go through the `ASSETS` binding the next-on-pages worker
// expects, and `_routes.json` / `_headers` are honoured the way Pages does.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Log, LogLevel, Miniflare } from 'miniflare';

export const ROOT = new URL('..', import.meta.url).pathname;
export const STATIC_DIR = join(ROOT, '.vercel/output/static');
const WORKER_DIR = join(STATIC_DIR, '_worker.js');
export const DEFAULT_PERSIST = join(ROOT, '.wrangler/state');

/** Env vars the app reads; when set in the shell they override .dev.vars. */
export const APP_VARS = [
  'GROK_BASE_URL',
  'GROK_ASSETS_URL',
  'GROK_WS_URL',
  'ADMIN_USERNAME',
  'ADMIN_PASSWORD',
  'ADMIN_SETUP_TOKEN',
  'SECRET_KEY',
  'CACHE_RESET_TZ_OFFSET_MINUTES',
  'KV_CACHE_MAX_BYTES',
  'BUILD_SHA',
];

/**
 * The few wrangler.toml facts the server needs (compatibility, binding ids). A deliberately small reader of
 * the file's flat `key = value` lines and `[[table]]` headers, not a TOML parser.
 */
export function readWranglerConfig(path = join(ROOT, 'wrangler.toml')) {
  const top = {};
  const tables = {};
  let current = top;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const table = /^\[\[([\w.]+)\]\]$/.exec(line);
    if (table) {
      current = {};
      (tables[table[1]] ??= []).push(current);
      continue;
    }
    const kv = /^([\w-]+)\s*=\s*(.+)$/.exec(line);
    if (kv) current[kv[1]] = JSON.parse(kv[2]);
  }
  return {
    compatibilityDate: top.compatibility_date,
    compatibilityFlags: top.compatibility_flags ?? [],
    d1: Object.fromEntries((tables.d1_databases ?? []).map((d) => [d.binding, d.preview_database_id ?? d.database_id])),
    kv: Object.fromEntries((tables.kv_namespaces ?? []).map((k) => [k.binding, k.preview_id ?? k.id])),
  };
}

/** `.dev.vars` as an object (KEY=value lines, optional quotes); missing file → {}. */
export function readDevVars(path = join(ROOT, '.dev.vars')) {
  if (!existsSync(path)) return {};
  const vars = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][\w]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    vars[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return vars;
}

const isLoopback = (host) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** The app's vars: .dev.vars, then shell env vars of APP_VARS, then explicit overrides. */
export function appVars(overrides = {}) {
  const shell = Object.fromEntries(APP_VARS.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
  return { ...readDevVars(), ...shell, ...overrides };
}

function workerModules(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.m?js$/.test(entry.name)) out.push({ type: 'ESModule', path, contents: readFileSync(path) });
      else if (entry.name.endsWith('.wasm')) out.push({ type: 'CompiledWasm', path, contents: readFileSync(path) });
    }
  };
  walk(dir);
  // The entry module goes first.
  out.sort((a, b) => (a.path.endsWith(`${dir}/index.js`) ? -1 : b.path.endsWith(`${dir}/index.js`) ? 1 : 0));
  return out;
}

/** Pages never serves its control files; the Workers assets server needs to be told. */
function ensureAssetsIgnore() {
  const path = join(STATIC_DIR, '.assetsignore');
  const want = '_worker.js\n_routes.json\n';
  if (!existsSync(path) || readFileSync(path, 'utf8') !== want) writeFileSync(path, want);
}

/**
 * `_routes.json` excludes as Miniflare routes of the assets-only worker: those paths never run the app,
 * the way Pages serves them. Miniflare routes match a path prefix (`/x/*`) or an exact path; a pattern
 * with a `*` elsewhere cannot be expressed and is reported (next-on-pages emits only `/_next/static/*`).
 * Includes other than `/*` are not modelled: every other path runs the app, as with next-on-pages' output.
 */
function excludedRoutes() {
  const path = join(STATIC_DIR, '_routes.json');
  if (!existsSync(path)) return [];
  const routes = JSON.parse(readFileSync(path, 'utf8'));
  const out = [];
  for (const pattern of routes.exclude ?? []) {
    const body = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
    if (body.includes('*')) console.warn(`_routes.json: exclude pattern ${pattern} is not supported locally; it runs the app instead`);
    else out.push(`*${body}${pattern.endsWith('*') ? '*' : ''}`);
  }
  return out;
}

export function buildExists() {
  return existsSync(join(WORKER_DIR, 'index.js'));
}

/**
 * Starts workerd. `script` (a path to one ES module) serves that worker instead of the Pages build, with the
 * same bindings and no assets — how the bench's floor worker runs "on the same setup". `inspectorPort`
 * opens workerd's inspector (scripts/bench/profile.mjs).
 * Resolves once the socket listens; `stop()` disposes workerd.
 */
export async function startServer({ port = 8788, host = '127.0.0.1', persistTo = DEFAULT_PERSIST, vars = {}, script, inspectorPort } = {}) {
  const config = readWranglerConfig();
  const v3 = join(resolve(ROOT, persistTo), 'v3');
  const shared = {
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    // Bound to loopback only, every client is on this machine: the first admin needs no setup token.
    bindings: { ...appVars(vars), SERVED_ON_LOOPBACK: isLoopback(host) ? '1' : '' },
    d1Databases: config.d1,
    kvNamespaces: config.kv,
    // Outbound fetches go straight to the network instead of through a JS worker that strips
    // CF-Connecting-IP (a hop per body chunk); the app never forwards client headers upstream.
    stripCfConnectingIp: false,
  };
  let workers;
  if (script) {
    workers = [{ name: 'app', ...shared, modules: [{ type: 'ESModule', path: script, contents: readFileSync(script) }], modulesRoot: dirname(script) }];
  } else {
    if (!buildExists()) throw new Error('No production build: run `npx @cloudflare/next-on-pages` (npm start does it for you).');
    ensureAssetsIgnore();
    // The app is the entry, so API requests reach it without an extra worker in front; static files come
    // from an assets-only worker, as its ASSETS binding and directly for the paths _routes.json excludes.
    workers = [
      { name: 'app', ...shared, modules: workerModules(WORKER_DIR), modulesRoot: WORKER_DIR, serviceBindings: { ASSETS: 'assets' } },
      {
        name: 'assets',
        compatibilityDate: config.compatibilityDate,
        routes: excludedRoutes(),
        modules: [{ type: 'ESModule', path: join(STATIC_DIR, 'assets-only.mjs'), contents: 'export default { fetch: (request, env) => env.ASSETS.fetch(request) };' }],
        modulesRoot: STATIC_DIR,
        assets: {
          directory: STATIC_DIR,
          binding: 'ASSETS',
          routerConfig: { has_user_worker: false },
          assetConfig: { html_handling: 'auto-trailing-slash', not_found_handling: 'none' },
        },
      },
    ];
  }
  const mf = new Miniflare({
    host,
    port,
    inspectorPort,
    // No lookup of the real `cf` object (there is no internet); requests get Miniflare's placeholder.
    cf: false,
    log: new Log(LogLevel.WARN),
    workers,
    d1Persist: join(v3, 'd1'),
    kvPersist: join(v3, 'kv'),
    cachePersist: join(v3, 'cache'),
  });
  const url = await mf.ready;
  return {
    url: url.href.replace(/\/$/, ''),
    /** workerd's pid (a child of this process), for CPU and memory readings. */
    runtimePid: () => runtimePid(),
    stop: () => mf.dispose(),
  };
}

/** The workerd child of this process, if any. */
export function runtimePid() {
  try {
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      for (const pid of children) {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd') return Number(pid);
      }
    }
  } catch {
    /* not Linux */
  }
  return undefined;
}


/**
 * The Pages parity path: `wrangler pages dev` on the same build and state (a development proxy, far slower
 * and unstable under load; only for checking that the Pages path still works). wrangler stays in the
 * caller's process group, so whoever stops the group (Ctrl+C, a test runner) stops it and its workerd too;
 * `stop()` asks it to end.
 */
export function startPagesDev({ port = 8788, host = '127.0.0.1', persistTo = DEFAULT_PERSIST, vars = {} } = {}) {
  const args = ['pages', 'dev', '--ip', host, '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false', '--persist-to', resolve(ROOT, persistTo)];
  // .dev.vars is read by wrangler itself; shell and explicit vars become bindings on top.
  const bindings = { ...Object.fromEntries(APP_VARS.filter((k) => process.env[k]).map((k) => [k, process.env[k]])), ...vars };
  for (const [k, v] of Object.entries(bindings)) args.push('--binding', `${k}=${v}`);
  const child = spawn(join(ROOT, 'node_modules/.bin/wrangler'), args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url: `http://${host}:${port}`, child, stop };
}
