/**
 * @module admin/settings-backup
 * Settings backup: export every setting as a JSON file, import such a file back. An import is checked whole
 * (format, version, every setting) before anything is written, then saved in one D1 batch with the settings
 * version bump, so it is all or nothing and reaches every isolate on the next request.
 */
import { GatewayError } from '@/lib/errors';
import { readJsonBody } from '@/lib/http/body';
import { buildSettingsBackup, parseSettingsBackup, settingsBackupFilename } from '@/lib/settings/backup';
import { getSettings, saveSettings } from '@/lib/settings/store';
import type { AdminContext } from './guard';

/** A settings export is a few KB; anything near this is not one. */
const MAX_IMPORT_BYTES = 1024 * 1024;

export async function exportSettings(ctx: AdminContext): Promise<Response> {
  const now = ctx.now();
  const doc = buildSettingsBackup(await getSettings(ctx.platform.bindings.DB), now);
  return new Response(`${JSON.stringify(doc, null, 2)}\n`, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${settingsBackupFilename(now)}"`,
      'cache-control': 'no-store',
    },
  });
}

export async function importSettings(req: Request, ctx: AdminContext): Promise<Response> {
  const parsed = parseSettingsBackup(await readJsonBody(req, { maxBytes: MAX_IMPORT_BYTES }));
  if (!parsed.ok) {
    const err = new GatewayError('invalid_request', parsed.message, { param: parsed.param, code: parsed.fieldErrors ? 'invalid_settings' : 'invalid_backup' });
    return Response.json({ ...err.toJSON(), ...(parsed.fieldErrors ? { fieldErrors: parsed.fieldErrors } : {}) }, { status: 400 });
  }
  const values = await saveSettings(ctx.platform.bindings.DB, parsed.patch, ctx.now());
  return Response.json({ ok: true, applied: Object.keys(parsed.patch).length, values });
}
