/**
 * @module pool/state
 * How an account's state changes after an attempt (spec §8.5). Pure: returns a patch that lib/db/tokens
 * applies atomically. What a failure does to an account is decided by its classification
 * (`UpstreamFailure.account`); this module only turns that into numbers.
 */
import type { UpstreamFailure } from '@/lib/grok/errors';
import type { Settings } from '@/lib/settings/schema';

export interface TokenPatch {
  status?: 'invalid';
  cooldownUntil?: number;
  incrementFailures?: boolean;
  /**
   * A transient failure: counts toward the recent-failure window and cools the account for `cooldownUntil`
   * only once `allowed` strikes fall within `windowMs` of each other. Applied in SQL, so parallel requests
   * on one account count exactly.
   */
  strike?: { allowed: number; windowMs: number; cooldownUntil: number };
  /** Sets the model's bucket to 0 (quota known to be exhausted). */
  exhaustBucket?: boolean;
  reason: string;
  at: number;
}

export interface StatePolicy {
  rateLimitCooldownSeconds: number;
  transientCooldownSeconds: number;
  /** Transient failures an account may have within a minute before it cools (LiteLLM's allowed_fails). */
  transientFailuresPerMinute: number;
}

const STRIKE_WINDOW_MS = 60_000;

export function statePolicy(settings: Settings): StatePolicy {
  return {
    rateLimitCooldownSeconds: settings.rate_limit_cooldown_seconds,
    transientCooldownSeconds: settings.transient_cooldown_seconds,
    transientFailuresPerMinute: settings.transient_failures_per_minute,
  };
}

/** When the quota is known to be exhausted and upstream gave no wait time, cool down this many times longer. */
const EXHAUSTED_MULTIPLIER = 10;

export function patchForFailure(
  failure: UpstreamFailure,
  token: { remaining: number },
  policy: StatePolicy,
  now: number,
): TokenPatch | null {
  const reason = failure.message.slice(0, 300);
  switch (failure.account) {
    case 'invalidate':
      return { status: 'invalid', incrementFailures: true, reason, at: now };
    case 'cool': {
      const seconds =
        failure.retryAfterSeconds ??
        policy.rateLimitCooldownSeconds * (token.remaining === 0 ? EXHAUSTED_MULTIPLIER : 1);
      return { cooldownUntil: now + Math.max(1, seconds) * 1000, exhaustBucket: true, reason, at: now };
    }
    case 'strike':
      return {
        incrementFailures: true,
        strike: { allowed: policy.transientFailuresPerMinute, windowMs: STRIKE_WINDOW_MS, cooldownUntil: now + policy.transientCooldownSeconds * 1000 },
        reason,
        at: now,
      };
    case 'none':
      return null;
  }
}
