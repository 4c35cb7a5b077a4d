/**
 * @module settings/backup
 * The settings backup document (`GET /api/admin/settings/export`, `POST /api/admin/settings/import`):
 * `{format:"grok2api-settings", version:1, exportedAt, settings:{…every setting…}}`. Pure, so the config page
 * checks a file with the same code as the server before asking to import it.
 */
import { z } from 'zod';
import { validateSettingsPatch, type SettingKey, type Settings } from './schema';

const SETTINGS_BACKUP_FORMAT = 'grok2api-settings';
const SETTINGS_BACKUP_VERSION = 1;

export const settingsBackupSchema = z.object({
  format: z.literal(SETTINGS_BACKUP_FORMAT),
  version: z.literal(SETTINGS_BACKUP_VERSION),
  exportedAt: z.string().max(64).optional().describe('When the export was made (ISO 8601); informational only.'),
  settings: z
    .record(z.string(), z.unknown())
    .describe(
      'Setting name → value, each validated like `PUT /api/admin/settings` (see SettingsPatch). Unknown names are rejected; settings the file does not list keep their current value.',
    ),
});
type SettingsBackup = z.infer<typeof settingsBackupSchema>;

/** The export of the current settings: every setting, defaults included, so a restore needs nothing else. */
export function buildSettingsBackup(settings: Settings, now: number): SettingsBackup {
  return { format: SETTINGS_BACKUP_FORMAT, version: SETTINGS_BACKUP_VERSION, exportedAt: new Date(now).toISOString(), settings: { ...settings } };
}

export const settingsBackupFilename = (now: number) => `grok2api-settings-${new Date(now).toISOString().slice(0, 10)}.json`;

type ParsedBackup =
  | { ok: true; patch: Partial<Settings>; exportedAt?: string }
  /** `param` names the offending field (`format`, `version`, `settings.<key>`); `fieldErrors` are keyed by setting. */
  | { ok: false; message: string; param: string | null; fieldErrors?: Record<string, string> };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Checks a backup document whole: format, version, then every setting. Nothing is accepted unless all of it is. */
export function parseSettingsBackup(input: unknown): ParsedBackup {
  if (!isObject(input)) return { ok: false, message: 'Not a settings export: expected a JSON object', param: null };
  if (input.format !== SETTINGS_BACKUP_FORMAT) {
    return { ok: false, message: `Not a Grok2API settings export: "format" must be "${SETTINGS_BACKUP_FORMAT}"`, param: 'format' };
  }
  if (input.version !== SETTINGS_BACKUP_VERSION) {
    return { ok: false, message: `Unsupported settings export version ${JSON.stringify(input.version ?? null)}: this gateway reads version ${SETTINGS_BACKUP_VERSION}`, param: 'version' };
  }
  const doc = settingsBackupSchema.safeParse(input);
  if (!doc.success) {
    const issue = doc.error.issues[0];
    const param = issue.path.join('.') || null;
    return { ok: false, message: `Invalid settings export${param ? ` (${param})` : ''}: ${issue.message}`, param };
  }
  const result = validateSettingsPatch(doc.data.settings);
  if (!result.ok) {
    const entries = Object.entries(result.fieldErrors);
    const names = entries.map(([key]) => key);
    const [key, why] = entries[0];
    const more = entries.length > 1 ? ` (and ${entries.length - 1} more: ${names.slice(1).join(', ')})` : '';
    return { ok: false, message: `Invalid setting ${key}: ${why}${more}`, param: `settings.${key}`, fieldErrors: result.fieldErrors };
  }
  return { ok: true, patch: result.patch, exportedAt: doc.data.exportedAt };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]));
}

/** The settings of a validated patch whose value differs from the current one (what an import would change). */
export function changedSettings(current: Settings, patch: Partial<Settings>): SettingKey[] {
  return (Object.keys(patch) as SettingKey[]).filter((key) => !sameValue(current[key], patch[key]));
}
