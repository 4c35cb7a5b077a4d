/**
 * @module gateway/quota
 * Background re-sync of an account's remaining quota after it served a request (spec §7.5, §8.5),
 * at most once per `quota_sync_interval_seconds` per account.
 */
import { fetchRateLimits } from '@/lib/grok/client';
import { buildRateLimitPayload } from '@/lib/grok/payload';
import { updateTokenQuota } from '@/lib/db/tokens';
import type { TokenRow } from '@/lib/db/schema';
import type { ModelEntry } from '@/lib/catalog/models';
import type { GatewayContext } from './context';

export function quotaSyncDue(ctx: GatewayContext, token: TokenRow): boolean {
  const interval = ctx.settings.quota_sync_interval_seconds * 1000;
  return interval > 0 && (token.quotaSyncedAt === null || ctx.now() - token.quotaSyncedAt >= interval);
}

export async function syncQuota(ctx: GatewayContext, token: TokenRow, rawToken: string, model: ModelEntry): Promise<number | undefined> {
  const r = await fetchRateLimits(ctx.grok, rawToken, buildRateLimitPayload(ctx.settings.upstream_profile, model));
  if (!r.ok || r.value.remaining === undefined) return undefined;
  await updateTokenQuota(ctx.db, token.id, model.bucket, r.value.remaining, ctx.now());
  return r.value.remaining;
}
