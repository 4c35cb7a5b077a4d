/**
 * @module settings/store
 * Settings rows in D1 merged over the defaults, cached per isolate for a few seconds so the hot path does
 * not query D1 for them on every request. A save in this isolate is visible at once; other isolates see it
 * within `CACHE_TTL_MS`.
 *
 * The cache lives on `globalThis`: next-on-pages bundles every route with its own copy of this module, and
 * a save from the admin route must clear the copy the `/v1` routes read.
 */
import { drizzle } from 'drizzle-orm/d1';
import { settings as settingsTable } from '@/lib/db/schema';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from './schema';
import { buildCatalog, type Catalog } from '@/lib/catalog/models';

const CACHE_TTL_MS = 5_000;

interface Loaded {
  settings: Settings;
  catalog: Catalog;
  loadedAt: number;
}
const CACHE_KEY = Symbol.for('grok2api.settings');
type Holder = { [CACHE_KEY]?: Loaded };
const holder = globalThis as Holder;

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

export async function loadSettings(db: D1Database, now = Date.now()): Promise<Loaded> {
  const cache = holder[CACHE_KEY];
  if (cache && now - cache.loadedAt < CACHE_TTL_MS) return cache;
  const rows = await drizzle(db).select({ key: settingsTable.key, value: settingsTable.value }).from(settingsTable);
  const s = fromRows(rows);
  const loaded = { settings: s, catalog: buildCatalog(s.models, s.model_aliases), loadedAt: now };
  holder[CACHE_KEY] = loaded;
  return loaded;
}

export async function getSettings(db: D1Database): Promise<Settings> {
  return (await loadSettings(db)).settings;
}

export async function saveSettings(db: D1Database, patch: Partial<Settings>, now = Date.now()): Promise<Settings> {
  const entries = Object.entries(patch);
  if (entries.length) {
    const d = drizzle(db);
    const statements = entries.map(([key, value]) =>
      d.insert(settingsTable).values({ key, value, updatedAt: now }).onConflictDoUpdate({
        target: settingsTable.key,
        set: { value, updatedAt: now },
      }),
    );
    await d.batch(statements as [(typeof statements)[0], ...typeof statements]);
  }
  holder[CACHE_KEY] = undefined;
  return (await loadSettings(db, now)).settings;
}
