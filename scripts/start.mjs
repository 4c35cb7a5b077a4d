// `npm start`: build for Cloudflare Pages, apply local D1 migrations, serve on http://127.0.0.1:8788.
// SKIP_BUILD=1 reuses an existing build; PORT changes the port; PERSIST_DIR moves the local D1/KV state.
import { build, buildExists, ensureDevVars, migrate, serve } from './lib.mjs';

const port = Number(process.env.PORT ?? 8788);
const persistTo = process.env.PERSIST_DIR;

ensureDevVars();
if (process.env.SKIP_BUILD !== '1' || !buildExists()) await build();
await migrate(persistTo);
const server = serve({ port, persistTo });
console.log(`\nGrok2API: http://127.0.0.1:${port}  (admin: http://127.0.0.1:${port}/login)\n`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.stop(sig));
server.on('exit', (code) => process.exit(code ?? 0));
