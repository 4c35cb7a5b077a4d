import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors';
import { useTestDb } from '@/lib/test/d1';
import { loginAttempts } from '@/lib/db/schema';
import { clientIp, lockFor, throttled } from './throttle';

const t = useTestDb(loginAttempts);

const T0 = 1_800_000_000_000;
const rules = [{ key: 'admin|1.2.3.4', freeAttempts: 5 }];
const wrong = () => new GatewayError('unauthenticated', 'wrong', { code: 'invalid_credentials' });
const attempt = (ok: boolean, now = T0) => throttled(t.db, rules, now, async () => (ok ? 'user' : undefined), wrong);

describe('throttled', () => {
  it('five free failures, then a 30 s lock that refuses even the right password', async () => {
    for (let i = 0; i < 5; i++) await expect(attempt(false)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(attempt(true, T0 + 1_000)).rejects.toMatchObject({ code: 'login_throttled', retryAfter: 29 });
    expect(await attempt(true, T0 + 31_000)).toBe('user');
  });

  it('parallel guesses during one password check all count', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => attempt(false)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const [row] = await t.db.select().from(loginAttempts);
    expect(row.failures).toBe(20);
    expect(row.lockedUntil).toBe(T0 + lockFor(20, 5));
  });

  it('a success clears the count', async () => {
    for (let i = 0; i < 4; i++) await expect(attempt(false)).rejects.toThrow();
    expect(await attempt(true)).toBe('user');
    expect(await t.db.select().from(loginAttempts)).toEqual([]);
  });

  it('the lock doubles per further failure up to 15 minutes', () => {
    expect([4, 5, 6, 7].map((n) => lockFor(n, 5))).toEqual([0, 30_000, 60_000, 120_000]);
    expect(lockFor(50, 5)).toBe(15 * 60_000);
  });

  it('only Cloudflare’s view of the address counts; X-Forwarded-For is the client’s to choose', () => {
    expect(clientIp(new Request('http://x/', { headers: { 'cf-connecting-ip': '1.2.3.4', 'x-forwarded-for': '9.9.9.9' } }))).toBe('1.2.3.4');
    expect(clientIp(new Request('http://x/', { headers: { 'x-forwarded-for': '9.9.9.9' } }))).toBe('direct');
  });
});
