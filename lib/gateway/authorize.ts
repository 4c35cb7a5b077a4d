/**
 * @module gateway/authorize
 * API-key authentication and per-key model permission for `/v1`.
 */
import { apiKeyFromRequest, hashApiKey } from '@/lib/auth/api-keys';
import { findKeyByHash } from '@/lib/db/keys';
import type { ApiKeyRow } from '@/lib/db/schema';
import { GatewayError } from '@/lib/errors';
import type { ModelEntry } from '@/lib/catalog/models';
import type { GatewayContext } from './context';

/** The caller: a key row, or `null` for anonymous access when `open_access` is on. */
export type Caller = ApiKeyRow | null;

export async function authorizeKey(req: Request, ctx: GatewayContext): Promise<Caller> {
  const hash = await presentedKeyHash(req);
  return checkKey(ctx, hash, hash ? await findKeyByHash(ctx.db, hash) : undefined);
}

/** The presented key's hash (undefined when none was sent), for a lookup the caller batches itself. */
export async function presentedKeyHash(req: Request): Promise<string | undefined> {
  const presented = apiKeyFromRequest(req);
  return presented ? hashApiKey(presented) : undefined;
}

/** The caller, from the presented key's hash and the row found for it. */
export function checkKey(ctx: GatewayContext, hash: string | undefined, key: ApiKeyRow | undefined): Caller {
  if (!hash) {
    if (ctx.settings.open_access) return null;
    throw new GatewayError('invalid_api_key', 'Missing API key: send "Authorization: Bearer <key>"');
  }
  if (!key) throw new GatewayError('invalid_api_key', 'Invalid API key');
  if (key.status !== 'active') throw new GatewayError('invalid_api_key', 'This API key is disabled', { code: 'api_key_disabled' });
  if (key.expiresAt !== null && key.expiresAt <= ctx.now()) {
    throw new GatewayError('invalid_api_key', 'This API key has expired', { code: 'api_key_expired' });
  }
  return key;
}

/** Whether the key may use the model (a key without a model list may use any). */
export function modelAllowed(caller: Caller, model: ModelEntry): boolean {
  const allowed = caller?.models;
  return !allowed?.length || allowed.includes(model.id) || model.aliases.some((a) => allowed.includes(a));
}

export function ensureModelAllowed(caller: Caller, model: ModelEntry): void {
  if (!modelAllowed(caller, model)) {
    throw new GatewayError('model_not_allowed', `This API key may not use model "${model.id}"`, { param: 'model' });
  }
}

export function resolveModel(ctx: GatewayContext, id: string, kinds: ModelEntry['kind'][]): ModelEntry {
  const model = ctx.catalog.resolve(id);
  if (!model) throw new GatewayError('model_not_found', `The model "${id}" does not exist; GET /v1/models lists the available ones`, { param: 'model' });
  if (!kinds.includes(model.kind)) {
    throw new GatewayError('invalid_request', `The model "${id}" cannot be used on this endpoint`, { param: 'model', code: 'model_not_supported' });
  }
  return model;
}
