/**
 * @module gateway/quota
 * Background re-sync of an account's remaining quota and its window's reset time (spec §7.5, §8.5): after it
 * served a request, at most once per `quota_sync_interval_seconds` per account; after an upstream quota
 * error, at most once a minute per account.
 */
import { fetchRateLimits, type RateLimits } from '@/lib/grok/client';
import { buildRateLimitPayload } from '@/lib/grok/payload';
import type { UpstreamFailure } from '@/lib/grok/errors';
import { claimQuotaRefresh, updateTokenQuota, type Bucket, type QuotaReset } from '@/lib/db/tokens';
import type { Db } from '@/lib/db/client';
import type { TokenRow } from '@/lib/db/schema';
import type { ModelEntry } from '@/lib/catalog/models';
import type { GatewayContext } from './context';

/** A burst of 429s on one account causes at most one rate-limit query per this interval. */
export const QUOTA_ERROR_REFRESH_MS = 60_000;

export function quotaSyncDue(ctx: GatewayContext, token: TokenRow): boolean {
  const interval = ctx.settings.quota_sync_interval_seconds * 1000;
  return interval > 0 && (token.quotaSyncedAt === null || ctx.now() - token.quotaSyncedAt >= interval);
}

/**
 * When the bucket's window resets, from one E5 answer. The spec's reading of the fields (§7.5):
 * `windowSizeSeconds` is the length of the quota window (80 units per rolling 72 000 s for a free account,
 * 7 200 s for super); `waitTimeSeconds` appears once the quota is exhausted and is the time until the window
 * frees up. So an exhausted answer with a wait time gives the reset exactly (now + wait); any other answer
 * only bounds it: whatever was used before now is back by now + window (the CY-3/CY-4 estimate "sync time +
 * window"). Such an estimate never moves a reset that is still ahead later (updateTokenQuota): under a fixed
 * window the first sync in it was the closest, and under a rolling one the earliest use frees up then.
 * Neither field known → null (unknown).
 */
export function quotaResetFrom(value: RateLimits, now: number): QuotaReset {
  if (value.remaining === 0 && value.waitSeconds !== undefined && value.waitSeconds >= 0) {
    return { at: now + value.waitSeconds * 1000, exact: true };
  }
  if (value.windowSeconds !== undefined && value.windowSeconds > 0) return { at: now + value.windowSeconds * 1000, exact: false };
  return null;
}

/** Stores one E5 answer for a bucket: its remaining count and reset time. False when it had no count. */
export async function storeRateLimits(db: Db, tokenId: string, bucket: Bucket, value: RateLimits, now: number): Promise<boolean> {
  if (value.remaining === undefined) return false;
  await updateTokenQuota(db, tokenId, bucket, value.remaining, now, quotaResetFrom(value, now));
  return true;
}

export async function syncQuota(ctx: GatewayContext, token: TokenRow, rawToken: string, model: ModelEntry): Promise<number | undefined> {
  const r = await fetchRateLimits(ctx.grok, rawToken, buildRateLimitPayload(ctx.settings.upstream_profile, model));
  if (!r.ok || !(await storeRateLimits(ctx.db, token.id, model.bucket, r.value, ctx.now()))) return undefined;
  return r.value.remaining;
}

/**
 * After a failed attempt: an upstream quota error (429 / in-band code 8) schedules a re-read of the account's
 * numbers for the model's bucket in the background — the real count and, above all, when its window resets —
 * unless the account was synced within the last minute (so a burst of 429s causes one query, not a burst).
 */
export function refreshAfterQuotaError(ctx: GatewayContext, token: TokenRow, failure: UpstreamFailure, model: ModelEntry, rawToken: () => Promise<string>): void {
  if (failure.kind !== 'rate_limited') return;
  ctx.platform.waitUntil(
    (async () => {
      if (!(await claimQuotaRefresh(ctx.db, token.id, ctx.now(), QUOTA_ERROR_REFRESH_MS))) return;
      await syncQuota(ctx, token, await rawToken(), model);
    })(),
  );
}
