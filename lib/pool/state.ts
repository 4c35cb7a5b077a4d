/**
 * @module pool/state
 * How an account's state changes after an attempt (spec §8.5). Pure: returns a patch that lib/db/tokens
 * applies atomically. Failures that are not the account's fault (Cloudflare, anti-bot, moderation, a
 * rejected request) leave it untouched.
 */
import type { UpstreamFailure } from '@/lib/grok/errors';

export interface TokenPatch {
  status?: 'invalid';
  cooldownUntil?: number;
  incrementFailures?: boolean;
  /** Sets the model's bucket to 0 (quota known to be exhausted). */
  exhaustBucket?: boolean;
  reason: string;
  at: number;
}

export interface StatePolicy {
  rateLimitCooldownSeconds: number;
  transientCooldownSeconds: number;
}

/** When the quota is known to be exhausted and upstream gave no wait time, cool down this many times longer. */
const EXHAUSTED_MULTIPLIER = 10;

export function patchForFailure(
  failure: UpstreamFailure,
  token: { remaining: number },
  policy: StatePolicy,
  now: number,
): TokenPatch | null {
  if (!failure.tokenAtFault) return null;
  const reason = failure.message.slice(0, 300);
  switch (failure.kind) {
    case 'auth':
    case 'blocked':
      return { status: 'invalid', incrementFailures: true, reason, at: now };
    case 'rate_limited': {
      const seconds =
        failure.retryAfterSeconds ??
        policy.rateLimitCooldownSeconds * (token.remaining === 0 ? EXHAUSTED_MULTIPLIER : 1);
      return { cooldownUntil: now + Math.max(1, seconds) * 1000, exhaustBucket: true, reason, at: now };
    }
    case 'transient':
    case 'timeout':
      return { cooldownUntil: now + policy.transientCooldownSeconds * 1000, incrementFailures: true, reason, at: now };
    default:
      return null;
  }
}
