/**
 * A real D1 database for unit tests: Miniflare's (the same SQLite engine and D1 API the app runs on),
 * in memory, with the repo's migrations applied. Call `close()` in `afterAll`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { getDb } from '@/lib/db/client';

const MIGRATIONS = join(__dirname, '..', '..', 'drizzle');

export async function testDb() {
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response(null) } }', d1Databases: ['DB'] });
  const d1 = (await mf.getD1Database('DB')) as unknown as D1Database;
  for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()) {
    for (const statement of readFileSync(join(MIGRATIONS, file), 'utf8').split('--> statement-breakpoint')) {
      if (statement.trim()) await d1.prepare(statement).run();
    }
  }
  return { d1, db: getDb(d1), close: () => mf.dispose() };
}
