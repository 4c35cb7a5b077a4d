import { describe, expect, it } from 'vitest';
import { createTokenPicker, poolsFor, resetFactor, RESET_BOOST, type Candidate, type PickOptions } from './select';

const NOW = 1_800_000_000_000;

/** mulberry32: a tiny deterministic PRNG so distribution tests are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cand = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  type: 'sso',
  remaining: 50,
  resetAt: null,
  lastUsedAt: null,
  failedCount: 0,
  ...over,
});

/** Share of picks per id over `n` seeded picks. */
function shares(candidates: Candidate[], pools: Candidate['type'][], n = 10_000, seed = 42, opts: Omit<PickOptions, 'pools'> = {}): Record<string, number> {
  const pick = createTokenPicker({ now: () => NOW, random: seeded(seed) });
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const c = pick(candidates, { pools, ...opts });
    if (!c) throw new Error('no pick');
    counts[c.id] = (counts[c.id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / n]));
}

describe('poolsFor', () => {
  it('super-tier models use ssoSuper only', () => {
    expect(poolsFor('super')).toEqual(['ssoSuper']);
  });
  it('basic models prefer sso, then ssoSuper', () => {
    expect(poolsFor('basic')).toEqual(['sso', 'ssoSuper']);
  });
});

describe('createTokenPicker', () => {
  it('returns undefined when there are no candidates', () => {
    const pick = createTokenPicker({ now: () => NOW, random: () => 0.5 });
    expect(pick([], { pools: poolsFor('basic') })).toBeUndefined();
  });

  it('returns undefined when no candidate is in an allowed pool', () => {
    const pick = createTokenPicker({ now: () => NOW, random: () => 0.5 });
    expect(pick([cand('basic1')], { pools: poolsFor('super') })).toBeUndefined();
  });

  it('a super-tier model never gets a basic token', () => {
    const picked = shares([cand('b1'), cand('b2'), cand('s1', { type: 'ssoSuper', remaining: 1 })], poolsFor('super'), 2_000);
    expect(picked).toEqual({ s1: 1 });
  });

  it('a basic model uses sso whenever one is available', () => {
    const picked = shares([cand('s1', { type: 'ssoSuper', remaining: 200 }), cand('b1', { remaining: 1 })], poolsFor('basic'), 2_000);
    expect(picked).toEqual({ b1: 1 });
  });

  it('a basic model falls back to ssoSuper when there is no sso candidate', () => {
    const pick = createTokenPicker({ now: () => NOW, random: () => 0.5 });
    expect(pick([cand('s1', { type: 'ssoSuper' })], { pools: poolsFor('basic') })?.id).toBe('s1');
  });

  it('uses an account with known remaining 0 only when nothing else exists', () => {
    const pick = createTokenPicker({ now: () => NOW, random: seeded(1) });
    const zero = cand('zero', { remaining: 0 });
    for (let i = 0; i < 200; i++) {
      // A super account with quota beats a basic one known to be exhausted.
      expect(pick([zero, cand('s1', { type: 'ssoSuper', remaining: 3 })], { pools: poolsFor('basic') })?.id).toBe('s1');
      expect(pick([zero, cand('unknown', { remaining: -1 })], { pools: poolsFor('basic') })?.id).toBe('unknown');
    }
    expect(pick([zero], { pools: poolsFor('basic') })?.id).toBe('zero');
    // Still prefers an exhausted sso over an exhausted ssoSuper for a basic model.
    expect(pick([cand('s0', { type: 'ssoSuper', remaining: 0 }), zero], { pools: poolsFor('basic') })?.id).toBe('zero');
  });

  it('maps random() onto the cumulative weights', () => {
    const a = cand('a');
    const b = cand('b');
    expect(createTokenPicker({ now: () => NOW, random: () => 0 })([a, b], { pools: ['sso'] })?.id).toBe('a');
    expect(createTokenPicker({ now: () => NOW, random: () => 0.49 })([a, b], { pools: ['sso'] })?.id).toBe('a');
    expect(createTokenPicker({ now: () => NOW, random: () => 0.51 })([a, b], { pools: ['sso'] })?.id).toBe('b');
    expect(createTokenPicker({ now: () => NOW, random: () => 0.999999 })([a, b], { pools: ['sso'] })?.id).toBe('b');
  });

  it('spreads picks evenly over three equal candidates', () => {
    const s = shares([cand('a'), cand('b'), cand('c')], ['sso']);
    for (const id of ['a', 'b', 'c']) {
      expect(s[id], id).toBeGreaterThanOrEqual(0.25);
      expect(s[id], id).toBeLessThanOrEqual(0.42);
    }
  });

  it('favours the account with more remaining quota', () => {
    const s = shares([cand('rich', { remaining: 200 }), cand('poor', { remaining: 5 })], ['sso']);
    expect(s.rich).toBeGreaterThan(0.9);
    expect(s.poor).toBeGreaterThan(0); // still reachable
    expect(s.rich / s.poor).toBeGreaterThan(10);
  });

  it('caps the quota weight: 10 000 remaining weighs like 200', () => {
    const s = shares([cand('huge', { remaining: 10_000 }), cand('cap', { remaining: 200 })], ['sso']);
    expect(s.huge).toBeGreaterThan(0.4);
    expect(s.huge).toBeLessThan(0.6);
  });

  it('an unknown quota (−1) is picked like a typical account', () => {
    const s = shares([cand('new', { remaining: -1 }), cand('known', { remaining: 39 })], ['sso']);
    expect(s.new).toBeGreaterThan(0.4);
    expect(s.new).toBeLessThan(0.6);
  });

  it('an account used within the last 3 s weighs less; older use does not count', () => {
    const recent = shares([cand('recent', { lastUsedAt: NOW - 1_000 }), cand('idle')], ['sso']);
    expect(recent.recent).toBeGreaterThan(0.25);
    expect(recent.recent).toBeLessThan(0.42); // about 1/3
    const old = shares([cand('old', { lastUsedAt: NOW - 10_000 }), cand('idle')], ['sso']);
    expect(old.old).toBeGreaterThan(0.45);
    expect(old.old).toBeLessThan(0.55);
  });

  it('failures lower the weight', () => {
    const s = shares([cand('failing', { failedCount: 3 }), cand('healthy')], ['sso']);
    expect(s.failing).toBeGreaterThan(0.12);
    expect(s.failing).toBeLessThan(0.28); // about 1/5
  });
});

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('reset factor', () => {
  it('is RESET_BOOST for an imminent (or passed) reset, 1 for an unknown one, and halves its excess each hour', () => {
    expect(resetFactor(null, NOW)).toBe(1);
    expect(resetFactor(NOW, NOW)).toBe(RESET_BOOST); // (selection treats a passed reset as unknown: see below)
    expect(resetFactor(NOW + HOUR, NOW)).toBeCloseTo(1 + (RESET_BOOST - 1) / 2);
    expect(resetFactor(NOW + 2 * HOUR, NOW)).toBeCloseTo(1 + (RESET_BOOST - 1) / 4);
    expect(resetFactor(NOW + 20 * HOUR, NOW)).toBeCloseTo(1, 4);
  });
});

describe('quota where it lasts (reset times, units, heavy bucket)', () => {
  it('prefers the account whose window resets soonest, as a weight and not an order', () => {
    const soon = cand('soon', { resetAt: NOW + 10 * MIN });
    const late = cand('late', { resetAt: NOW + 20 * HOUR });
    const s = shares([soon, late], ['sso']);
    const expected = resetFactor(soon.resetAt, NOW) / (resetFactor(soon.resetAt, NOW) + resetFactor(late.resetAt, NOW));
    expect(expected).toBeGreaterThan(0.75);
    expect(Math.abs(s.soon - expected)).toBeLessThan(0.02);
    expect(s.late).toBeGreaterThan(0.18); // still used: concurrent requests spread
  });

  it('orders three accounts by reset (10 min > 2 h > unknown) while all stay in use', () => {
    const s = shares([cand('m10', { resetAt: NOW + 10 * MIN }), cand('h2', { resetAt: NOW + 2 * HOUR }), cand('none')], ['sso']);
    expect(s.m10).toBeGreaterThan(s.h2);
    expect(s.h2).toBeGreaterThan(s.none);
    expect(s.none).toBeGreaterThan(0.15);
  });

  it('spread stays even over equal accounts with the same reset', () => {
    const s = shares(['a', 'b', 'c'].map((id) => cand(id, { resetAt: NOW + 30 * MIN })), ['sso']);
    for (const id of ['a', 'b', 'c']) {
      expect(s[id], id).toBeGreaterThanOrEqual(0.28);
      expect(s[id], id).toBeLessThanOrEqual(0.39);
    }
  });

  it('the clock is injected: the same accounts weigh differently as their reset nears', () => {
    const a = cand('a', { resetAt: NOW + 3 * HOUR });
    const b = cand('b', { resetAt: NOW + 20 * HOUR });
    const at = (t: number) => {
      const pick = createTokenPicker({ now: () => t, random: seeded(7) });
      let n = 0;
      for (let i = 0; i < 5_000; i++) if (pick([a, b], { pools: ['sso'] })?.id === 'a') n++;
      return n / 5_000;
    };
    expect(at(NOW)).toBeLessThan(at(NOW + 2.5 * HOUR));
    expect(at(NOW + 2.5 * HOUR)).toBeGreaterThan(0.7);
  });

  it('unknown quota is still discovered next to accounts that reset soon', () => {
    const s = shares([cand('soon1', { resetAt: NOW + 5 * MIN }), cand('soon2', { resetAt: NOW + 5 * MIN }), cand('new', { remaining: -1 })], ['sso']);
    expect(s.new).toBeGreaterThan(0.08);
  });

  it('an exhausted account is not preferred for its soon reset: it is a last resort until the reset passes', () => {
    const pick = createTokenPicker({ now: () => NOW, random: seeded(3) });
    const zero = cand('zero', { remaining: 0, resetAt: NOW + MIN });
    for (let i = 0; i < 500; i++) expect(pick([zero, cand('late', { remaining: 2, resetAt: NOW + 20 * HOUR })], { pools: ['sso'] })?.id).toBe('late');
  });

  it('after its reset an exhausted account counts as unknown again (and gets no reset bonus)', () => {
    const refilled = cand('refilled', { remaining: 0, resetAt: NOW - 1 });
    const s = shares([refilled, cand('known', { remaining: 39 })], ['sso']);
    expect(s.refilled).toBeGreaterThan(0.4);
    expect(s.refilled).toBeLessThan(0.6);
    // Also for the heavy bucket, which otherwise never takes an account below the cost.
    const pick = createTokenPicker({ now: () => NOW, random: () => 0.5 });
    expect(pick([cand('h', { type: 'ssoSuper', remaining: 0, resetAt: NOW - 1 })], { pools: ['ssoSuper'], units: 4, bucket: 'heavy' })?.id).toBe('h');
  });

  it('an account known to hold fewer units than the request costs is not chosen while another can serve', () => {
    const pick = createTokenPicker({ now: () => NOW, random: seeded(5) });
    const three = cand('three', { remaining: 3, resetAt: NOW + MIN });
    for (let i = 0; i < 500; i++) {
      expect(pick([three, cand('four', { remaining: 4 })], { pools: ['sso'], units: 4 })?.id).toBe('four');
      expect(pick([three, cand('unknown', { remaining: -1 })], { pools: ['sso'], units: 4 })?.id).toBe('unknown');
      // An sso account short of units loses to an ssoSuper that can serve.
      expect(pick([three, cand('super', { type: 'ssoSuper', remaining: 10 })], { pools: poolsFor('basic'), units: 4 })?.id).toBe('super');
    }
    // A one-unit request takes it like any other.
    const s = shares([three, cand('four', { remaining: 4, resetAt: NOW + MIN })], ['sso']);
    expect(s.three).toBeGreaterThan(0.35);
    // Default bucket: still a last resort when nothing else exists.
    expect(pick([three], { pools: ['sso'], units: 4 })?.id).toBe('three');
  });

  it('never sends a heavy request to an account that cannot take it', () => {
    const pick = createTokenPicker({ now: () => NOW, random: seeded(9) });
    const heavy = { pools: poolsFor('super'), units: 4, bucket: 'heavy' } as const;
    const short = cand('short', { type: 'ssoSuper', remaining: 3, resetAt: NOW + MIN });
    const empty = cand('empty', { type: 'ssoSuper', remaining: 0, resetAt: NOW + HOUR });
    expect(pick([short, empty], heavy)).toBeUndefined();
    expect(pick([short], { ...heavy, bucket: 'default' })?.id).toBe('short');
    for (let i = 0; i < 500; i++) {
      expect(pick([short, empty, cand('ok', { type: 'ssoSuper', remaining: 4 })], heavy)?.id).toBe('ok');
      expect(pick([short, empty, cand('new', { type: 'ssoSuper', remaining: -1 })], heavy)?.id).toBe('new');
    }
  });

  it('failures and recent use still weigh on an account that resets soon', () => {
    const s = shares([cand('soonFailing', { resetAt: NOW + 1, failedCount: 3, lastUsedAt: NOW - 1_000 }), cand('late')], ['sso']);
    // 4 × 0.5 / 4 = 0.5 against 1.
    expect(s.soonFailing).toBeGreaterThan(0.28);
    expect(s.soonFailing).toBeLessThan(0.39);
  });
});
