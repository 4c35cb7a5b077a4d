// `npm run bench`: gateway overhead measured side by side with the fake upstream called directly, in one run.
// Loopback only, bounded loops. Prints a table (and writes bench-results/latest.json, not committed).
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, build, buildExists, migrate, serve, waitForHttp } from './lib.mjs';

const GW_PORT = 8795;
const FAKE_PORT = 18795;
const gw = `http://127.0.0.1:${GW_PORT}`;
const fakeUrl = `http://127.0.0.1:${FAKE_PORT}`;
// Outside the project folder: nothing the dev server watches changes while it is measured.
const persistTo = join(tmpdir(), 'grok2api-bench-state');
const TOKENS = Array.from({ length: 8 }, (_, i) => `eyJhbGciOiJIUzI1NiJ9.YmVuY2g${i}.bench-signature-${i}-abcdef`);
const LONG = 1000;
const FRAME_DELAY_MS = 1;

// ---- stack ------------------------------------------------------------------------------------
if (process.env.SKIP_BUILD !== '1' || !buildExists()) await build();
rmSync(persistTo, { recursive: true, force: true });
await migrate(persistTo);
const fake = spawn('node', ['e2e/fake-grok/server.mjs', '--port', String(FAKE_PORT)], { cwd: ROOT, stdio: 'ignore' });
process.env.GROK_BASE_URL = fakeUrl;
process.env.GROK_ASSETS_URL = fakeUrl;
const secret = 'bench-secret-key-0123456789abcdef';
const server = serve({ port: GW_PORT, persistTo, vars: { SECRET_KEY: secret }, stdio: 'ignore', ownGroup: true });
const stopAll = () => {
  server.stop();
  fake.kill('SIGTERM');
};
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopAll();
    process.exit(130);
  });
}
await waitForHttp(`${fakeUrl}/__fake/health`, { timeoutMs: 20_000 });
await waitForHttp(`${gw}/health`);

const headers = { 'content-type': 'application/json', origin: gw };
let cookie = '';
async function admin(path, body, method = 'POST') {
  const res = await fetch(`${gw}/api/admin${path}`, { method, headers: { ...headers, cookie }, body: body && JSON.stringify(body) });
  const c = res.headers.get('set-cookie');
  if (c) cookie = c.split(';')[0];
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
await admin('/login', { username: 'admin', password: 'admin' });
await admin('/password', { current: 'admin', next: 'bench-password' });
await admin('/tokens', { tokens: TOKENS, type: 'sso' });
await admin('/settings', { quota_sync_interval_seconds: 0 }, 'PUT');
const { key } = await admin('/keys', { name: 'bench' });
await fetch(`${fakeUrl}/__fake/options`, { method: 'POST', headers, body: JSON.stringify({ quotaTotal: 10_000_000 }) });

// ---- clients ----------------------------------------------------------------------------------
const prompt = (scenario) => `bench ${scenario} #delay:${FRAME_DELAY_MS}`;

/**
 * One POST over a fresh connection (no keep-alive, the same for both targets), streaming the body.
 * Resolves with the status, ms to the first chunk containing `marker`, and ms to the end.
 */
function timedPost(url, headers, body, marker) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent: false }, (res) => {
      let first;
      let tail = '';
      let errorBody = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (res.statusCode !== 200) errorBody += chunk;
        if (first === undefined && marker) {
          tail = (tail + chunk).slice(-200);
          if (tail.includes(marker)) first = performance.now() - t0;
        }
      });
      res.on('end', () => resolve({ status: res.statusCode, first: first ?? NaN, total: performance.now() - t0, errorBody }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function timedStream(url, init, firstMarker) {
  const r = await timedPost(url, init.headers, init.body, firstMarker);
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${r.errorBody.slice(0, 300)}`);
  return r;
}

let tokenTurn = 0;
const direct = (scenario) =>
  timedStream(
    `${fakeUrl}/rest/app-chat/conversations/new`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `sso=${TOKENS[tokenTurn++ % TOKENS.length]}`, 'x-statsig-id': 'bench' },
      body: JSON.stringify({ message: prompt(scenario), modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4', fileAttachments: [] }),
    },
    '"token":"w0',
  );
const viaGateway = (scenario) =>
  timedStream(
    `${gw}/v1/chat/completions`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'grok-4', stream: true, messages: [{ role: 'user', content: prompt(scenario) }] }),
    },
    '"content":"w0',
  );

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function latency(fn, concurrency, rounds) {
  const firsts = [];
  const totals = [];
  for (let r = 0; r < rounds; r++) {
    const results = await Promise.all(Array.from({ length: concurrency }, () => fn(`#scenario:long:${LONG}`)));
    for (const x of results) {
      firsts.push(x.first);
      totals.push(x.total);
    }
  }
  return { p50First: pct(firsts, 50), p99First: pct(firsts, 99), p50Total: pct(totals, 50), p99Total: pct(totals, 99) };
}

async function throughput(kind, seconds, concurrency) {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const one = async () => {
    while (performance.now() < until) {
      try {
        const r =
          kind === 'gateway'
            ? await timedPost(
                `${gw}/v1/chat/completions`,
                { 'content-type': 'application/json', authorization: `Bearer ${key}` },
                JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'bench #scenario:plain #delay:0' }] }),
              )
            : await timedPost(
                `${fakeUrl}/rest/app-chat/conversations/new`,
                { 'content-type': 'application/json', cookie: `sso=${TOKENS[tokenTurn++ % TOKENS.length]}` },
                JSON.stringify({ message: 'bench #scenario:plain #delay:0', modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4' }),
              );
        if (r.status === 200) done++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, one));
  return { rps: done / ((performance.now() - t0) / 1000), failed };
}

// ---- run --------------------------------------------------------------------------------------
console.log('warming up…');
for (let i = 0; i < 5; i++) {
  await direct('#scenario:long:50');
  await viaGateway('#scenario:long:50');
}

const rows = [];
for (const [concurrency, rounds] of [
  [1, 20],
  [64, 1],
]) {
  console.log(`streaming ${LONG}-token answers at concurrency ${concurrency}…`);
  const d = await latency(direct, concurrency, rounds);
  const g = await latency(viaGateway, concurrency, rounds);
  rows.push({ concurrency, direct: d, gateway: g });
  // Printed as soon as measured, so a long or interrupted run still reports what it has.
  console.log(`  c=${concurrency}: first byte p50 direct ${d.p50First.toFixed(1)} ms, gateway ${g.p50First.toFixed(1)} ms; total p50 direct ${d.p50Total.toFixed(1)} ms, gateway ${g.p50Total.toFixed(1)} ms`);
}
console.log('non-stream saturation (8 s each, 32 connections)…');
const satDirect = await throughput('direct', 8, 32);
const satGateway = await throughput('gateway', 8, 32);

// ---- media: cached 1 MB image through the gateway vs the upstream asset directly ----------------
console.log('media: 1 MB image, cached in KV vs fetched from the upstream directly…');
const MEDIA_PATH = 'users/bench/1048576.jpg';
const enc = new TextEncoder();
const b64url = (buf) => Buffer.from(buf).toString('base64url');
/** The gateway's link signature (lib/media/links.ts + lib/util/crypto.ts), so the bench can mint a link. */
async function signedMediaUrl(tokenId) {
  const base = await crypto.subtle.importKey('raw', enc.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('grok2api'), info: enc.encode('media-signing') },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
  const ref = `p_${b64url(enc.encode(`/${MEDIA_PATH}`))}`;
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const sig = b64url(await crypto.subtle.sign('HMAC', key, enc.encode(`${ref}.${tokenId}.${exp}`)));
  return `${gw}/images/${ref}?t=${encodeURIComponent(tokenId)}&exp=${exp}&sig=${sig}`;
}
async function timedGet(url, headers = {}) {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: performance.now() - t0, status: res.status, bytes, cache: res.headers.get('x-cache') };
}
const tokenList = await admin('/tokens?pageSize=1', undefined, 'GET');
const owner = tokenList.items[0];
const mediaUrl = await signedMediaUrl(owner.id);
const firstFetch = await timedGet(mediaUrl);
const directMs = [];
const cachedMs = [];
let cacheHits = 0;
for (let i = 0; i < 30; i++) {
  directMs.push((await timedGet(`${fakeUrl}/${MEDIA_PATH}`, { cookie: `sso=${TOKENS[0]}` })).ms);
  const r = await timedGet(mediaUrl);
  cachedMs.push(r.ms);
  if (r.cache === 'HIT') cacheHits++;
}
const media = { first: firstFetch, directP50: pct(directMs, 50), cachedP50: pct(cachedMs, 50), cacheHits };

const f = (n) => (Number.isFinite(n) ? n.toFixed(1).padStart(8) : '     n/a');
const streamMs = LONG * FRAME_DELAY_MS;
console.log(`\nStreamed answer: ${LONG} tokens, upstream paces frames ≥${FRAME_DELAY_MS} ms apart (≥${streamMs} ms per answer).`);
console.log('times in ms            |  direct p50  p99 |  gateway p50  p99 |  added p50  p99');
for (const r of rows) {
  for (const [label, a, b] of [
    ['first content byte', 'p50First', 'p99First'],
    ['total', 'p50Total', 'p99Total'],
  ]) {
    console.log(
      `c=${String(r.concurrency).padEnd(3)} ${label.padEnd(18)} |${f(r.direct[a])}${f(r.direct[b])} |${f(r.gateway[a])}${f(r.gateway[b])} |${f(r.gateway[a] - r.direct[a])}${f(r.gateway[b] - r.direct[b])}`,
    );
  }
}
const unbuffered = rows.every((r) => r.gateway.p99First < r.direct.p50Total / 2);
console.log(`\nno buffering (gateway first byte p99 < half of upstream's stream time): ${unbuffered ? 'yes' : 'NO'}`);
console.log(`non-stream req/s at saturation: direct ${satDirect.rps.toFixed(0)}, gateway ${satGateway.rps.toFixed(0)} (ratio ${(satGateway.rps / satDirect.rps).toFixed(3)}; failures ${satDirect.failed}/${satGateway.failed})`);
console.log(
  `media 1 MB: first gateway fetch ${media.first.ms.toFixed(1)} ms (x-cache ${media.first.cache}), then p50 cached ${media.cachedP50.toFixed(1)} ms vs upstream direct ${media.directP50.toFixed(1)} ms (${media.cacheHits}/30 hits)`,
);
const p50Added = rows[0].gateway.p50First - rows[0].direct.p50First;
console.log(`target: ≤ 3 ms p50 added at concurrency 1 → measured ${p50Added.toFixed(1)} ms\n`);

mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/latest.json`, JSON.stringify({ at: new Date().toISOString(), rows, satDirect, satGateway, unbuffered, media }, null, 2));
stopAll();
process.exit(0);
