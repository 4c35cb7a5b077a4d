/**
 * Data safety of the D1 migrations in `drizzle/`, on Miniflare's D1 (the engine `wrangler d1 migrations apply
 * --local` and production run):
 * - from an empty database, every migration in order gives exactly the schema `schema.ts` declares
 *   (tables, columns with type / NOT NULL / default / primary key, indexes), compared with `PRAGMA table_info`;
 * - from the previous release's schema (the migrations that existed at commit 37519e5) holding realistic rows,
 *   the newer migrations keep every row unchanged and give new columns their defaults;
 * - applied the way wrangler does (each pending file split into statements, run in one batch with its row in
 *   `d1_migrations`), every file succeeds once and a second apply has nothing to do.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Miniflare } from 'miniflare';
import { is } from 'drizzle-orm';
import { SQLiteTable, getTableConfig } from 'drizzle-orm/sqlite-core';
import { getSettings } from '@/lib/settings/store';
import { MIGRATION_FILES, MIGRATIONS_DIR, migrationSql, testDb, useTestDb } from '@/lib/test/d1';
import * as schema from './schema';
import journal from '../../drizzle/meta/_journal.json';

/**
 * The migrations of the previous release (commit 37519e5), with the SHA-256 of their text then. A released
 * migration has run on real databases: change the schema with a new file, never by editing one of these.
 */
const RELEASED: Record<string, string> = {
  '0000_init.sql': 'dc918531996429be5c2b031543b934e44a6abd92549c688eb44218ba739644d9',
  '0001_video_jobs.sql': '96e0ae6e01ad4a37f7c1f9ba70dda6e5fd7d167a538045c2a2afb252179005db',
};
const RELEASED_FILES = Object.keys(RELEASED);

const TABLES: SQLiteTable[] = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));

// ── reading a schema back ────────────────────────────────────────────────────────────────────────────

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface IndexInfo {
  name: string;
  unique: number;
  columns: string[];
}
interface TableInfo {
  columns: ColumnInfo[];
  indexes: IndexInfo[];
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

async function userTables(d1: D1Database): Promise<string[]> {
  const { results } = await d1
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name <> 'd1_migrations' ORDER BY name")
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

/** Columns (by name: `ALTER TABLE … ADD` appends, schema.ts may list them elsewhere) and created indexes. */
async function tableInfo(d1: D1Database, table: string): Promise<TableInfo> {
  const columns = (await d1.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)').bind(table).all<ColumnInfo>()).results;
  const list = (await d1.prepare("SELECT name, \"unique\" FROM pragma_index_list(?) WHERE origin = 'c'").bind(table).all<{ name: string; unique: number }>()).results;
  const indexes: IndexInfo[] = [];
  for (const { name, unique } of list) {
    const cols = (await d1.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').bind(name).all<{ name: string }>()).results;
    indexes.push({ name, unique, columns: cols.map((c) => c.name) });
  }
  return { columns: columns.map((c) => ({ ...c, type: c.type.toLowerCase() })).sort(byName), indexes: indexes.sort(byName) };
}

async function schemaOf(d1: D1Database): Promise<Record<string, TableInfo>> {
  const out: Record<string, TableInfo> = {};
  for (const table of await userTables(d1)) out[table] = await tableInfo(d1, table);
  return out;
}

/** The SQL text drizzle-kit writes for a column default, as `PRAGMA table_info` reports it back. */
function sqlDefault(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

/** What schema.ts says a table must look like in D1. */
function declared(table: SQLiteTable): TableInfo {
  const cfg = getTableConfig(table);
  const compositePk = cfg.primaryKeys[0]?.columns.map((c) => c.name) ?? [];
  const columns = cfg.columns.map((c) => ({
    name: c.name,
    type: c.getSQLType().toLowerCase(),
    notnull: c.notNull || c.primary ? 1 : 0,
    dflt_value: sqlDefault(c.default),
    pk: c.primary ? 1 : compositePk.indexOf(c.name) + 1,
  }));
  const indexes: IndexInfo[] = [
    ...cfg.indexes.map((i) => ({ name: i.config.name, unique: i.config.unique ? 1 : 0, columns: i.config.columns.map((c) => (c as { name: string }).name) })),
    ...cfg.columns.filter((c) => c.isUnique).map((c) => ({ name: c.uniqueName ?? `${cfg.name}_${c.name}_unique`, unique: 1, columns: [c.name] })),
    ...cfg.uniqueConstraints.map((u) => ({ name: u.getName() ?? '', unique: 1, columns: u.columns.map((c) => c.name) })),
  ];
  return { columns: columns.sort(byName), indexes: indexes.sort(byName) };
}

// ── wrangler's way of applying ───────────────────────────────────────────────────────────────────────

/** wrangler's bookkeeping table (`DEFAULT_MIGRATION_TABLE`), created as `wrangler d1 migrations apply` does. */
const D1_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`;

/** wrangler's splitter in short: comments dropped, `;` ends a statement outside quotes. */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = sql.indexOf(ch, i + 1);
      cur += sql.slice(i, end + 1);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      cur += '\n';
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/**
 * `wrangler d1 migrations apply --local`: every file not yet listed in `d1_migrations`, in order, its text plus
 * the bookkeeping INSERT split into statements and run as one batch (all or nothing). Returns the files applied.
 */
async function wranglerApply(d1: D1Database, files = MIGRATION_FILES): Promise<string[]> {
  await d1.prepare(D1_MIGRATIONS_TABLE).run();
  const done = new Set((await d1.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name));
  const pending = files.filter((f) => !done.has(f));
  for (const file of pending) {
    const query = `${migrationSql(file)}\nINSERT INTO d1_migrations (name) values ('${file}');`;
    await d1.batch(splitStatements(query).map((s) => d1.prepare(s)));
  }
  return pending;
}

async function emptyD1() {
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response(null) } }', d1Databases: ['DB'] });
  return { d1: (await mf.getD1Database('DB')) as unknown as D1Database, close: () => mf.dispose() };
}

// ── the previous release's data ──────────────────────────────────────────────────────────────────────

const T0 = 1_796_000_000_000;
const DAY = 86_400_000;
type Row = Record<string, string | number | null>;

/** Rows as the previous release stored them (JSON as text, booleans as 0/1), in its columns only. */
const OLD_ROWS: Record<string, Row[]> = {
  tokens: [
    {
      id: 'tok-active', token_hash: 'h-active', token_enc: 'v1.iv.ciphertext-active', suffix: 'aB3dE9', type: 'sso', status: 'active',
      cooldown_until: null, failed_count: 0, last_failure_at: null, last_failure_reason: null, remaining_queries: 80, heavy_remaining_queries: -1,
      quota_synced_at: T0 - 300_000, last_used_at: T0 - 60_000, use_count: 42, tags: '["eu","batch-1"]', note: 'primary', user_id: 'u-1', created_at: T0 - 10 * DAY,
    },
    {
      id: 'tok-cooling', token_hash: 'h-cooling', token_enc: 'v1.iv.ciphertext-cooling', suffix: 'Zz0-_q', type: 'sso', status: 'active',
      cooldown_until: T0 + 3_600_000, failed_count: 3, last_failure_at: T0, last_failure_reason: 'rate_limited', remaining_queries: 0, heavy_remaining_queries: -1,
      quota_synced_at: T0, last_used_at: T0, use_count: 7, tags: '[]', note: '', user_id: null, created_at: T0 - 9 * DAY,
    },
    {
      id: 'tok-invalid', token_hash: 'h-invalid', token_enc: 'v1.iv.ciphertext-invalid', suffix: 'Qw12Er', type: 'ssoSuper', status: 'invalid',
      cooldown_until: null, failed_count: 5, last_failure_at: T0 - DAY, last_failure_reason: 'invalid_credentials', remaining_queries: -1, heavy_remaining_queries: -1,
      quota_synced_at: null, last_used_at: T0 - DAY, use_count: 120, tags: '["super"]', note: '账号失效 — "expired"', user_id: 'u-3', created_at: T0 - 30 * DAY,
    },
    {
      id: 'tok-disabled', token_hash: 'h-disabled', token_enc: 'v1.iv.ciphertext-disabled', suffix: 'Ty78Ui', type: 'ssoSuper', status: 'disabled',
      cooldown_until: null, failed_count: 0, last_failure_at: null, last_failure_reason: null, remaining_queries: 140, heavy_remaining_queries: 20,
      quota_synced_at: T0 - DAY, last_used_at: null, use_count: 0, tags: '["super","paused"]', note: "operator's pause", user_id: null, created_at: T0 - 2 * DAY,
    },
    // Only the required columns: the previous schema's defaults fill the rest.
    { id: 'tok-defaults', token_hash: 'h-defaults', token_enc: 'v1.iv.ciphertext-defaults', suffix: 'Op45As', type: 'sso', created_at: T0 },
  ],
  api_keys: [
    { id: 'key-open', name: 'default', key_hash: 'kh-open', prefix: 'sk-g2a-AbCd', status: 'active', expires_at: null, models: null, limits: '{}', created_at: T0 - 5 * DAY, last_used_at: T0 },
    {
      id: 'key-limited', name: 'team 限额', key_hash: 'kh-limited', prefix: 'sk-g2a-EfGh', status: 'active', expires_at: T0 + 30 * DAY,
      models: '["grok-4","grok-imagine-1.0"]', limits: '{"chatPerDay":100,"heavyPerDay":5,"imagePerDay":20,"videoPerDay":2,"rpm":10,"concurrency":2}',
      created_at: T0 - 3 * DAY, last_used_at: T0 - 1000,
    },
    { id: 'key-off', name: 'old laptop', key_hash: 'kh-off', prefix: 'sk-g2a-IjKl', status: 'disabled', expires_at: T0 - DAY, models: '[]', limits: '{"rpm":0}', created_at: T0 - 60 * DAY, last_used_at: null },
    { id: 'key-defaults', name: 'minimal', key_hash: 'kh-defaults', prefix: 'sk-g2a-MnOp', created_at: T0 },
  ],
  key_usage: [
    { key_id: 'key-limited', window: 'd:2026-11-26', bucket: 'chat', count: 12, expires_at: T0 + DAY },
    { key_id: 'key-limited', window: 'd:2026-11-26', bucket: 'heavy', count: 5, expires_at: T0 + DAY },
    { key_id: 'key-limited', window: `m:${Math.floor(T0 / 60_000)}`, bucket: 'rpm', count: 3, expires_at: T0 + 120_000 },
    { key_id: 'key-open', window: 'd:2026-11-26', bucket: 'image', expires_at: T0 + DAY },
  ],
  key_leases: [{ id: 'lease-1', key_id: 'key-limited', expires_at: T0 + 60_000 }],
  admin_users: [
    { id: 'admin-1', username: 'admin', password_hash: 'pbkdf2$100000$c2FsdA$aGFzaA', must_change_password: 0, created_at: T0 - 10 * DAY, updated_at: T0 - 9 * DAY },
    { id: 'admin-2', username: 'ops', password_hash: 'pbkdf2$100000$c2FsdDI$aGFzaDI', created_at: T0, updated_at: T0 },
  ],
  sessions: [
    { id_hash: 'a'.repeat(64), user_id: 'admin-1', expires_at: T0 + 7 * DAY, created_at: T0 },
    { id_hash: 'b'.repeat(64), user_id: 'admin-1', expires_at: T0 - DAY, created_at: T0 - 8 * DAY },
  ],
  login_attempts: [
    { key: 'u:admin|ip:203.0.113.7', failures: 2, locked_until: null, updated_at: T0 },
    { key: 'ip:198.51.100.9', failures: 6, locked_until: T0 + 900_000, updated_at: T0 },
  ],
  settings: [
    { key: 'reasoning_output', value: '"hidden"', updated_at: T0 },
    { key: 'keepalive_seconds', value: '20', updated_at: T0 },
    { key: 'open_access', value: 'true', updated_at: T0 },
    { key: 'model_aliases', value: '{"claude-sonnet-4-5":"grok-4"}', updated_at: T0 },
    { key: 'cf_cookies', value: '"cf_clearance=abc.def-1; __cf_bm=xyz"', updated_at: T0 },
    { key: 'custom_instruction', value: '"用中文回答。Don\'t use emoji."', updated_at: T0 },
  ],
  meta: [
    { key: 'settings_version', value: '6', updated_at: T0 },
    { key: 'last_log_prune', value: String(T0 - 3_600_000), updated_at: T0 - 3_600_000 },
  ],
  request_logs: [
    {
      id: 'log-ok', created_at: T0 - 5000, endpoint: '/v1/chat/completions', key_id: 'key-limited', key_name: 'team 限额', model: 'grok-4', stream: 1,
      token_id: 'tok-active', token_suffix: 'aB3dE9', status: 200, reason: 'ok', attempts: 1, duration_ms: 2300, ttft_ms: 410, prompt_tokens: 120, completion_tokens: 350, error: null,
    },
    {
      id: 'log-429', created_at: T0 - 4000, endpoint: '/v1/messages', key_id: 'key-open', key_name: 'default', model: 'grok-4-heavy', stream: 0,
      token_id: null, token_suffix: null, status: 429, reason: 'rate_limited', attempts: 3, duration_ms: 900, ttft_ms: null, prompt_tokens: 0, completion_tokens: 0, error: 'all accounts cooling',
    },
    { id: 'log-defaults', created_at: T0, endpoint: '/v1/models', status: 401, reason: 'invalid_api_key', duration_ms: 2 },
  ],
  video_jobs: [
    { id: 'video_queued', key_id: 'key-limited', model: 'grok-imagine-1.0-video', status: 'queued', params: '{"prompt":"a cat","seconds":6}', created_at: T0, updated_at: T0 },
    {
      id: 'video_done', key_id: 'key-limited', model: 'grok-imagine-1.0-video', status: 'completed', progress: 100, params: '{"prompt":"sunset","size":"1280x720"}',
      token_id: 'tok-active', video_path: 'users/u-1/generated/abc/video.mp4', thumbnail_path: 'users/u-1/generated/abc/thumb.jpg', error: null, created_at: T0 - 600_000, updated_at: T0 - 300_000,
    },
    {
      id: 'video_failed', key_id: null, model: 'grok-imagine-1.0-video', status: 'failed', progress: 40, params: '{}', token_id: 'tok-cooling',
      error: '{"message":"upstream timeout","code":"upstream_timeout"}', created_at: T0 - 900_000, updated_at: T0 - 800_000,
    },
  ],
};

async function insertRows(d1: D1Database, rows: Record<string, Row[]>) {
  const statements = Object.entries(rows).flatMap(([table, list]) =>
    list.map((row) => {
      const cols = Object.keys(row);
      return d1.prepare(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).bind(...Object.values(row));
    }),
  );
  await d1.batch(statements);
}

async function dump(d1: D1Database, tables: string[]): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of tables) out[table] = (await d1.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all<Row>()).results;
  return out;
}

/** The value a column's SQL default gives (e.g. `true` → 1), evaluated by SQLite itself. */
async function defaultValue(d1: D1Database, column: ColumnInfo): Promise<string | number | null> {
  if (column.dflt_value === null) return null;
  return (await d1.prepare(`SELECT (${column.dflt_value}) AS v`).first<{ v: string | number | null }>())!.v;
}

// ── tests ────────────────────────────────────────────────────────────────────────────────────────────

describe('migration files', () => {
  it('drizzle-kit’s journal lists exactly the .sql files, in order', () => {
    expect(journal.entries.map((e) => `${e.tag}.sql`)).toEqual(MIGRATION_FILES);
    expect(journal.entries.map((e) => e.idx)).toEqual(MIGRATION_FILES.map((_, i) => i));
    expect(MIGRATIONS_DIR.endsWith('drizzle')).toBe(true);
  });

  it('the previous release’s migrations are unchanged (a schema change needs a new file)', () => {
    expect(MIGRATION_FILES.slice(0, RELEASED_FILES.length)).toEqual(RELEASED_FILES);
    for (const file of RELEASED_FILES) {
      const sha = createHash('sha256').update(migrationSql(file).replaceAll('\r\n', '\n')).digest('hex');
      expect(sha, `${file} was edited after it was released`).toBe(RELEASED[file]);
    }
    expect(MIGRATION_FILES.length, 'this test expects migrations newer than the previous release').toBeGreaterThan(RELEASED_FILES.length);
  });
});

describe('from an empty database', () => {
  const t = useTestDb();

  it('has every table of schema.ts and no other', async () => {
    expect(await userTables(t.d1)).toEqual(TABLES.map((table) => getTableConfig(table).name).sort());
  });

  for (const table of TABLES) {
    const name = getTableConfig(table).name;
    it(`${name}: columns (type, NOT NULL, default, primary key) and indexes match schema.ts`, async () => {
      const actual = await tableInfo(t.d1, name);
      const expected = declared(table);
      expect(actual.columns).toEqual(expected.columns);
      expect(actual.indexes).toEqual(expected.indexes);
    });
  }

  it('wrangler’s way (one batch per file, tracked in d1_migrations) gives the same schema; a second apply does nothing', async () => {
    const w = await emptyD1();
    try {
      expect(await wranglerApply(w.d1)).toEqual(MIGRATION_FILES);
      expect((await w.d1.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>()).results.map((r) => r.name)).toEqual(MIGRATION_FILES);
      expect(await schemaOf(w.d1)).toEqual(await schemaOf(t.d1));
      expect(await wranglerApply(w.d1)).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

describe('from the previous release (37519e5) with data in it', () => {
  let t: Awaited<ReturnType<typeof testDb>>;
  let fresh: Awaited<ReturnType<typeof testDb>>;
  let before: Record<string, Row[]>;
  let oldSchema: Record<string, TableInfo>;
  let applied: string[];

  beforeAll(async () => {
    t = await testDb({ through: RELEASED_FILES.at(-1) });
    fresh = await testDb();
    oldSchema = await schemaOf(t.d1);
    // What `wrangler d1 migrations apply` recorded when the previous release was deployed.
    await t.d1.prepare(D1_MIGRATIONS_TABLE).run();
    for (const file of RELEASED_FILES) await t.d1.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file).run();
    await insertRows(t.d1, OLD_ROWS);
    before = await dump(t.d1, Object.keys(oldSchema));
    applied = await wranglerApply(t.d1);
  });
  afterAll(async () => {
    await t.close();
    await fresh.close();
  });

  it('the fixture fills every table of that release', () => {
    expect(Object.keys(OLD_ROWS).sort()).toEqual(Object.keys(oldSchema).sort());
    for (const [table, rows] of Object.entries(before)) expect(rows.length, table).toBe(OLD_ROWS[table].length);
  });

  it('wrangler applies only the newer migrations, each once', async () => {
    expect(applied).toEqual(MIGRATION_FILES.slice(RELEASED_FILES.length));
    expect(await wranglerApply(t.d1)).toEqual([]);
  });

  it('ends with the same schema as a database migrated from empty', async () => {
    expect(await schemaOf(t.d1)).toEqual(await schemaOf(fresh.d1));
  });

  it('keeps every row unchanged; new columns hold their defaults', async () => {
    const after = await dump(t.d1, Object.keys(oldSchema));
    for (const [table, rows] of Object.entries(before)) {
      const oldColumns = new Set(oldSchema[table].columns.map((c) => c.name));
      const added = (await tableInfo(t.d1, table)).columns.filter((c) => !oldColumns.has(c.name));
      const defaults: Row = {};
      for (const c of added) defaults[c.name] = await defaultValue(t.d1, c);
      expect(after[table], table).toEqual(rows.map((row) => ({ ...row, ...defaults })));
    }
    expect(after.tokens.map((r) => r.recent_failures)).toEqual(OLD_ROWS.tokens.map(() => 0));
  });

  it('the app reads the old rows through drizzle: JSON, booleans and settings come back typed', async () => {
    const tokenRows = await t.db.select().from(schema.tokens).orderBy(schema.tokens.createdAt);
    expect(tokenRows.find((r) => r.id === 'tok-disabled')).toMatchObject({ status: 'disabled', tags: ['super', 'paused'], recentFailures: 0, heavyRemainingQueries: 20 });
    expect(tokenRows.find((r) => r.id === 'tok-defaults')).toMatchObject({ status: 'active', tags: [], note: '', failedCount: 0, remainingQueries: -1, recentFailures: 0 });
    const keys = await t.db.select().from(schema.apiKeys);
    expect(keys.find((k) => k.id === 'key-limited')).toMatchObject({ models: ['grok-4', 'grok-imagine-1.0'], limits: { chatPerDay: 100, rpm: 10, concurrency: 2 } });
    expect(keys.find((k) => k.id === 'key-defaults')).toMatchObject({ status: 'active', models: null, limits: {} });
    const admins = await t.db.select().from(schema.adminUsers);
    expect(admins.map((a) => [a.username, a.mustChangePassword])).toEqual([['admin', false], ['ops', true]]);
    const jobs = await t.db.select().from(schema.videoJobs);
    expect(jobs.find((j) => j.id === 'video_failed')?.error).toEqual({ message: 'upstream timeout', code: 'upstream_timeout' });
    const logs = await t.db.select().from(schema.requestLogs);
    expect(logs.find((l) => l.id === 'log-ok')?.stream).toBe(true);
    expect(logs.find((l) => l.id === 'log-defaults')).toMatchObject({ stream: false, attempts: 0, promptTokens: 0 });

    const settings = await getSettings(t.d1);
    expect(settings).toMatchObject({
      reasoning_output: 'hidden',
      keepalive_seconds: 20,
      open_access: true,
      model_aliases: { 'claude-sonnet-4-5': 'grok-4' },
      cf_cookies: 'cf_clearance=abc.def-1; __cf_bm=xyz',
      custom_instruction: '用中文回答。Don\'t use emoji.',
    });
  });
});
