/**
 * @module gateway/key-limits
 * Per-key daily quotas, requests per minute and concurrency. Counted when a request is accepted and given
 * back if it fails before any output, so a client is not charged for the pool's failures.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { KeyLimits } from '@/lib/db/schema';
import { acquireLease, decrementUsage, incrementUsage, releaseLease } from '@/lib/db/keys';
import { GatewayError } from '@/lib/errors';
import type { Caller } from './authorize';
import type { GatewayContext } from './context';

const DAY_MS = 86_400_000;
/** A request that outlives this is assumed dead; its lease lapses so the key is not locked forever. */
const LEASE_TTL_MS = 15 * 60_000;

type DailyBucket = 'chat' | 'heavy' | 'image' | 'video';

export function dailyBucket(model: ModelEntry): DailyBucket {
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

export interface KeyAdmission {
  /** Give back the daily unit (request failed before output). */
  refund(): Promise<void>;
  /** End of request: frees the concurrency slot. */
  release(): Promise<void>;
}

const NOOP: KeyAdmission = { refund: async () => {}, release: async () => {} };

export async function admitRequest(ctx: GatewayContext, caller: Caller, model: ModelEntry, units = 1): Promise<KeyAdmission> {
  if (!caller) return NOOP;
  const limits = caller.limits ?? {};
  const now = ctx.now();
  const keyId = caller.id;
  const taken: { keyId: string; window: string; bucket: string }[] = [];
  let lease: string | undefined;

  const giveBack = async () => {
    await Promise.all(taken.splice(0).map((t) => decrementUsage(ctx.db, t)));
  };
  const fail = async (message: string, code: string, retryAfter: number) => {
    await giveBack();
    if (lease) await releaseLease(ctx.db, lease);
    throw new GatewayError('key_limit', message, { code, retryAfter });
  };

  if (limits.rpm) {
    const minute = Math.floor(now / 60_000);
    const row = { keyId, window: `m:${minute}`, bucket: 'rpm', expiresAt: (minute + 2) * 60_000 };
    if (!(await incrementUsage(ctx.db, row, limits.rpm))) {
      await fail(`Rate limit of ${limits.rpm} requests per minute reached for this API key`, 'rpm_exceeded', 60 - Math.floor((now % 60_000) / 1000));
    }
    // RPM counts attempts, not successes: it is not refunded.
  }

  const bucket = dailyBucket(model);
  const dailyLimit = limits[LIMIT_FIELD[bucket]];
  if (dailyLimit !== undefined) {
    const day = localDay(now, ctx.platform.env.CACHE_RESET_TZ_OFFSET_MINUTES);
    const row = { keyId, window: day.window, bucket, expiresAt: day.endsAt + DAY_MS };
    let ok = true;
    for (let i = 0; i < units && ok; i++) {
      ok = await incrementUsage(ctx.db, row, dailyLimit);
      if (ok) taken.push(row);
    }
    if (!ok) await fail(`Daily ${bucket} quota of ${dailyLimit} reached for this API key`, `${bucket}_quota_exceeded`, Math.ceil((day.endsAt - now) / 1000));
  }

  if (limits.concurrency) {
    lease = await acquireLease(ctx.db, keyId, limits.concurrency, now, LEASE_TTL_MS);
    if (!lease) await fail(`Concurrency limit of ${limits.concurrency} in-flight requests reached for this API key`, 'concurrency_exceeded', 1);
  }

  return {
    refund: giveBack,
    release: async () => {
      if (lease) await releaseLease(ctx.db, lease);
      lease = undefined;
    },
  };
}
