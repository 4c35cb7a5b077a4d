/**
 * @module pool/select
 * Picks an account among eligible candidates. Pure: the clock and randomness are injected.
 *
 * Weighted random rather than "best first", so concurrent requests spread over healthy accounts instead of
 * stampeding the one with the highest count; accounts with more known quota, fewer recent failures and no
 * use in the last few seconds weigh more. Unknown quota (−1) weighs like a typical account so new imports
 * are discovered quickly.
 *
 * Quota where it lasts (spec E5, §7.5): an account whose quota window resets soon weighs more — what it has
 * left is lost (or comes back anyway) at the reset, so spending it now costs nothing later, while an account
 * whose window runs for hours keeps its quota for later. It is a weight factor (at most ×4, halving its
 * excess every hour to reset), not an order, so parallel requests still spread. A reset that has passed
 * makes the stored count stale: it counts as unknown until the next sync. Accounts known to hold fewer
 * units than the request costs are a last resort, and never serve the heavy bucket.
 */

export interface Candidate {
  id: string;
  type: 'sso' | 'ssoSuper';
  /** Remaining quota in the model's bucket; −1 = unknown. */
  remaining: number;
  /** When that bucket's quota window resets (ms; from the last rate-limit query); null = unknown. */
  resetAt: number | null;
  lastUsedAt: number | null;
  failedCount: number;
}

export interface PickOptions {
  /** Pools in order of preference: the first pool with a candidate is used (spec §8.1). */
  pools: readonly Candidate['type'][];
  /** Quota units the request costs (the model's `units`; default 1). */
  units?: number;
  /**
   * The model's bucket. `heavy`: an account known to hold fewer than `units` is never chosen (upstream
   * would refuse the request); otherwise it is only a last resort, since the local estimate may be stale.
   */
  bucket?: 'default' | 'heavy';
}

const UNKNOWN_QUOTA_WEIGHT = 40;
const MAX_QUOTA_WEIGHT = 200;
const RECENT_MS = 3_000;
/** Weight factor of an account whose window resets right now, relative to one whose reset is far or unknown. */
export const RESET_BOOST = 4;
/** The factor's excess over 1 halves for each this much time left until the reset. */
const RESET_HALF_LIFE_MS = 60 * 60_000;

/** The bucket as selection sees it at `t`: after its reset the stored count says nothing any more. */
function current(c: Candidate, t: number): { remaining: number; resetAt: number | null } {
  if (c.resetAt !== null && c.resetAt <= t) return { remaining: -1, resetAt: null };
  return { remaining: c.remaining, resetAt: c.resetAt };
}

/** 1 for an unknown or distant reset, up to RESET_BOOST for one that is imminent. */
export function resetFactor(resetAt: number | null, t: number): number {
  if (resetAt === null) return 1;
  return 1 + (RESET_BOOST - 1) * 2 ** (-Math.max(0, resetAt - t) / RESET_HALF_LIFE_MS);
}

export function createTokenPicker({ now = Date.now, random = Math.random } = {}) {
  const weight = (c: Candidate, t: number) => {
    const { remaining, resetAt } = current(c, t);
    const quota = remaining < 0 ? UNKNOWN_QUOTA_WEIGHT : Math.min(remaining, MAX_QUOTA_WEIGHT);
    const recency = c.lastUsedAt !== null && t - c.lastUsedAt < RECENT_MS ? 0.5 : 1;
    return ((quota + 1) * recency * resetFactor(resetAt, t)) / (1 + c.failedCount);
  };

  return function pick(candidates: readonly Candidate[], { pools, units = 1, bucket = 'default' }: PickOptions): Candidate | undefined {
    const t = now();
    const need = Math.max(1, units);
    const short = (c: Candidate) => {
      const { remaining } = current(c, t);
      return remaining >= 0 && remaining < need;
    };
    // Accounts whose local estimate is below the cost are a last resort: the estimate may be stale, and only
    // a use (or a quota sync) tells; upstream answers 429 if it really is exhausted. Not for the heavy bucket:
    // its quota is small and separate, and a request there must not go to an account that cannot take it.
    const passes = [...pools.map((p) => [p, false] as const), ...(bucket === 'heavy' ? [] : pools.map((p) => [p, true] as const))];
    for (const [pool, lastResort] of passes) {
      const inPool = candidates.filter((c) => c.type === pool && short(c) === lastResort);
      if (!inPool.length) continue;
      const weights = inPool.map((c) => weight(c, t));
      let r = random() * weights.reduce((a, b) => a + b, 0);
      for (let i = 0; i < inPool.length; i++) {
        r -= weights[i];
        if (r < 0) return inPool[i];
      }
      return inPool[inPool.length - 1];
    }
    return undefined;
  };
}

/** Pools a model may use: super-tier models only ssoSuper; basic models prefer sso, then ssoSuper. */
export function poolsFor(tier: 'basic' | 'super'): Candidate['type'][] {
  return tier === 'super' ? ['ssoSuper'] : ['sso', 'ssoSuper'];
}
