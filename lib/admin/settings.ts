/** @module admin/settings — read all settings with defaults; validate and save a partial update. */
import { GatewayError } from '@/lib/errors';
import { readJsonBody } from '@/lib/http/body';
import { DEFAULT_SETTINGS, validateSettingsPatch } from '@/lib/settings/schema';
import { getSettings, saveSettings } from '@/lib/settings/store';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import type { AdminContext } from './guard';

export async function get(ctx: AdminContext): Promise<Response> {
  return Response.json({ values: await getSettings(ctx.platform.bindings.DB), defaults: DEFAULT_SETTINGS, defaultModels: DEFAULT_MODELS });
}

export async function put(req: Request, ctx: AdminContext): Promise<Response> {
  const result = validateSettingsPatch(await readJsonBody(req));
  if (!result.ok) {
    const [first] = Object.entries(result.fieldErrors);
    const err = new GatewayError('invalid_request', `Invalid setting ${first[0]}: ${first[1]}`, { param: first[0], code: 'invalid_settings' });
    return Response.json({ ...err.toJSON(), fieldErrors: result.fieldErrors }, { status: 400 });
  }
  const values = await saveSettings(ctx.platform.bindings.DB, result.patch, ctx.now());
  return Response.json({ values });
}
