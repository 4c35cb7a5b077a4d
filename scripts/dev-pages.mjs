// `npm run dev:pages`: the same build and local state under `wrangler pages dev`, the Pages development
// proxy. Only a parity check of the Pages path (it is far slower and falls over under load): `npm start` is
// the server. PORT / HOST / PERSIST_DIR as for `npm start`.
import { build, buildExists, ensureDevVars, migrate, startPagesDev, stopOnSignals } from './lib.mjs';

const port = Number(process.env.PORT ?? 8788);
const host = process.env.HOST || '127.0.0.1';
const persistTo = process.env.PERSIST_DIR || undefined;

ensureDevVars();
if (process.env.SKIP_BUILD !== '1' || !buildExists()) await build();
await migrate(persistTo);
const server = startPagesDev({ port, host, persistTo });
stopOnSignals(server);
server.child.on('exit', (code) => process.exit(code ?? 0));
console.log(`\nGrok2API (wrangler pages dev, parity check): ${server.url}\n`);
