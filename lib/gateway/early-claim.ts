/**
 * @module gateway/early-claim
 * Claiming the account in the request's first batch, so a steady-state chat request makes one D1 round trip
 * before its first upstream byte instead of two. The pick needs candidates and the caller's limits before
 * that batch has read them, so this isolate remembers the last sample per pool and the last row per key:
 * a guess that the batch itself checks. The claim carries a condition that the key is active, so a wrong,
 * disabled or expired key claims nothing; a stale sample only makes the claim fail (then the request claims
 * from the fresh sample read in the same batch, as it would have anyway). Keys with limits are not claimed
 * for early: their admission has to ride with the claim, which is the second trip either way.
 */
import type { SQL } from 'drizzle-orm';
import type { ModelEntry } from '@/lib/catalog/models';
import type { ApiKeyRow } from '@/lib/db/schema';
import { activeKeyCondition } from '@/lib/db/keys';
import { createTokenPicker, poolsFor, type Candidate } from '@/lib/pool/select';
import { planClaim } from './account-claim';
import { modelAllowed } from './authorize';
import type { GatewayContext } from './context';
import { planAdmission } from './key-limits';

/** A remembered sample older than this has weights too stale to pick by. */
const SAMPLE_MAX_AGE_MS = 60_000;
/** Keys remembered per isolate; past this the memory starts over (it only saves a round trip). */
const MAX_KNOWN_KEYS = 1_000;

const samples = new Map<string, { at: number; candidates: Candidate[] }>();
const knownKeys = new Map<string, ApiKeyRow>();
const sampleKey = (model: ModelEntry) => `${model.tier}/${model.bucket}`;

/** What the first batch read, for the next request's guess. */
export function remember(model: ModelEntry | undefined, candidates: Candidate[] | undefined, hash: string | undefined, key: ApiKeyRow | undefined, now: number): void {
  if (model && candidates) samples.set(sampleKey(model), { at: now, candidates });
  if (!hash) return;
  if (!key) {
    knownKeys.delete(hash);
    return;
  }
  if (knownKeys.size >= MAX_KNOWN_KEYS) knownKeys.clear();
  knownKeys.set(hash, key);
}

/** The condition the claim runs under, or undefined when this caller is not claimed for early. */
function callerGuard(ctx: GatewayContext, model: ModelEntry, caller: { asAdmin?: boolean; hash?: string }): { guard?: SQL } | undefined {
  if (caller.asAdmin) return {};
  if (!caller.hash) return ctx.settings.open_access ? {} : undefined;
  const known = knownKeys.get(caller.hash);
  if (!known || !modelAllowed(known, model) || planAdmission(ctx, known, model)) return undefined;
  return { guard: activeKeyCondition(caller.hash, ctx.now()) };
}

/** The claim statements for the first batch, or undefined when there is nothing sensible to guess. */
export function planEarlyClaim(ctx: GatewayContext, model: ModelEntry, caller: { asAdmin?: boolean; hash?: string }) {
  const now = ctx.now();
  const sample = samples.get(sampleKey(model));
  if (!sample || now - sample.at > SAMPLE_MAX_AGE_MS) return undefined;
  const who = callerGuard(ctx, model, caller);
  if (!who) return undefined;
  const choice = createTokenPicker({ now: ctx.now })(sample.candidates, { pools: poolsFor(model.tier), units: model.units, bucket: model.bucket });
  if (!choice) return undefined;
  return planClaim(ctx, choice, { model, perAccount: ctx.settings.account_max_concurrency, now, guard: who.guard });
}
