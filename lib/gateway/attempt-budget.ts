/**
 * @module gateway/attempt-budget
 * The retry state of one client request in one record: attempts made, accounts tried, the last failure,
 * and whether the failures so far allow another account (the verdicts of pool/blast-radius). Pure: the
 * upstream runner applies what a failure does to the account.
 */
import type { UpstreamFailure } from '@/lib/grok/errors';
import { createFailureLedger } from '@/lib/pool/blast-radius';

interface AttemptState {
  /** Attempts that got an account (running out of accounts is not an attempt). */
  attempts: number;
  /** Account ids in the order they were tried; the acquirer never picks one again. */
  tried: string[];
  lastFailure: UpstreamFailure | undefined;
  /** False once a failure rules out another account (not retryable, or repeated on a second account). */
  mayTryAnother: boolean;
}

export function createAttemptBudget(maxAttempts: number) {
  const ledger = createFailureLedger();
  const state: AttemptState = { attempts: 0, tried: [], lastFailure: undefined, mayTryAnother: true };
  return {
    state: state as Readonly<AttemptState>,
    begin(tokenId: string) {
      state.attempts++;
      state.tried.push(tokenId);
    },
    /** Records the attempt's failure; says whether the account that produced it is charged. */
    fail(failure: UpstreamFailure): { charge: boolean } {
      state.lastFailure = failure;
      const verdict = ledger.judge(failure);
      state.mayTryAnother = verdict.tryAnother;
      return { charge: verdict.charge };
    },
    /** Whether another attempt may follow the last failure. */
    mayRetry(aborted: boolean): boolean {
      return state.mayTryAnother && state.attempts < maxAttempts && !aborted;
    },
  };
}
