// `npm test`: unit tests (vitest + the fake upstream's own node:test smoke test), then one production build,
// then Playwright API and UI specs against that build on workerd with the fake grok upstream.
import { rmSync } from 'node:fs';
import { ROOT, build, run } from './lib.mjs';

const step = (name) => console.log(`\n=== ${name} ===\n`);

step('unit tests (vitest)');
await run('npx', ['vitest', 'run']);
step('fake upstream smoke test (node:test)');
await run('node', ['--test', 'e2e/fake-grok/']);
step('production build (next-on-pages)');
await build();
for (const dir of ['test-state', 'test-state-ui', 'test-state-pages']) rmSync(`${ROOT}.wrangler/${dir}`, { recursive: true, force: true });
step('end-to-end (Playwright: real build on workerd + fake grok)');
await run('npx', ['playwright', 'test', ...process.argv.slice(2)], { env: { ...process.env, SKIP_BUILD: '1' } });
