// Shared helpers for the project's scripts (start, demo, test, bench). How the server itself starts lives in
// server.mjs alone.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, buildExists } from './server.mjs';

export { ROOT };
export { APP_VARS, buildExists, startServer, startPagesDev, runtimePid } from './server.mjs';

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

const bin = (name) => `${ROOT}node_modules/.bin/${name}`;

export async function build() {
  await run(bin('next-on-pages'), []);
}

/** Applies drizzle/ migrations to the local D1 with wrangler, so the state is exactly where wrangler keeps it. */
export async function migrate(persistTo) {
  const args = ['d1', 'migrations', 'apply', 'DB', '--local'];
  if (persistTo) args.push('--persist-to', persistTo);
  await run(bin('wrangler'), args, { env: { ...quietEnv, CI: 'true' }, stdio: ['ignore', 'ignore', 'inherit'] });
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

/**
 * What `npm start` and `npm run dev:pages` do before serving: the address from PORT / HOST / PERSIST_DIR, a
 * SECRET_KEY in .dev.vars, a build (unless SKIP_BUILD=1 and one exists) and the local D1 migrations.
 */
export async function prepareLocalRun() {
  const local = { port: Number(process.env.PORT ?? 8788), host: process.env.HOST || '127.0.0.1', persistTo: process.env.PERSIST_DIR || undefined };
  ensureDevVars();
  if (process.env.SKIP_BUILD !== '1' || !buildExists()) await build();
  await migrate(local.persistTo);
  return local;
}

/** Stops `server` on SIGINT/SIGTERM/SIGHUP, runs `also`, then exits. */
export function stopOnSignals(server, also = async () => {}) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      if (stopping) return;
      stopping = true;
      await Promise.allSettled([server.stop(), also()]);
      process.exit(sig === 'SIGINT' ? 130 : 0);
    });
  }
}
