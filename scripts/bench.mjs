// `npm run bench`: the gateway side by side with the raw fake upstream and a minimal floor worker
// (scripts/bench/floor-worker.mjs) on the same runtime, in one run. Numbers, not asserts: prints a table
// as each row is measured and writes bench-results/latest.json (not committed). Loopback only, bounded.
//
//   BENCH_ROWS=stream:1,nonstream:1   only these rows      BENCH_SOAK=0   skip the soak
//   BENCH_N=100                        requests per row    SKIP_BUILD=1   reuse the build
//   BENCH_TOKENS=1000                  answer length
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, build, buildExists, migrate, startServer, waitForHttp } from './lib.mjs';

const FAKE_PORT = 18795;
const GW_PORT = 8795;
const FLOOR_PORT = 8796;
const fakeUrl = `http://127.0.0.1:${FAKE_PORT}`;
const ACCOUNTS = 20;
const TOKENS = Array.from({ length: ACCOUNTS }, (_, i) => `eyJhbGciOiJIUzI1NiJ9.YmVuY2g${i}.bench-signature-${i}-abcdef`);
const ANSWER_TOKENS = Number(process.env.BENCH_TOKENS ?? 1000);
const N = Number(process.env.BENCH_N ?? 100);
const SOAK = Number(process.env.BENCH_SOAK ?? 5000);
const SOAK_CONCURRENCY = 16;
const CONCURRENCY = [1, 16, 64, 200];
const only = process.env.BENCH_ROWS?.split(',').map((r) => r.trim());
const CLK_TCK = 100; // Linux USER_HZ

// ---- stack --------------------------------------------------------------------------------------
const statePath = (name) => join(tmpdir(), `grok2api-bench-${name}`);
if (process.env.SKIP_BUILD !== '1' || !buildExists()) await build();
rmSync(statePath('gateway'), { recursive: true, force: true });
await migrate(statePath('gateway'));
const fake = spawn('node', ['e2e/fake-grok/server.mjs', '--port', String(FAKE_PORT)], { cwd: ROOT, stdio: 'ignore' });
const secret = 'bench-secret-key-0123456789abcdef';
const upstreamVars = { GROK_BASE_URL: fakeUrl, GROK_ASSETS_URL: fakeUrl, GROK_WS_URL: fakeUrl.replace('http', 'ws') };

const childrenNamed = (name) =>
  readdirSync(`/proc/${process.pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((pid) => pid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name)
      .map(Number),
  );
const newPid = async (start) => {
  const before = new Set(childrenNamed('workerd'));
  const server = await start();
  return { server, pid: childrenNamed('workerd').find((p) => !before.has(p)) };
};
const gateway = await newPid(() => startServer({ port: GW_PORT, persistTo: statePath('gateway'), vars: { ...upstreamVars, SECRET_KEY: secret } }));
const floor = await newPid(() =>
  startServer({ port: FLOOR_PORT, persistTo: statePath('floor'), script: join(ROOT, 'scripts/bench/floor-worker.mjs'), vars: { ...upstreamVars, FLOOR_TOKEN: TOKENS[0] } }),
);
const stopAll = async () => {
  fake.kill('SIGTERM');
  await Promise.allSettled([gateway.server.stop(), floor.server.stop()]);
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    await stopAll();
    process.exit(130);
  });
}
await waitForHttp(`${fakeUrl}/__fake/health`, { timeoutMs: 20_000 });
const gw = gateway.server.url;

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
// The floor has no pool: measure the gateway's own cost, not its per-account queue (64 streams over 20
// accounts would otherwise wait their turn by design), and the fake answers at network speed, which the
// quality guard rightly calls implausible.
await admin('/settings', { quota_sync_interval_seconds: 0, account_max_concurrency: 0, quality_guard: false }, 'PUT');
const { key } = await admin('/keys', { name: 'bench' });
await fetch(`${fakeUrl}/__fake/options`, { method: 'POST', headers, body: JSON.stringify({ quotaTotal: 1_000_000_000 }) });

// ---- one request --------------------------------------------------------------------------------
const PROMPT = `bench #scenario:long:${ANSWER_TOKENS} #delay:0`;
const LAST = `w${ANSWER_TOKENS - 1} `;
let turn = 0;
const TARGETS = {
  upstream: (stream) => ({
    url: `${fakeUrl}/rest/app-chat/conversations/new`,
    headers: { 'content-type': 'application/json', cookie: `sso=${TOKENS[turn++ % TOKENS.length]}`, 'x-statsig-id': 'bench' },
    body: JSON.stringify({ message: PROMPT, modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4', fileAttachments: [], stream }),
    first: '"token":"w0 ',
    complete: (text) => text.includes('"isSoftStop":true'),
  }),
  floor: (stream) => chatTarget(floor.server.url, stream, {}),
  gateway: (stream) => chatTarget(gw, stream, { authorization: `Bearer ${key}` }),
};
function chatTarget(base, stream, extra) {
  return {
    url: `${base}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ model: 'grok-4', stream, messages: [{ role: 'user', content: PROMPT }] }),
    first: stream ? '"content":"w0 ' : undefined,
    // Whole means every token arrived and the stream ended properly.
    complete: (text) => text.includes(LAST) && (stream ? text.includes('"finish_reason":"stop"') && text.includes('data: [DONE]') : text.includes('"finish_reason":"stop"')),
  };
}

/**
 * One POST, over a fresh connection unless `agent` pools them: status, ms to the first answer token
 * (streams), ms to the end, whole or not.
 */
function timedPost({ url, headers, body, first: marker, complete }, agent = false) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
      let first;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        if (first === undefined && marker && text.includes(marker)) first = performance.now() - t0;
      });
      res.on('end', () =>
        resolve({ ok: res.statusCode === 200 && complete(text), status: res.statusCode, first, total: performance.now() - t0, timing: res.headers['server-timing'], error: res.statusCode === 200 ? undefined : text.slice(0, 200) }),
      );
      res.on('error', (e) => resolve({ ok: false, error: String(e) }));
    });
    req.on('error', (e) => resolve({ ok: false, error: String(e) }));
    req.end(body);
  });
}

// ---- measurements ------------------------------------------------------------------------------
const pct = (xs, p) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
function procStat(pid) {
  if (!pid) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK,
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024,
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}
const pidOf = { upstream: fake.pid, floor: floor.pid, gateway: gateway.pid };

/** `count` requests with at most `concurrency` in flight. */
async function phase(target, stream, concurrency, count, agent = false) {
  const make = TARGETS[target];
  const before = procStat(pidOf[target]);
  const results = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        results.push(await timedPost(make(stream), agent));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = procStat(pidOf[target]);
  const ok = results.filter((r) => r.ok);
  const d1 = ok.map((r) => /statements=(\d+) round_trips=(\d+)/.exec(r.timing ?? '')).filter(Boolean);
  return {
    target,
    mode: `${stream ? 'stream' : 'nonstream'}${agent ? '+ka' : ''}`,
    concurrency,
    ok: ok.length,
    failed: results.length - ok.length,
    errors: [...new Set(results.filter((r) => !r.ok).map((r) => r.error ?? `status ${r.status}, incomplete body`))].slice(0, 3),
    rps: ok.length / seconds,
    firstP50: pct(ok.map((r) => r.first), 50),
    firstP99: pct(ok.map((r) => r.first), 99),
    totalP50: pct(ok.map((r) => r.total), 50),
    totalP99: pct(ok.map((r) => r.total), 99),
    cpuMsPerRequest: before && after ? (after.cpuMs - before.cpuMs) / results.length : NaN,
    d1Statements: d1.length ? d1.reduce((n, m) => n + Number(m[1]), 0) / d1.length : undefined,
    d1RoundTrips: d1.length ? d1.reduce((n, m) => n + Number(m[2]), 0) / d1.length : undefined,
  };
}

const f = (n, w = 8, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a').padStart(w);
const printRow = (r) =>
  console.log(
    `${r.mode.padEnd(9)} c=${String(r.concurrency).padEnd(4)} ${r.target.padEnd(8)} ok ${String(r.ok).padStart(4)} failed ${String(r.failed).padStart(3)} |${f(r.rps)} req/s | first p50${f(r.firstP50)} p99${f(r.firstP99)} | total p50${f(r.totalP50)} p99${f(r.totalP99)} | cpu ms/req${f(r.cpuMsPerRequest, 7, 2)}${r.d1RoundTrips !== undefined ? ` | d1 ${r.d1Statements.toFixed(1)} stmts, ${r.d1RoundTrips.toFixed(1)} round trips before first byte` : ''}${r.errors.length ? `\n    errors: ${r.errors.join(' | ')}` : ''}`,
  );

console.log('warming up…');
for (const target of Object.keys(TARGETS)) for (const stream of [true, false]) await phase(target, stream, 4, 20);

const rows = [];
console.log(`\n${ANSWER_TOKENS}-token answers, upstream writes every frame at once; ${N} requests a row (at least the concurrency), ${ACCOUNTS} accounts`);
for (const concurrency of CONCURRENCY) {
  for (const stream of [true, false]) {
    if (only && !only.includes(`${stream ? 'stream' : 'nonstream'}:${concurrency}`)) continue;
    for (const target of Object.keys(TARGETS)) {
      const r = await phase(target, stream, concurrency, Math.max(N, concurrency));
      rows.push(r);
      printRow(r);
    }
  }
}

// Clients such as the SDKs reuse connections: the same load over keep-alive connections, floor and gateway.
if (!only || only.includes('stream+ka:64')) {
  console.log('\nthe same streams at c=64 over keep-alive connections (a pooled agent, as SDK clients do)');
  for (const target of ['floor', 'gateway']) {
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const r = await phase(target, true, 64, Math.max(N, 64) * 2, agent);
    agent.destroy();
    rows.push(r);
    printRow(r);
  }
}

// ---- soak ------------------------------------------------------------------------------------------
const soak = [];
if (SOAK > 0) {
  console.log(`\nsoak: ${SOAK} streamed requests through the gateway at concurrency ${SOAK_CONCURRENCY}; workerd RSS and open fds every 500`);
  const base = procStat(gateway.pid);
  console.log(`  before: rss ${base.rssMb.toFixed(0)} MB, fds ${base.fds}`);
  for (let done = 0; done < SOAK; done += 500) {
    const r = await phase('gateway', true, SOAK_CONCURRENCY, Math.min(500, SOAK - done));
    const s = procStat(gateway.pid);
    soak.push({ requests: done + r.ok + r.failed, failed: r.failed, rssMb: s.rssMb, fds: s.fds, cpuMsPerRequest: r.cpuMsPerRequest });
    console.log(`  ${String(done + r.ok + r.failed).padStart(5)}: rss ${s.rssMb.toFixed(0)} MB, fds ${s.fds}, failed ${r.failed}, cpu ${r.cpuMsPerRequest.toFixed(2)} ms/req`);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const end = procStat(gateway.pid);
  const after500 = soak[0];
  // The level after the first 500 is the baseline: before it, connections of the previous phase may linger.
  console.log(`  idle after: rss ${end.rssMb.toFixed(0)} MB, fds ${end.fds} (after 500: ${after500.fds}); rss vs after 500: ${(((end.rssMb - after500.rssMb) / after500.rssMb) * 100).toFixed(1)} %`);
  soak.push({ idle: true, rssMb: end.rssMb, fds: end.fds, baselineFds: after500.fds });
}

// ---- pool spread ---------------------------------------------------------------------------------
const { items } = await admin(`/tokens?pageSize=${ACCOUNTS}`, undefined, 'GET');
const uses = items.map((t) => t.useCount);
const spread = { accounts: uses.length, min: Math.min(...uses), max: Math.max(...uses), cooling: items.filter((t) => t.cooldownUntil && t.cooldownUntil > Date.now()).length };
console.log(`\npool spread: uses per account min ${spread.min}, max ${spread.max} over ${spread.accounts} accounts; cooling after the run: ${spread.cooling}`);

// ---- ratios ----------------------------------------------------------------------------------------
const row = (target, mode, c) => rows.find((r) => r.target === target && r.mode === mode && r.concurrency === c);
const ratio = (a, b) => (a && b ? a / b : NaN);
const s1g = row('gateway', 'stream', 1);
const s1f = row('floor', 'stream', 1);
const n1g = row('gateway', 'nonstream', 1);
const n1f = row('floor', 'nonstream', 1);
const targets = {
  'streamed total p50, gateway ÷ floor (c=1, target ≤ 1.3)': ratio(s1g?.totalP50, s1f?.totalP50),
  'non-stream p50, gateway ÷ floor (c=1, target ≤ 1.2)': ratio(n1g?.totalP50, n1f?.totalP50),
  'first token, gateway − floor ms (c=1, target ≤ 3)': s1g && s1f ? s1g.firstP50 - s1f.firstP50 : NaN,
  'streams/s at c=64, gateway ÷ floor (target ≥ 0.8)': ratio(row('gateway', 'stream', 64)?.rps, row('floor', 'stream', 64)?.rps),
  'non-stream req/s at c=64, gateway ÷ floor (target ≥ 0.8)': ratio(row('gateway', 'nonstream', 64)?.rps, row('floor', 'nonstream', 64)?.rps),
  'failed requests, gateway, all rows (target 0)': rows.filter((r) => r.target === 'gateway').reduce((n, r) => n + r.failed, 0),
  'gateway CPU ms per streamed 1,000-token answer (c=1; free plan 10)': s1g?.cpuMsPerRequest,
};
console.log('\nratios');
for (const [k, v] of Object.entries(targets)) console.log(`  ${k.padEnd(70)} ${f(v, 8, 2)}`);

mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/latest.json`, JSON.stringify({ at: new Date().toISOString(), answerTokens: ANSWER_TOKENS, accounts: ACCOUNTS, rows, soak, spread, targets }, null, 2));
await stopAll();
process.exit(0);
