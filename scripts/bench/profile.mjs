import WebSocket from 'ws';
import { startServer } from '../server.mjs';
import { migrate } from '../lib.mjs';
import { rmSync } from 'node:fs';
rmSync('/tmp/prof-state', { recursive: true, force: true });
await migrate('/tmp/prof-state');
import { spawn } from 'node:child_process';
const mode = process.argv[2] ?? 'stream';
const fake = spawn('node', ['e2e/fake-grok/server.mjs', '--port', '18799'], { cwd: '/work/main', stdio: 'ignore' });
await new Promise(r => setTimeout(r, 800));
await fetch('http://127.0.0.1:18799/__fake/options', { method: 'POST', headers: {'content-type':'application/json'}, body: JSON.stringify({ quotaTotal: 1e9 }) });
// reuse bench state with inspector
const floor = process.argv[3] === 'floor';
const s = await startServer({ port: 8799, persistTo: '/tmp/prof-state', vars: { GROK_BASE_URL: 'http://127.0.0.1:18799', GROK_ASSETS_URL: 'http://127.0.0.1:18799', SECRET_KEY: 'bench-secret-key-0123456789abcdef', FLOOR_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.cHJvZg0.prof-signature-0-abcdef' }, inspectorPort: 9229, script: floor ? new URL('./floor-worker.mjs', import.meta.url).pathname : undefined });
const gw = s.url;
const H = { 'content-type': 'application/json', origin: gw };
let cookie = '';
async function admin(path, body, method = 'POST') { const r = await fetch(`${gw}/api/admin${path}`, { method, headers: { ...H, cookie }, body: body && JSON.stringify(body) }); const c = r.headers.get('set-cookie'); if (c) cookie = c.split(';')[0]; return r.json(); }
let key = 'none';
if (!floor) {
let l = await admin('/login', { username: 'admin', password: 'admin' });
if (l.mustChangePassword) await admin('/password', { current: 'admin', next: 'bench-password' });
else if (!l.ok) await admin('/login', { username: 'admin', password: 'bench-password' });
await admin('/tokens', { tokens: Array.from({ length: 4 }, (_, i) => `eyJhbGciOiJIUzI1NiJ9.cHJvZg${i}.prof-signature-${i}-abcdef`), type: 'sso' });
await admin('/settings', { quota_sync_interval_seconds: 0 }, 'PUT');
key = (await admin('/keys', { name: 'prof' })).key;
}
const one = async () => { const r = await fetch(`${gw}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ model: 'grok-4', stream: mode === 'stream', messages: [{ role: 'user', content: 'bench #scenario:long:1000 #delay:0' }] }) }); await r.text(); };
for (let i = 0; i < 10; i++) await one();
const targets = await (await fetch('http://127.0.0.1:9229/json')).json();
const t = targets.find((x) => x.title?.includes('core:user')) ?? targets[0];
const ws = new WebSocket(t.webSocketDebuggerUrl);
await new Promise(r => ws.on('open', r));
let id = 0; const pending = new Map();
ws.on('message', (m) => { const j = JSON.parse(m); if (j.id && pending.has(j.id)) { pending.get(j.id)(j.result); pending.delete(j.id); } });
const call = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
await call('Profiler.enable'); await call('Profiler.setSamplingInterval', { interval: 100 }); await call('Profiler.start');
for (let i = 0; i < 20; i++) await one();
const { profile } = await call('Profiler.stop');
const self = new Map(); const byId = new Map(profile.nodes.map(n => [n.id, n]));
const dt = profile.timeDeltas; const counts = new Map();
profile.samples.forEach((sid, i) => counts.set(sid, (counts.get(sid) ?? 0) + (dt[i] ?? 0)));
let total = 0;
for (const [sid, us] of counts) { const n = byId.get(sid); const cf = n.callFrame; const k = `${cf.functionName || "(anon)"} ${cf.url.split("/").slice(-2).join("/")}:${cf.lineNumber}:${cf.columnNumber}`; self.set(k, (self.get(k) ?? 0) + us); total += us; }
console.log('total sampled ms', (total / 1000).toFixed(1), 'per request', (total / 20000).toFixed(2));
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((us / 20000).toFixed(3).padStart(8), k.slice(0, 150));
ws.close(); await s.stop(); fake.kill();
