import { describe, expect, it } from 'vitest';
import { depthWithin } from './json-limits';

const nested = (n: number) => {
  let v: unknown = {};
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};

describe('depthWithin', () => {
  it('counts object and array nesting', () => {
    expect(depthWithin({ type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } } }, 64)).toBe(true);
    // nested(n) is n + 1 objects deep.
    expect(depthWithin(nested(63), 64)).toBe(true);
    expect(depthWithin(nested(64), 64)).toBe(false);
    expect(depthWithin([[[[]]]], 3)).toBe(false);
  });

  it('copes with depths that would overflow a recursive walk', () => {
    expect(depthWithin(nested(200_000), 64)).toBe(false);
  });

  it('scalars and null are depth 0', () => {
    expect(depthWithin(null, 0)).toBe(true);
    expect(depthWithin('x', 0)).toBe(true);
  });
});
