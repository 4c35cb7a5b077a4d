// A CPU profile of the gateway (or the floor worker) on workerd, through its inspector: 20 1,000-token answers
// after a warm-up, self time per function per request, largest first. Loopback only.
//
//   node scripts/bench/profile.mjs [stream|nonstream] [floor]      (needs a build: npm start or npm test makes one)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT, migrate, startServer, waitForHttp } from '../lib.mjs';

const stream = (process.argv[2] ?? 'stream') === 'stream';
const floor = process.argv[3] === 'floor';
const FAKE = 'http://127.0.0.1:18797';
const INSPECTOR_PORT = 9239;
const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 20);
const state = join(tmpdir(), 'grok2api-profile-state');
const tokens = Array.from({ length: 4 }, (_, i) => `eyJhbGciOiJIUzI1NiJ9.cHJvZg${i}.prof-signature-${i}-abcdef`);

rmSync(state, { recursive: true, force: true });
await migrate(state);
const fake = spawn('node', ['e2e/fake-grok/server.mjs', '--port', '18797'], { cwd: ROOT, stdio: 'ignore' });
await waitForHttp(`${FAKE}/__fake/health`, { timeoutMs: 20_000 });
await fetch(`${FAKE}/__fake/options`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quotaTotal: 1e9 }) });
const server = await startServer({
  port: 8797,
  persistTo: state,
  inspectorPort: INSPECTOR_PORT,
  script: floor ? join(ROOT, 'scripts/bench/floor-worker.mjs') : undefined,
  vars: { GROK_BASE_URL: FAKE, GROK_ASSETS_URL: FAKE, SECRET_KEY: 'profile-secret-key-0123456789abcdef', FLOOR_TOKEN: tokens[0] },
});

let key = 'none';
if (!floor) {
  let cookie = '';
  const admin = async (path, body, method = 'POST') => {
    const r = await fetch(`${server.url}/api/admin${path}`, { method, headers: { 'content-type': 'application/json', origin: server.url, cookie }, body: body && JSON.stringify(body) });
    cookie = r.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    return r.json();
  };
  await admin('/login', { username: 'admin', password: 'admin' });
  await admin('/password', { current: 'admin', next: 'profile-password' });
  await admin('/tokens', { tokens, type: 'sso' });
  // The fake answers at network speed, which the quality guard rightly calls implausible.
  await admin('/settings', { quota_sync_interval_seconds: 0, quality_guard: false }, 'PUT');
  key = (await admin('/keys', { name: 'profile' })).key;
}
const sockets = [];
const one = async () => {
  const r = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'grok-4', stream, messages: [{ role: 'user', content: `profile #scenario:long:${process.env.PROFILE_TOKENS ?? 1000} #delay:0` }] }),
  });
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  await r.text();
};
for (let i = 0; i < Math.max(10, REQUESTS / 2); i++) await one();

// Chrome DevTools protocol on every isolate (the app, Miniflare's entry, D1, KV…): each one's busy time,
// then the app's functions.
const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json();
const sessions = await Promise.all(targets.map(async (t) => ({ title: t.title, call: await connect(t.webSocketDebuggerUrl) })));
async function connect(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve) => ws.on('open', resolve));
  let nextId = 0;
  const pending = new Map();
  ws.on('message', (m) => {
    const msg = JSON.parse(m);
    pending.get(msg.id)?.(msg.result);
    pending.delete(msg.id);
  });
  sockets.push(ws);
  return (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
}
for (const { call } of sessions) {
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 100 });
  await call('Profiler.start');
}
for (let i = 0; i < REQUESTS; i++) await one();
const profiles = await Promise.all(sessions.map(async ({ title, call }) => ({ title, profile: (await call('Profiler.stop')).profile })));

const IDLE = new Set(['(idle)', '(program)']);
const selfTimes = (profile) => {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id).callFrame;
    const where = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}:${columnNumber + 1}`;
    selfUs.set(where, (selfUs.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return selfUs;
};
const perRequest = (us) => (us / 1000 / REQUESTS).toFixed(2).padStart(8);
console.log(`${floor ? 'floor' : 'gateway'}, ${stream ? 'streamed' : 'non-stream'}: busy ms per request by isolate (idle and (program) excluded)`);
let app;
for (const { title, profile } of profiles) {
  const self = selfTimes(profile);
  const busy = [...self].filter(([w]) => !IDLE.has(w.split(' ')[0])).reduce((a, [, us]) => a + us, 0);
  if (busy === 0) continue;
  console.log(`${perRequest(busy)} ms  ${title}`);
  if (!title.includes('core:user:app') && process.env.PROFILE_ISOLATES) for (const [where, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`      ${perRequest(us)} ms  ${where}`);
  if (title.includes('core:user:app')) app = self;
}
console.log('\nthe app isolate, self time per function:');
for (const [where, us] of [...(app ?? new Map())].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${perRequest(us)} ms  ${where}`);
for (const ws of sockets) ws.close();
await server.stop();
fake.kill();
process.exit(0);
