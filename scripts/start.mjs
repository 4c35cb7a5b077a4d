// `npm start`: build for Cloudflare Pages, apply local D1 migrations, serve the build on workerd at
// http://127.0.0.1:8788. SKIP_BUILD=1 reuses an existing build; PORT / HOST change the address (HOST=0.0.0.0
// serves the LAN); PERSIST_DIR moves the local D1/KV state (default .wrangler/state).
import { prepareLocalRun, startServer, stopOnSignals } from './lib.mjs';

const { port, host, persistTo } = await prepareLocalRun();
const server = await startServer({ port, host, persistTo });
stopOnSignals(server);
const shown = host === '0.0.0.0' || host === '::' ? `http://127.0.0.1:${port}` : server.url;
console.log(`\nGrok2API: ${shown}  (admin: ${shown}/login)\n`);
