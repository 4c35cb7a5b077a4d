/**
 * @module pool/select
 * Picks an account among eligible candidates. Pure: the clock and randomness are injected.
 *
 * Weighted random rather than "best first", so concurrent requests spread over healthy accounts instead of
 * stampeding the one with the highest count; accounts with more known quota, fewer recent failures and no
 * use in the last few seconds weigh more. Unknown quota (−1) weighs like a typical account so new imports
 * are discovered quickly.
 */

export interface Candidate {
  id: string;
  type: 'sso' | 'ssoSuper';
  /** Remaining quota in the model's bucket; −1 = unknown. */
  remaining: number;
  lastUsedAt: number | null;
  failedCount: number;
}

export interface PickOptions {
  /** Pools in order of preference: the first pool with a candidate is used (spec §8.1). */
  pools: readonly Candidate['type'][];
}

const UNKNOWN_QUOTA_WEIGHT = 40;
const MAX_QUOTA_WEIGHT = 200;
const RECENT_MS = 3_000;

export function createTokenPicker({ now = Date.now, random = Math.random } = {}) {
  const weight = (c: Candidate, t: number) => {
    const quota = c.remaining < 0 ? UNKNOWN_QUOTA_WEIGHT : Math.min(c.remaining, MAX_QUOTA_WEIGHT);
    const recency = c.lastUsedAt !== null && t - c.lastUsedAt < RECENT_MS ? 0.5 : 1;
    return (quota + 1) * recency / (1 + c.failedCount);
  };

  return function pick(candidates: readonly Candidate[], { pools }: PickOptions): Candidate | undefined {
    const t = now();
    // Accounts whose local estimate reached 0 are a last resort: the estimate may be stale, and only a use
    // (or a quota sync) tells; upstream answers 429 if it really is exhausted.
    const passes = [...pools.map((p) => [p, false] as const), ...pools.map((p) => [p, true] as const)];
    for (const [pool, exhausted] of passes) {
      const inPool = candidates.filter((c) => c.type === pool && (c.remaining === 0) === exhausted);
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
