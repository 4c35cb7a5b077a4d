/**
 * @module gateway/key-limits
 * Per-key daily quotas, requests per minute and concurrency. Counted when a request is accepted and given
 * back if it fails before any output, so a client is not charged for the pool's failures.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { KeyLimits } from '@/lib/db/schema';
import type { BatchItem } from 'drizzle-orm/batch';
import { acquireLease, decrementUsage, incrementUsage, releaseLease } from '@/lib/db/keys';
import { GatewayError } from '@/lib/errors';
import type { Caller } from './authorize';
import type { GatewayContext } from './context';

const DAY_MS = 86_400_000;
/** A request that outlives this is assumed dead; its lease lapses so the key is not locked forever. */
const LEASE_TTL_MS = 15 * 60_000;

type DailyBucket = 'chat' | 'heavy' | 'image' | 'video';

function dailyBucket(model: ModelEntry): DailyBucket {
  if (model.kind === 'image' || model.kind === 'image_edit') return 'image';
  if (model.kind === 'video') return 'video';
  return model.bucket === 'heavy' ? 'heavy' : 'chat';
}

const LIMIT_FIELD: Record<DailyBucket, keyof KeyLimits> = {
  chat: 'chatPerDay',
  heavy: 'heavyPerDay',
  image: 'imagePerDay',
  video: 'videoPerDay',
};

/** The local day (in the operator's time zone) that quotas are counted in. */
export function localDay(now: number, tzOffsetMinutes: number): { window: string; endsAt: number } {
  const shifted = now + tzOffsetMinutes * 60_000;
  const dayStart = Math.floor(shifted / DAY_MS) * DAY_MS;
  return { window: `d:${new Date(dayStart).toISOString().slice(0, 10)}`, endsAt: dayStart + DAY_MS - tzOffsetMinutes * 60_000 };
}

/**
 * A key's admission, once acquired (slot and units taken), ends with exactly one of these; the first call
 * wins and later ones are no-ops, so no path can free a slot twice or refund what was delivered.
 */
export interface KeyAdmission {
  /** The answer was delivered (or the client walked away from it): the units stay counted, the slot frees. */
  commit(): Promise<void>;
  /** Gives back `undelivered` of the units (default: all of them) and frees the slot. */
  refund(undelivered?: number): Promise<void>;
}

/** The admission of a keyless caller (open access, the dashboard): nothing to give back. */
export const noAdmission: KeyAdmission = { commit: async () => {}, refund: async () => {} };

type Statement = BatchItem<'sqlite'>;

/**
 * A key's admission as statements to run in one batch (alone, or together with the account claim), and
 * `settle` to read their results: the admission, or a thrown `key_limit` error after what was taken is
 * given back. Every check runs as a single conditional statement, so parallel requests cannot overshoot.
 */
export interface AdmissionPlan {
  statements: Statement[];
  settle(results: readonly unknown[]): KeyAdmission;
}

/** What an accepted admission holds: how to give units back, and the concurrency lease. */
interface Kept {
  refund: ((units: number) => Promise<void>)[];
  lease?: string;
}

export function planAdmission(ctx: GatewayContext, caller: Caller, model: ModelEntry, units = 1): AdmissionPlan | undefined {
  if (!caller) return undefined;
  const limits = caller.limits ?? {};
  const now = ctx.now();
  const keyId = caller.id;
  const checks: { statement: Statement; failure: () => GatewayError; undo?: () => Promise<void>; keep?: (a: Kept) => void }[] = [];
  let impossible: GatewayError | undefined;

  if (limits.rpm) {
    const minute = Math.floor(now / 60_000);
    const row = { keyId, window: `m:${minute}`, bucket: 'rpm', expiresAt: (minute + 2) * 60_000 };
    // RPM counts attempts, not successes: it is never given back.
    checks.push({
      statement: incrementUsage(ctx.db, row, limits.rpm),
      failure: () => new GatewayError('key_limit', `Rate limit of ${limits.rpm} requests per minute reached for this API key`, { code: 'rpm_exceeded', retryAfter: 60 - Math.floor((now % 60_000) / 1000) }),
    });
  }

  const bucket = dailyBucket(model);
  const dailyLimit = limits[LIMIT_FIELD[bucket]];
  if (dailyLimit !== undefined) {
    const day = localDay(now, ctx.platform.env.CACHE_RESET_TZ_OFFSET_MINUTES);
    const row = { keyId, window: day.window, bucket, expiresAt: day.endsAt + DAY_MS };
    const failure = () =>
      new GatewayError('key_limit', `Daily ${bucket} quota of ${dailyLimit} reached for this API key`, { code: `${bucket}_quota_exceeded`, retryAfter: Math.ceil((day.endsAt - now) / 1000) });
    // The first use of a day inserts its counter unconditionally, so a request larger than the whole limit
    // (a limit of 0 included) is refused before anything is counted.
    if (units > dailyLimit) impossible ??= failure();
    checks.push({
      statement: incrementUsage(ctx.db, row, dailyLimit, units),
      failure,
      undo: () => decrementUsage(ctx.db, row, units),
      keep: (a) => a.refund.push((n) => decrementUsage(ctx.db, row, Math.min(n, units))),
    });
  }

  if (limits.concurrency) {
    const id = crypto.randomUUID();
    checks.push({
      statement: acquireLease(ctx.db, id, keyId, limits.concurrency, now, LEASE_TTL_MS),
      failure: () => new GatewayError('key_limit', `Concurrency limit of ${limits.concurrency} in-flight requests reached for this API key`, { code: 'concurrency_exceeded', retryAfter: 1 }),
      undo: () => releaseLease(ctx.db, id),
      keep: (a) => {
        a.lease = id;
      },
    });
  }

  if (impossible) {
    const err = impossible;
    return {
      statements: [],
      settle: () => {
        throw err;
      },
    };
  }
  if (!checks.length) return undefined;
  return {
    statements: checks.map((c) => c.statement),
    settle(results) {
      const taken = checks.map((c, i) => (results[i] as unknown[]).length > 0);
      const failed = checks.findIndex((_, i) => !taken[i]);
      if (failed !== -1) {
        for (let i = 0; i < checks.length; i++) if (taken[i] && checks[i].undo) ctx.platform.waitUntil(checks[i].undo!());
        throw checks[failed].failure();
      }
      const kept: Kept = { refund: [] };
      for (const c of checks) c.keep?.(kept);
      let ended = false;
      const end = async (undelivered: number) => {
        if (ended) return;
        ended = true;
        await Promise.all([...(undelivered > 0 ? kept.refund.map((give) => give(undelivered)) : []), kept.lease && releaseLease(ctx.db, kept.lease)]);
      };
      return { commit: () => end(0), refund: (undelivered = units) => end(undelivered) };
    },
  };
}

/** Runs a key's admission on its own (one round trip). */
export async function admitRequest(ctx: GatewayContext, caller: Caller, model: ModelEntry, units = 1): Promise<KeyAdmission> {
  const plan = planAdmission(ctx, caller, model, units);
  if (!plan) return noAdmission;
  if (!plan.statements.length) return plan.settle([]);
  const results = await ctx.db.batch(plan.statements as [Statement, ...Statement[]]);
  return plan.settle(results);
}

