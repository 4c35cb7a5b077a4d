/**
 * @module auth/throttle
 * Password checks (login, and the re-entry that guards token export and password change) are throttled per
 * key: a number of free failures, then a lock that doubles with each further failure up to 15 minutes.
 * Attempts are charged before the password is checked and settled after, so parallel guesses all count.
 */
import { GatewayError } from '@/lib/errors';
import type { Db } from '@/lib/db/client';
import { chargeLoginAttempt, clearLoginAttempts, lockLoginKey } from '@/lib/db/admins';

interface ThrottleRule {
  key: string;
  freeAttempts: number;
}

const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

export const lockFor = (failures: number, freeAttempts: number) =>
  failures < freeAttempts ? 0 : Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - freeAttempts));

/** The caller's IP as Cloudflare saw it; without Cloudflare in front there is no trustworthy one. */
export function clientIp(req: Request): string {
  return req.headers.get('cf-connecting-ip')?.trim() || 'direct';
}

/**
 * Runs `check` under the throttle of every rule. A refused check fails with `failure()` and, past the free
 * attempts, locks its keys; a locked key refuses with 429 before `check` runs.
 */
export async function throttled<T>(db: Db, rules: ThrottleRule[], now: number, check: () => Promise<T | undefined>, failure: (left: number) => GatewayError): Promise<T> {
  const charged = await Promise.all(rules.map((r) => chargeLoginAttempt(db, r.key, now)));
  const lockedUntil = Math.max(0, ...charged.map((c) => c.lockedUntil ?? 0));
  if (lockedUntil > now) {
    const retryAfter = Math.ceil((lockedUntil - now) / 1000);
    throw new GatewayError('login_throttled', `Too many failed attempts; try again in ${retryAfter} s`, { retryAfter });
  }
  const result = await check();
  if (result !== undefined) {
    await clearLoginAttempts(db, rules.map((r) => r.key));
    return result;
  }
  let left = Infinity;
  await Promise.all(
    rules.map((rule, i) => {
      left = Math.min(left, Math.max(0, rule.freeAttempts - charged[i].failures));
      const ms = lockFor(charged[i].failures, rule.freeAttempts);
      return ms ? lockLoginKey(db, rule.key, now + ms) : undefined;
    }),
  );
  throw failure(left);
}
