/** @module gateway/models — `GET /v1/models` from the catalog, filtered by the key's allow-list. */
import type { Platform } from '@/lib/platform';
import { errorResponse } from '@/lib/errors';
import { loadContext } from './context';
import { authorizeKey } from './authorize';

export async function handleListModels(req: Request, platform: Platform): Promise<Response> {
  try {
    const ctx = await loadContext(platform);
    const caller = await authorizeKey(req, ctx);
    const allowed = caller?.models?.length ? new Set(caller.models) : undefined;
    const data = ctx.catalog.list
      .filter((m) => !allowed || allowed.has(m.id) || m.aliases.some((a) => allowed.has(a)))
      .map((m) => ({
        id: m.id,
        object: 'model' as const,
        created: 0,
        owned_by: 'x-ai',
        display_name: m.displayName ?? m.id,
        capability: m.kind,
        tier: m.tier,
      }));
    return Response.json({ object: 'list', data });
  } catch (e) {
    return errorResponse(e);
  }
}
