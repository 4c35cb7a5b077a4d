import { describe, expect, it } from 'vitest';
import { createTokenPicker, poolsFor, type Candidate } from './select';

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
  lastUsedAt: null,
  failedCount: 0,
  ...over,
});

/** Share of picks per id over `n` seeded picks. */
function shares(candidates: Candidate[], pools: Candidate['type'][], n = 10_000, seed = 42): Record<string, number> {
  const pick = createTokenPicker({ now: () => NOW, random: seeded(seed) });
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const c = pick(candidates, { pools });
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
