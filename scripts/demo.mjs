// `npm run demo`: the whole flow offline. Starts the fake grok upstream, the gateway (own local state in
// .wrangler/demo-state), seeds a demo account and an API key, and prints how to call it.
import { startFakeGrok } from '../e2e/fake-grok/server.mjs';
import { build, buildExists, ensureDevVars, migrate, startServer } from './lib.mjs';

const port = Number(process.env.PORT ?? 8788);
const fakePort = Number(process.env.FAKE_GROK_PORT ?? 18790);
const persistTo = '.wrangler/demo-state';
const base = `http://127.0.0.1:${port}`;
const DEMO_PASSWORD = 'grok2api-demo';

ensureDevVars();
if (process.env.SKIP_BUILD !== '1' || !buildExists()) await build();
await migrate(persistTo);
const fake = await startFakeGrok({ port: fakePort });
process.env.GROK_BASE_URL = fake.url;
process.env.GROK_ASSETS_URL = fake.url;
process.env.GROK_WS_URL = fake.url.replace('http', 'ws');
const server = await startServer({ port, persistTo });
const stop = async (code = 0) => {
  await Promise.allSettled([server.stop(), fake.close()]);
  process.exit(code);
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(0));
const headers = { 'content-type': 'application/json', origin: base };
let cookie = '';
async function admin(path, body, method = 'POST') {
  const res = await fetch(`${base}/api/admin${path}`, { method, headers: { ...headers, cookie }, body: body && JSON.stringify(body) });
  const setCookie = res.headers.get('set-cookie');
  if (setCookie) cookie = setCookie.split(';')[0];
  return { status: res.status, json: await res.json() };
}
let login = await admin('/login', { username: 'admin', password: DEMO_PASSWORD });
if (login.status !== 200) {
  login = await admin('/login', { username: 'admin', password: 'admin' });
  if (login.status === 200) await admin('/password', { current: 'admin', next: DEMO_PASSWORD });
}
if (login.status !== 200) {
  console.error('Could not log in to the demo gateway:', login.json);
  await stop(1);
}
await admin('/tokens', { tokens: ['eyJhbGciOiJIUzI1NiJ9.ZGVtby1hY2NvdW50LW9uZQ.demo-signature-1', 'eyJhbGciOiJIUzI1NiJ9.ZGVtby1hY2NvdW50LXR3bw.demo-signature-2'], type: 'sso', tags: ['demo'] });
const key = await admin('/keys', { name: `demo ${new Date().toISOString().slice(0, 16)}` });

console.log(`
──────────────────────────────────────────────────────────────
 Grok2API demo (fake grok upstream, nothing leaves this machine)
 Gateway   ${base}
 Admin     ${base}/login   user: admin   password: ${DEMO_PASSWORD}
 API key   ${key.json.key}

 curl ${base}/v1/chat/completions \\
   -H "Authorization: Bearer ${key.json.key}" -H "Content-Type: application/json" \\
   -d '{"model":"grok-4","stream":true,"messages":[{"role":"user","content":"Say hello in French."}]}'

 Try "#scenario:thinking" or "#scenario:search" in a message (see e2e/fake-grok/README.md).
 Ctrl+C stops everything.
──────────────────────────────────────────────────────────────
`);
