import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, networkFailure, truncatedFailure, upstreamFailure } from '@/lib/grok/errors';
import { createAttemptBudget } from './attempt-budget';

const RATE_LIMITED = upstreamFailure('rate_limited', 'usage limit', { status: 429 });

describe('createAttemptBudget', () => {
  it('counts attempts and remembers the accounts in the order tried, and the last failure', () => {
    const budget = createAttemptBudget(3);
    budget.begin('b');
    budget.fail(RATE_LIMITED);
    budget.begin('a');
    const cut = truncatedFailure();
    budget.fail(cut);
    expect(budget.state).toMatchObject({ attempts: 2, tried: ['b', 'a'], lastFailure: cut, mayTryAnother: true });
  });

  it('charges an account-specific failure every time; the first other failure once', () => {
    const budget = createAttemptBudget(5);
    expect([budget.fail(RATE_LIMITED), budget.fail(RATE_LIMITED)]).toEqual([{ charge: true }, { charge: true }]);
    expect([budget.fail(truncatedFailure('a')), budget.fail(truncatedFailure('b'))]).toEqual([{ charge: true }, { charge: false }]);
  });

  it('no retry after a non-retryable failure, even with attempts left', () => {
    const budget = createAttemptBudget(3);
    budget.begin('a');
    budget.fail(classifyHttpFailure(400, new Headers(), 'bad request'));
    expect(budget.mayRetry(false)).toBe(false);
  });

  it('no retry once the maximum of attempts is made', () => {
    const budget = createAttemptBudget(2);
    budget.begin('a');
    budget.fail(RATE_LIMITED);
    expect(budget.mayRetry(false)).toBe(true);
    budget.begin('b');
    budget.fail(RATE_LIMITED);
    expect(budget.mayRetry(false)).toBe(false);
  });

  it('no retry when the client went away', () => {
    const budget = createAttemptBudget(3);
    budget.begin('a');
    budget.fail(RATE_LIMITED);
    expect([budget.mayRetry(true), budget.mayRetry(false)]).toEqual([false, true]);
  });

  it('the same non-account failure twice ends the retries; a failed connection twice does not', () => {
    const repeated = createAttemptBudget(5);
    const overloaded = () => classifyHttpFailure(503, new Headers(), 'overloaded');
    repeated.begin('a');
    repeated.fail(overloaded());
    expect(repeated.mayRetry(false)).toBe(true);
    repeated.begin('b');
    repeated.fail(overloaded());
    expect(repeated.mayRetry(false)).toBe(false);

    const network = createAttemptBudget(5);
    for (const id of ['a', 'b', 'c']) {
      network.begin(id);
      expect(network.fail(networkFailure(new Error('Network connection lost.')))).toEqual({ charge: false });
    }
    expect(network.mayRetry(false)).toBe(true);
  });
});
