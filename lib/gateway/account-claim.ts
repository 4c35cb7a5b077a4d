/**
 * @module gateway/account-claim
 * Claiming one account as statements for a caller's batch: its in-flight slot (when accounts have a
 * concurrency limit), then the claim that needs it. Shared by the acquirer and by the request's first batch,
 * which may claim before the caller's key is checked — then only under a condition that the key is active.
 */
import type { SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { ModelEntry } from '@/lib/catalog/models';
import type { TokenRow } from '@/lib/db/schema';
import { claimToken, leaseAccount, releaseAccountLease, unclaimToken } from '@/lib/db/tokens';
import type { Candidate } from '@/lib/pool/select';
import { accountFreed } from './account-slots';
import type { GatewayContext } from './context';

/** An orphaned in-flight slot (a crashed isolate) lapses after this; a live request never holds one as long. */
const ACCOUNT_LEASE_TTL_MS = 10 * 60_000;

/** An account this request holds: the claimed row, the candidate it was picked as, its in-flight slot. */
export interface Claimed {
  row: TokenRow;
  choice: Candidate;
  leaseId?: string;
}

interface ClaimPlan {
  statements: BatchItem<'sqlite'>[];
  /** Reads the statements' results: the claim, or undefined when the account was taken or not ready. */
  read(results: readonly unknown[]): Claimed | undefined;
}

type Job = { model: Pick<ModelEntry, 'bucket' | 'units'>; perAccount: number; now: number; guard?: SQL };

export function planClaim(ctx: GatewayContext, choice: Candidate, { model, perAccount, now, guard }: Job): ClaimPlan {
  const leaseId = perAccount ? crypto.randomUUID() : undefined;
  const lease = leaseId ? [leaseAccount(ctx.db, leaseId, choice.id, perAccount, now, ACCOUNT_LEASE_TTL_MS, guard)] : [];
  const claim = claimToken(ctx.db, choice.id, { bucket: model.bucket, units: model.units, now, leaseId, guard });
  return {
    statements: [...lease, claim],
    read(results) {
      const [row] = results[lease.length] as TokenRow[];
      if (row) return { row, choice, leaseId };
      // The slot was taken but the account was not (it stopped being ready in between): give the slot back.
      if (leaseId && (results[0] as unknown[]).length) ctx.platform.waitUntil(releaseAccountLease(ctx.db, leaseId));
      return undefined;
    },
  };
}

/** Frees a claimed account's in-flight slot (once the request is done with it, or gave it back). */
export function releaseSlot(ctx: GatewayContext, leaseId: string): void {
  ctx.platform.waitUntil(releaseAccountLease(ctx.db, leaseId).then(accountFreed));
}

/** Takes back a claim that was never used (use count, quota estimate, last use) and frees its slot. */
export function giveBack(ctx: GatewayContext, claimed: Claimed, bucket: ModelEntry['bucket']): void {
  ctx.platform.waitUntil(unclaimToken(ctx.db, claimed.row, claimed.choice, bucket));
  if (claimed.leaseId) releaseSlot(ctx, claimed.leaseId);
}
