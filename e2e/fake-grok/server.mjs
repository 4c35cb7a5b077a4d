#!/usr/bin/env node
// Fake grok.com upstream for end-to-end tests and benchmarks.
//
//   node e2e/fake-grok/server.mjs [--port N]      (env FAKE_GROK_PORT, default 18790)
//   import { startFakeGrok } from './server.mjs'; const fake = await startFakeGrok({ port: 0 });
//
// Serves the grok.com REST endpoints, the WebSockets (Imagine E13, chat gateway
// E14) and the asset paths on one origin, plus a control API under /__fake/.
// See README.md.
import { createServer } from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { handleControl } from './control.mjs';
import { sendJson } from './http-util.mjs';
import { handleUpstream } from './rest.mjs';
import { createState } from './state.mjs';
import { attachWebSockets } from './ws.mjs';

export const DEFAULT_PORT = 18790;
const HOST = '127.0.0.1';

function requestHandler(server) {
  return (req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const work = url.pathname.startsWith('/__fake/')
      ? handleControl(req, res, url, server)
      : handleUpstream(req, res, url, server);
    work.catch((err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = err?.status ?? 500;
      sendJson(res, status, { error: { code: 13, message: `fake-grok: ${err?.message ?? err}`, details: [] } });
    });
  };
}

/**
 * Start a fake server. `port: 0` picks a free port.
 * Resolves to {url, port, state, close()}; close() ends open streams and
 * connections and leaves no timers behind.
 */
export function startFakeGrok({ port = DEFAULT_PORT } = {}) {
  // origin: absolute base of URLs the fake hands out (Imagine image URLs), set once listening.
  const server = { state: createState(), activeStreams: new Set(), origin: null };
  const http = createServer({ noDelay: true, keepAliveTimeout: 5000 }, requestHandler(server));
  attachWebSockets(http, server);
  return new Promise((resolvePromise, reject) => {
    http.once('error', reject);
    http.listen(port, HOST, () => {
      http.off('error', reject);
      const actual = http.address().port;
      server.origin = `http://${HOST}:${actual}`;
      let closing = null;
      const close = () => {
        closing ??= new Promise((done) => {
          for (const abort of server.activeStreams) abort();
          http.close(() => done());
          http.closeAllConnections();
        });
        return closing;
      };
      resolvePromise({ url: `http://${HOST}:${actual}`, port: actual, state: server.state, close });
    });
  });
}

function portFromArgs(argv, env) {
  const i = argv.indexOf('--port');
  const value = i >= 0 ? argv[i + 1] : env.FAKE_GROK_PORT;
  if (value == null || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${value}`);
  return port;
}

async function main() {
  const fake = await startFakeGrok({ port: portFromArgs(process.argv.slice(2), process.env) });
  console.log(`fake-grok listening on ${fake.url}`);
  const stop = () => {
    fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function isMainModule() {
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

const isMain = isMainModule();
if (isMain) {
  main().catch((err) => {
    console.error(`fake-grok: ${err.message}`);
    process.exit(1);
  });
}
