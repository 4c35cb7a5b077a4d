/**
 * @module gateway/attempt-failure
 * What a failed attempt does beyond the retry decision: the account's state (only when the request's
 * failure ledger charges it), the quality watch for a moderated answer, a quota re-read after a limit, and
 * the egress record of a challenge the dashboard shows.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { TokenRow } from '@/lib/db/schema';
import { chargeFailure } from '@/lib/db/tokens';
import { setMeta } from '@/lib/db/meta';
import type { UpstreamFailure } from '@/lib/grok/errors';
import { statePolicy } from '@/lib/pool/state';
import type { GatewayContext } from './context';
import { createQualityWatch } from './quality-guard';
import { refreshAfterQuotaError } from './quota';

export async function applyAttemptFailure(
  ctx: GatewayContext,
  model: ModelEntry,
  token: TokenRow,
  failure: UpstreamFailure,
  { charge }: { charge: boolean },
  rawToken: () => Promise<string>,
): Promise<void> {
  const now = ctx.now();
  if (failure.kind === 'moderated') createQualityWatch(ctx, model).moderated(token);
  if (charge) await chargeFailure(ctx.db, token, model.bucket, failure, statePolicy(ctx.settings), now);
  refreshAfterQuotaError(ctx, token, failure, model, rawToken);
  if (failure.kind === 'challenge' || failure.kind === 'anti_bot') {
    ctx.platform.waitUntil(setMeta(ctx.db, 'egress_last_challenge', JSON.stringify({ at: now, kind: failure.kind, message: failure.message }), now));
  }
}
