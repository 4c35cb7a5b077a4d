/**
 * A real D1 database for unit tests: Miniflare's (the same SQLite engine and D1 API the app runs on),
 * in memory, with the repo's migrations applied. Call `close()` in `afterAll`.
 * `testDb({ through: '0001_video_jobs.sql' })` stops after that migration (an older release's schema).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { getDb } from '@/lib/db/client';

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'drizzle');
/** Migration file names in the order drizzle-kit and wrangler apply them. */
export const MIGRATION_FILES = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();

export const migrationSql = (file: string) => readFileSync(join(MIGRATIONS_DIR, file), 'utf8');

/** Runs one migration file statement by statement (drizzle-kit's `--> statement-breakpoint` markers). */
async function applyMigration(d1: D1Database, file: string) {
  for (const statement of migrationSql(file).split('--> statement-breakpoint')) {
    if (statement.trim()) await d1.prepare(statement).run();
  }
}

export async function testDb({ through }: { through?: string } = {}) {
  const last = through === undefined ? MIGRATION_FILES.length - 1 : MIGRATION_FILES.indexOf(through);
  if (last < 0) throw new Error(`testDb: no migration ${through} in drizzle/`);
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response(null) } }', d1Databases: ['DB'] });
  const d1 = (await mf.getD1Database('DB')) as unknown as D1Database;
  for (const file of MIGRATION_FILES.slice(0, last + 1)) await applyMigration(d1, file);
  return { d1, db: getDb(d1), close: () => mf.dispose() };
}
