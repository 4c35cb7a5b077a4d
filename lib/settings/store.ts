/**
 * @module settings/store
 * Settings rows in D1 merged over the defaults. Every save bumps a version counter; a request reads only
 * that counter (one tiny query) and re-reads and re-validates the rows only when it changed. So a save is
 * effective for the very next request on every isolate and every route, while the hot path skips the
 * parsing and catalog work. (next-on-pages isolates module state per route, so an in-memory
 * invalidation from the admin route would not reach the /v1 routes.)
 */
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { eq, sql } from 'drizzle-orm';
import { meta, settings as settingsTable } from '@/lib/db/schema';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from './schema';
import { buildCatalog, type Catalog } from '@/lib/catalog/models';

const VERSION_KEY = 'settings_version';

export interface Loaded {
  settings: Settings;
  catalog: Catalog;
  version: string;
}
let cache: Loaded | undefined;

function fromRows(rows: { key: string; value: unknown }[]): Settings {
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of rows) {
    const field = settingsSchema.shape[row.key as keyof Settings];
    // A stored value that no longer validates (schema changed) falls back to the default instead of failing requests.
    const parsed = field?.safeParse(row.value);
    if (parsed?.success) merged[row.key] = parsed.data;
  }
  return merged as Settings;
}

/** The version read, as a statement a caller can put into its own `db.batch()` (one round trip for several jobs). */
export function settingsVersionQuery(db: DrizzleD1Database<Record<string, unknown>>) {
  return db.select({ value: meta.value }).from(meta).where(eq(meta.key, VERSION_KEY));
}

/** The settings of the version a batch read: this isolate's copy when it is current, else read again. */
export async function settingsAt(db: D1Database, rows: { value: string }[]): Promise<Loaded> {
  const version = rows[0]?.value ?? '0';
  if (cache?.version === version) return cache;
  const stored = await drizzle(db).select({ key: settingsTable.key, value: settingsTable.value }).from(settingsTable);
  const s = fromRows(stored);
  cache = { settings: s, catalog: buildCatalog(s.models, s.model_aliases), version };
  return cache;
}

/** This isolate's last loaded settings, possibly stale: only for work that is checked against the version. */
export const cachedSettings = (): Loaded | undefined => cache;

export async function loadSettings(db: D1Database): Promise<Loaded> {
  return settingsAt(db, await settingsVersionQuery(drizzle(db)));
}

export async function getSettings(db: D1Database): Promise<Settings> {
  return (await loadSettings(db)).settings;
}

export async function saveSettings(db: D1Database, patch: Partial<Settings>, now = Date.now()): Promise<Settings> {
  const entries = Object.entries(patch);
  if (entries.length) {
    const d = drizzle(db);
    const bump = d
      .insert(meta)
      .values({ key: VERSION_KEY, value: '1', updatedAt: now })
      .onConflictDoUpdate({ target: meta.key, set: { value: sql`CAST(${meta.value} AS INTEGER) + 1`, updatedAt: now } });
    const statements = entries.map(([key, value]) =>
      d.insert(settingsTable).values({ key, value, updatedAt: now }).onConflictDoUpdate({
        target: settingsTable.key,
        set: { value, updatedAt: now },
      }),
    );
    // One batch: the rows and the version change together.
    await d.batch([bump, ...statements]);
  }
  return (await loadSettings(db)).settings;
}
