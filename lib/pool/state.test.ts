import { describe, expect, it } from 'vitest';
import { upstreamFailure, type FailureKind } from '@/lib/grok/errors';
import { patchForFailure } from './state';

const NOW = 1_800_000_000_000;
const POLICY = { rateLimitCooldownSeconds: 3600, transientCooldownSeconds: 30, transientFailuresPerMinute: 3 };

const failure = (kind: FailureKind, extra: { message?: string; retryAfterSeconds?: number } = {}) =>
  upstreamFailure(kind, extra.message ?? `upstream says ${kind}`, { retryAfterSeconds: extra.retryAfterSeconds });

describe('patchForFailure', () => {
  it.each(['auth', 'blocked'] as const)('%s → invalid and one more failure', (kind) => {
    expect(patchForFailure(failure(kind), { remaining: 10 }, POLICY, NOW)).toEqual({
      status: 'invalid',
      incrementFailures: true,
      reason: `upstream says ${kind}`,
      at: NOW,
    });
  });

  it('rate_limited with Retry-After honours it and exhausts the bucket', () => {
    expect(patchForFailure(failure('rate_limited', { retryAfterSeconds: 120 }), { remaining: 10 }, POLICY, NOW)).toEqual({
      cooldownUntil: NOW + 120_000,
      exhaustBucket: true,
      reason: 'upstream says rate_limited',
      at: NOW,
    });
  });

  it('rate_limited without Retry-After uses the policy cooldown', () => {
    const patch = patchForFailure(failure('rate_limited'), { remaining: 10 }, POLICY, NOW);
    expect(patch).toMatchObject({ cooldownUntil: NOW + 3_600_000, exhaustBucket: true });
    expect(patch).not.toHaveProperty('incrementFailures');
    expect(patch).not.toHaveProperty('status');
  });

  it('rate_limited with unknown quota (−1) uses the plain policy cooldown', () => {
    expect(patchForFailure(failure('rate_limited'), { remaining: -1 }, POLICY, NOW)?.cooldownUntil).toBe(NOW + 3_600_000);
  });

  it('rate_limited when the quota is known to be 0 cools down ten times longer', () => {
    expect(patchForFailure(failure('rate_limited'), { remaining: 0 }, POLICY, NOW)?.cooldownUntil).toBe(NOW + 36_000_000);
  });

  it('Retry-After wins over the ×10 exhausted cooldown', () => {
    expect(patchForFailure(failure('rate_limited', { retryAfterSeconds: 120 }), { remaining: 0 }, POLICY, NOW)?.cooldownUntil).toBe(NOW + 120_000);
  });

  it.each(['transient', 'timeout'] as const)('%s → a strike: one more failure, cooling only at the allowed count per minute', (kind) => {
    expect(patchForFailure(failure(kind), { remaining: 10 }, POLICY, NOW)).toEqual({
      strike: { allowed: 3, windowMs: 60_000, cooldownUntil: NOW + 30_000 },
      incrementFailures: true,
      reason: `upstream says ${kind}`,
      at: NOW,
    });
  });

  it.each(['challenge', 'anti_bot', 'moderated', 'rejected', 'model_error', 'malformed', 'aborted'] as const)('%s leaves the account untouched', (kind) => {
    expect(patchForFailure(failure(kind), { remaining: 10 }, POLICY, NOW)).toBeNull();
  });

  it('caps the stored reason at 300 characters', () => {
    const patch = patchForFailure(failure('auth', { message: 'x'.repeat(1000) }), { remaining: 1 }, POLICY, NOW);
    expect(patch?.reason).toBe('x'.repeat(300));
  });
});
