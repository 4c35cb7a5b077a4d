/**
 * @module pool/blast-radius
 * One client request's memory of its failures, so that a failure the request (or the egress, or we) caused
 * cannot spread over the pool. Only an account-specific failure (dead credentials, the account's own limit)
 * is expected to differ from one account to the next; any other failure that repeats identically on a
 * second account ends the retries (except a failed connection, which says nothing about the request), and only the request's first such failure is charged to an account at
 * all. Across requests, a charged failure is a strike, and strikes cool an account only at the allowance
 * per minute (pool/state).
 */
import { isAccountSpecific, isTransportFailure, type UpstreamFailure } from '@/lib/grok/errors';

interface Verdict {
  /** Apply the failure's effect to the account that produced it. */
  charge: boolean;
  /** Another account may be tried (the retry budget is the caller's). */
  tryAnother: boolean;
}

const signatureOf = (f: UpstreamFailure) => `${f.kind}|${f.status ?? ''}|${f.message}`;

export function createFailureLedger() {
  const signatures = new Set<string>();
  let charged = false;
  return {
    judge(failure: UpstreamFailure): Verdict {
      if (isAccountSpecific(failure)) return { charge: true, tryAnother: failure.retryable };
      const signature = signatureOf(failure);
      const repeated = signatures.has(signature);
      signatures.add(signature);
      const charge = failure.account !== 'none' && !charged && !repeated;
      if (charge) charged = true;
      return { charge, tryAnother: failure.retryable && (!repeated || isTransportFailure(failure)) };
    },
  };
}
