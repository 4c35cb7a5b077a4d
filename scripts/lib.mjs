// Shared helpers for the project's scripts (start, demo, test, bench). Node only; no dependencies.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = new URL('..', import.meta.url).pathname;

/** Env vars the app reads; when set in the shell they override .dev.vars. */
export const APP_VARS = [
  'GROK_BASE_URL',
  'GROK_ASSETS_URL',
  'GROK_WS_URL',
  'ADMIN_USERNAME',
  'ADMIN_PASSWORD',
  'SECRET_KEY',
  'CACHE_RESET_TZ_OFFSET_MINUTES',
  'KV_CACHE_MAX_BYTES',
  'BUILD_SHA',
];

export const quietEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', WRANGLER_SEND_METRICS: 'false', DO_NOT_TRACK: '1' };

export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: quietEnv, ...opts });
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`))));
    child.on('error', reject);
  });
}

/** Creates .dev.vars with a random SECRET_KEY on first start (never committed). */
export function ensureDevVars() {
  const path = `${ROOT}.dev.vars`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (/^SECRET_KEY=.{16,}/m.test(current)) return;
  const line = `SECRET_KEY=${randomBytes(32).toString('base64url')}\n`;
  writeFileSync(path, `${current}${current && !current.endsWith('\n') ? '\n' : ''}${line}`, { mode: 0o600 });
  console.log('Generated SECRET_KEY into .dev.vars (keep it: it decrypts your stored tokens).');
}

export function buildExists() {
  return existsSync(`${ROOT}.vercel/output/static/_worker.js/index.js`);
}

export async function build() {
  await run('npx', ['@cloudflare/next-on-pages']);
}

export async function migrate(persistTo) {
  const args = ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'];
  if (persistTo) args.push('--persist-to', persistTo);
  await run('npx', args, { env: { ...quietEnv, CI: 'true' } });
}

const bin = (name) => `${ROOT}node_modules/.bin/${name}`;

/**
 * Starts `wrangler pages dev` on the built output; shell env vars become bindings.
 * With `ownGroup` (scripts that stop it themselves: demo, bench) it runs in its own process group and
 * `stop()` ends the whole group, workerd children included. Without it (npm start, test runner) it stays
 * in the caller's group, so whoever stops the caller's group stops it too.
 */
export function serve({ port, persistTo, vars = {}, stdio = 'inherit', ownGroup = false }) {
  const args = ['pages', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false'];
  if (persistTo) args.push('--persist-to', persistTo);
  const bindings = { ...Object.fromEntries(APP_VARS.filter((k) => process.env[k]).map((k) => [k, process.env[k]])), ...vars };
  for (const [k, v] of Object.entries(bindings)) args.push('--binding', `${k}=${v}`);
  const child = spawn(bin('wrangler'), args, { cwd: ROOT, stdio, env: quietEnv, detached: ownGroup });
  child.stop = (signal = 'SIGTERM') => {
    try {
      if (ownGroup) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      /* already gone */
    }
  };
  return child;
}

export async function waitForHttp(url, { timeoutMs = 120_000 } = {}) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(300);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}
