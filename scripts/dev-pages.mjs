// `npm run dev:pages`: the same build and local state under `wrangler pages dev`, the Pages development
// proxy. Only a parity check of the Pages path (it is far slower and falls over under load): `npm start` is
// the server. PORT / HOST / PERSIST_DIR as for `npm start`.
import { prepareLocalRun, startPagesDev, stopOnSignals } from './lib.mjs';

const server = startPagesDev(await prepareLocalRun());
stopOnSignals(server);
server.child.on('exit', (code) => process.exit(code ?? 0));
console.log(`\nGrok2API (wrangler pages dev, parity check): ${server.url}\n`);
