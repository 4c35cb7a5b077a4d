/**
 * A real D1 database for unit tests: Miniflare's (the same SQLite engine and D1 API the app runs on),
 * in memory, with the repo's migrations applied. Call `close()` in `afterAll`.
 * `testDb({ through: '0001_video_jobs.sql' })` stops after that migration (an older release's schema).
 * Most test files want `useTestDb(...tables)`, which registers the hooks around one such database.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
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

/**
 * `tables` in an order they can be emptied in: a table before every table of the list it references
 * (otherwise in the order given), so a foreign key never refuses a delete.
 */
export function deletionOrder(tables: readonly SQLiteTable[]): SQLiteTable[] {
  const references = (table: SQLiteTable) => getTableConfig(table).foreignKeys.map((fk) => fk.reference().foreignTable);
  const order: SQLiteTable[] = [];
  const place = (table: SQLiteTable, path: Set<SQLiteTable>) => {
    if (order.includes(table) || path.has(table)) return;
    path.add(table);
    for (const other of tables) if (references(other).includes(table)) place(other, path);
    order.push(table);
  };
  for (const table of tables) place(table, new Set());
  return order;
}

/**
 * The usual hooks of a test file (or `describe`) over one `testDb()`: opened before its tests, closed after
 * them, and `tables` emptied before each test (register a test's own seeding after this call: vitest runs
 * `beforeEach` hooks in the order they were registered). `d1` and `db` are valid inside tests and later hooks.
 */
export function useTestDb(...tables: SQLiteTable[]) {
  let t: Awaited<ReturnType<typeof testDb>> | undefined;
  const opened = () => {
    if (!t) throw new Error('useTestDb: the database is open only inside tests and hooks');
    return t;
  };
  const order = deletionOrder(tables);
  beforeAll(async () => {
    t = await testDb();
  });
  afterAll(() => t?.close());
  if (order.length) {
    beforeEach(async () => {
      for (const table of order) await opened().db.delete(table);
    });
  }
  return {
    get d1() {
      return opened().d1;
    },
    get db() {
      return opened().db;
    },
  };
}
